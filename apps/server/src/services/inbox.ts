import type { ChannelAdapter, TemplateChoice } from '@centralita/channel-kit';
import {
  type Actor,
  CentralitaError,
  type Conversation,
  type DeliveryUpdatedEvent,
  type InboundEvent,
  replaceUnsafeDeep,
  type StatusAction,
} from '@centralita/core';
import {
  appendEvent,
  attachmentKey,
  type ChannelAccountRecord,
  changeStatus,
  createAgentMessage,
  createPortalToken,
  createPortalTokens,
  type Database,
  findChannelAccount,
  findWorkspace,
  getConversation,
  type IngestItem,
  ingestMany,
  type StoredMessage,
  startOutboundConversation,
} from '@centralita/db';
import type { Kysely } from 'kysely';
import type { ChannelSink } from '../channels/host.ts';
import type { AppContext } from '../context.ts';
import { hashToken, newToken } from '../crypto.ts';
import { type Change, type CommitStream, conversationChanged } from '../pipeline/commits.ts';
import type { Realtime } from '../realtime/realtime.ts';
import { scheduleLinksByEmailInTransaction } from './email-follow-up.ts';
import { answerExpiredHandoffs } from './handoff-answers.ts';
import type { PrivacyGuard } from './privacy.ts';
import { applyReceipts, type Received } from './receipts.ts';
import { checkReplyFits, chosenTemplate, quotedMessage } from './reply-input.ts';
import { latestInbound, type ReplyPlanner } from './reply-options.ts';
import type { TemplateCatalog } from './templates.ts';

/** One thing a channel account delivered, with what the host should do beyond storing it. */
export interface ReceiveItem {
  event: InboundEvent;
  wantCustomerLink?: boolean;
  /** The conversation a customer-page reply belongs to (its token said so). */
  conversationId?: string;
}

/** What the inbox needs from the node; it publishes every change it commits to `commits`. */
export interface InboxDeps
  extends Pick<AppContext, 'db' | 'logger' | 'clock' | 'publicUrl' | 'attachments' | 'settings' | 'hooks' | 'incidents'> {
  commits: CommitStream;
  /** The installed adapter of a kind (capabilities, limits, names). */
  adapter(kind: string): ChannelAdapter | undefined;
  /** Shows a reply on the customer's page (the web form's outbound side). */
  portal: Realtime['portal'];
  /** What a reply may be on a conversation (its default visibility, the adapter's reply policy). */
  replies: ReplyPlanner;
  /** The accounts' approved templates, for replies that send one. */
  templates: TemplateCatalog;
  /** Scans inbound public messages before they are stored and refuses public replies that leak personal data. */
  privacy: PrivacyGuard;
}

interface PendingMessage {
  index: number;
  item: IngestItem;
  wantCustomerLink: boolean;
}

export type { Received } from './receipts.ts';

/**
 * The inbox: every change to conversations goes through here so it is stored first and
 * broadcast after the commit, never the other way round.
 */
export class Inbox implements ChannelSink {
  constructor(private readonly ctx: InboxDeps) {}

  /** Stores one inbound event exactly once and tells the consoles: a batch of one. */
  async receive(
    account: ChannelAccountRecord,
    event: InboundEvent,
    options: { wantCustomerLink?: boolean; conversationId?: string },
  ): Promise<Received> {
    const [outcome] = await this.receiveMany(account, [{ event, ...options }]);
    if (!outcome) throw new Error('receiveMany returned no outcome');
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Stores what one channel account delivered together, in one transaction, and answers each item
   * with its own result or its own error: a malformed or refused item fails alone. Customer links
   * and their follow-up emails are written in the same transaction, so nothing a committed
   * message set off is lost if the node dies at the commit.
   */
  async receiveMany(account: ChannelAccountRecord, items: ReceiveItem[]): Promise<(Received | Error)[]> {
    const out: (Received | Error)[] = new Array(items.length);
    const messages: PendingMessage[] = [];
    const receipts: { index: number; event: DeliveryUpdatedEvent }[] = [];
    for (const [index, raw] of items.entries()) {
      // A channel's message is stored whatever it holds: characters PostgreSQL cannot keep (NUL,
      // lone surrogates) become U+FFFD here, once for every adapter, instead of failing the insert.
      const event = replaceUnsafeDeep(raw.event);
      if (event.type === 'delivery.updated') {
        // Events keep their order: the messages before a run of receipts are stored first.
        await this.#storeMessages(account, messages.splice(0), out);
        receipts.push({ index, event });
        continue;
      }
      await this.#receipts(account, receipts.splice(0), out);
      messages.push({
        index,
        item: raw.conversationId ? { event, conversationId: raw.conversationId } : { event },
        wantCustomerLink: raw.wantCustomerLink === true,
      });
    }
    // Events keep their order: a delivery report after a message (a bounce) is applied after it.
    await this.#receipts(account, receipts, out);
    await this.#storeMessages(account, messages, out);
    return out;
  }

  /** Applies a run of delivery receipts (see `applyReceipts`), writing each outcome at its index in `out`. */
  async #receipts(account: ChannelAccountRecord, receipts: { index: number; event: DeliveryUpdatedEvent }[], out: (Received | Error)[]) {
    if (receipts.length === 0) return;
    const results = await applyReceipts(
      this.ctx,
      account,
      receipts.map((r) => r.event),
    );
    receipts.forEach(({ index }, i) => {
      out[index] = results[i] as Received | Error;
    });
  }

  /** Stores a run of messages in one transaction, writing each outcome at its index in `out`. */
  async #storeMessages(account: ChannelAccountRecord, messages: PendingMessage[], out: (Received | Error)[]): Promise<void> {
    if (messages.length === 0) return;
    const { db } = this.ctx;
    // Bytes first, under their hash: a crash between the two leaves an unreferenced blob, never a
    // message whose file is missing, and a redelivery writes nothing twice.
    for (const { item } of messages) {
      for (const file of item.event.attachments ?? []) {
        if (file.content) await this.ctx.attachments.put(account.workspaceId, attachmentKey(file.content), file.content);
      }
    }
    const ws = await findWorkspace(db.kysely, { id: account.workspaceId });
    const portal = this.ctx.adapter(account.kind)?.capabilities.customerPortal === true;
    const links = new Map<number, string>();
    // Public posts are scanned for personal data before they are stored; the findings go with them.
    const items = await this.ctx.privacy.annotate(
      account.workspaceId,
      messages.map((m) => m.item),
    );
    const { outcomes } = await ingestMany(
      db.kysely,
      { workspaceId: account.workspaceId, channelAccountId: account.id, reopenWindowMinutes: ws?.reopen_window_minutes ?? 10_080 },
      items,
      {
        now: this.ctx.clock(),
        inTransaction: async (trx, stored) => {
          await this.ctx.privacy.recordDetections(trx, account.workspaceId, items, stored);
          const wanting = portal ? stored.filter((s) => messages[s.index]?.wantCustomerLink) : [];
          const tokens = wanting.map((s) => ({ s, issued: this.#newLink(account.workspaceId, s.outcome.conversationId) }));
          await createPortalTokens(
            trx,
            tokens.map((t) => t.issued.row),
          );
          for (const t of tokens) links.set(t.s.index, t.issued.url);
          // Customers who left an address also get the link by email, to come back from their inbox.
          const created = wanting.filter((s) => s.outcome.createdConversation).map((s) => s.outcome.conversationId);
          await scheduleLinksByEmailInTransaction(trx, account.workspaceId, created);
          await this.ctx.incidents.linkInIngest(trx, account.workspaceId, items, stored);
          await this.ctx.hooks?.beforeCommit?.(
            account,
            stored.length,
            stored.map((s) => (messages[s.index]?.item.event as { text?: string } | undefined)?.text ?? ''),
          );
        },
      },
    );
    const changes: Change[] = [];
    outcomes.forEach((outcome, k) => {
      const { index } = messages[k] as (typeof messages)[number];
      if (!outcome.ok) {
        out[index] = outcome.error;
        return;
      }
      const conv = outcome.conversation;
      if (outcome.message) {
        changes.push(
          { kind: 'conversation', conversation: conv, created: outcome.createdConversation, cause: 'inbound' },
          { kind: 'message', conversation: conv, message: outcome.message, created: true },
        );
        this.ctx.logger.info(
          { channelAccountId: account.id, conversationId: conv.id, messageId: outcome.messageId, thread: outcome.threadRule ?? 'new' },
          'message received',
        );
      }
      out[index] = {
        duplicate: outcome.duplicate,
        conversationId: conv.id,
        messageId: outcome.messageId,
        customerLink: links.get(k) ?? null,
        message: outcome.message,
      };
    });
    this.ctx.commits.publish(changes);
    await answerExpiredHandoffs(this, this.ctx.logger, account, outcomes);
  }

  #newLink(workspaceId: string, conversationId: string) {
    const token = newToken('ctp_');
    const expiresAt = new Date(this.ctx.clock().getTime() + this.ctx.settings.portalTokenTtlMs);
    return {
      url: `${this.ctx.publicUrl()}/c/${token}`,
      row: { workspaceId, conversationId, tokenHash: hashToken(token), expiresAt },
    };
  }

  /** Issues a private, expiring link to the customer's conversation page. */
  async customerLink(workspaceId: string, conversationId: string): Promise<string> {
    return (await this.issueCustomerLink(workspaceId, conversationId)).url;
  }

  /**
   * A new link for a customer who lost theirs, issued by an agent who then sends it. Earlier
   * links keep working until they expire; the event log records who issued it, never the token.
   */
  async reissueCustomerLink(workspaceId: string, conversationId: string, actor: Actor): Promise<{ url: string; expiresAt: Date }> {
    const conv = await getConversation(this.ctx.db.kysely, workspaceId, conversationId);
    const account = await findChannelAccount(this.ctx.db.kysely, conv.channelAccountId);
    const adapter = account ? this.ctx.adapter(account.kind) : undefined;
    if (!adapter?.capabilities.customerPortal) {
      throw new CentralitaError(
        'validation_failed',
        `${adapter?.displayName ?? 'This'} conversations have no customer page; answer on the channel itself.`,
      );
    }
    return this.ctx.db.kysely.transaction().execute(async (trx) => {
      const link = await this.issueCustomerLink(workspaceId, conversationId, trx);
      await appendEvent(trx, {
        workspaceId,
        conversationId,
        type: 'conversation.customer_link_issued',
        actor,
        data: { expiresAt: link.expiresAt.toISOString() },
      });
      return link;
    });
  }

  private async issueCustomerLink(
    workspaceId: string,
    conversationId: string,
    db: Kysely<Database> = this.ctx.db.kysely,
  ): Promise<{ url: string; expiresAt: Date }> {
    const token = newToken('ctp_');
    const expiresAt = new Date(this.ctx.clock().getTime() + this.ctx.settings.portalTokenTtlMs);
    await createPortalToken(db, { workspaceId, conversationId, tokenHash: hashToken(token), expiresAt });
    return { url: `${this.ctx.publicUrl()}/c/${token}`, expiresAt };
  }

  /** The web-form channel's outbound side: the reply appears on the customer's page. */
  async deliverToPortal(
    _account: ChannelAccountRecord,
    message: { messageId: string; conversationId: string; text: string },
  ): Promise<void> {
    this.ctx.portal(message.conversationId, {
      id: message.messageId,
      from: 'agent',
      text: message.text,
      createdAt: this.ctx.clock().toISOString(),
    });
  }

  /** Stores an agent's reply (queued for sending) or note, and tells the consoles. */
  async post(
    workspaceId: string,
    conversationId: string,
    input: {
      kind: 'reply' | 'note';
      text: string;
      visibility?: 'public' | 'private';
      idempotencyKey?: string;
      allowSplit?: boolean;
      attachmentIds?: readonly string[];
      /** An approved template to send instead of free text; `text` is then ignored. */
      template?: TemplateChoice | undefined;
      /** The customer's message (Centralita id) the reply quotes, on channels that show quotes. */
      quoteMessageId?: string | undefined;
      /** The account to answer on; by default the one the customer wrote on last. */
      channelAccountId?: string | undefined;
      /** Kept with the message (a handoff's id, the address its first mail goes to); not from the API. */
      metadata?: Record<string, unknown>;
    },
    author: Actor,
  ): Promise<{ message: StoredMessage; created: boolean }> {
    const conv = await getConversation(this.ctx.db.kysely, workspaceId, conversationId);
    const accountId =
      input.kind === 'reply'
        ? await this.ctx.replies.account(conv, input.channelAccountId, typeof input.metadata?.to === 'string')
        : conv.channelAccountId;
    // Capabilities belong to the adapter, so no connection is needed (or opened) to know them.
    const account = await findChannelAccount(this.ctx.db.kysely, accountId);
    const adapter = account ? this.ctx.adapter(account.kind) : undefined;
    const caps = account && adapter ? this.ctx.replies.capabilities(account, adapter) : undefined;
    // A reply answers the customer's latest message the way it came (a DM with a DM), unless the
    // agent chose otherwise.
    const latest = account && !input.visibility ? await latestInbound(this.ctx.db.kysely, conv.id, account.id) : null;
    const visibility =
      input.visibility ??
      (latest && caps?.visibilities.includes(latest.visibility) ? latest.visibility : (caps?.visibilities[0] ?? 'private'));
    if (input.kind === 'reply' && caps && !caps.visibilities.includes(visibility)) {
      throw new CentralitaError(
        'validation_failed',
        `${adapter?.displayName} replies can be ${caps.visibilities.join(' or ')}, not ${visibility}.`,
      );
    }
    if (input.kind === 'reply' && account && adapter) {
      const decision = await this.ctx.replies.decide(account, adapter, conv, visibility, input.template ?? null);
      if (!decision.allowed) {
        throw new CentralitaError('validation_failed', decision.reason, {
          reply: { visibility, ...(decision.code ? { code: decision.code } : {}), alternatives: decision.alternatives },
        });
      }
    }
    const quotedExternalId = input.quoteMessageId
      ? await quotedMessage(this.ctx.db.kysely, { workspaceId, conversation: conv, kind: input.kind, adapter }, input.quoteMessageId)
      : null;
    // A template reply's text is the template as the customer reads it, with the agent's values;
    // checked after the channel's policy, which may refuse templates altogether (WhatsApp Web).
    const chosen = input.template
      ? await chosenTemplate(this.ctx.templates, { kind: input.kind, account, adapter, attachmentIds: input.attachmentIds }, input.template)
      : null;
    const text = chosen?.text ?? input.text;
    const template = chosen?.template ?? null;
    if (input.kind === 'reply') await this.ctx.privacy.checkReply(workspaceId, { visibility, text });
    const files = input.attachmentIds ?? [];
    if (input.kind === 'reply' && adapter && caps) checkReplyFits(adapter, caps, { visibility, text, allowSplit: input.allowSplit, files });
    const result = await createAgentMessage(this.ctx.db.kysely, {
      workspaceId,
      conversationId,
      attachmentIds: files,
      kind: input.kind,
      visibility,
      text,
      author,
      now: this.ctx.clock(),
      allowSplit: input.allowSplit === true,
      template,
      quotedExternalId,
      channelAccountId: accountId,
      ...(input.metadata ? { metadata: input.metadata } : {}),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    });
    if (result.created) {
      this.ctx.commits.publish([
        { kind: 'message', conversation: result.conversation, message: result.message, created: true },
        { kind: 'conversation', conversation: result.conversation, created: false, cause: 'agent' },
      ]);
    }
    return { message: result.message, created: result.created };
  }

  /** How a reply may go on a conversation: see `ReplyPlanner.options`. */
  replyOptions(conv: Conversation, channelAccountId?: string) {
    return this.ctx.replies.options(conv, channelAccountId);
  }

  /**
   * An agent writes first (an email to a customer): the conversation starts pending their answer,
   * assigned to the agent, and the message is queued like any reply.
   */
  async startConversation(
    workspaceId: string,
    input: { channelAccountId: string; to: string; name?: string; subject?: string; text: string },
    author: Actor,
  ) {
    const account = await findChannelAccount(this.ctx.db.kysely, input.channelAccountId);
    if (account?.workspaceId !== workspaceId) {
      throw new CentralitaError('not_found', `No channel account ${input.channelAccountId} in this workspace.`);
    }
    const adapter = this.ctx.adapter(account.kind);
    if (!adapter || adapter.capabilities.threading === 'host') {
      throw new CentralitaError('validation_failed', `${adapter?.displayName ?? account.kind} conversations are started by the customer.`);
    }
    const started = await startOutboundConversation(this.ctx.db.kysely, {
      ...input,
      workspaceId,
      channelAccountId: account.id,
      kind: account.kind,
      author,
      now: this.ctx.clock(),
    });
    this.ctx.commits.publish([
      { kind: 'conversation', conversation: started.conversation, created: true, cause: 'agent' },
      { kind: 'message', conversation: started.conversation, message: started.message, created: true },
    ]);
    return started;
  }

  /** Applies a status action and tells the consoles. */
  async setStatus(workspaceId: string, conversationId: string, action: StatusAction, actor: Actor) {
    const conv = await changeStatus(this.ctx.db.kysely, workspaceId, conversationId, action, actor, this.ctx.clock());
    // Routing hears it from the stream: a resolved or snoozed conversation frees a place.
    this.ctx.commits.publish(conversationChanged(conv, 'status'));
    return conv;
  }
}
