import { randomUUID } from 'node:crypto';
import type { ChannelAdapter } from '@centralita/channel-kit';
import { type Actor, CentralitaError, type Conversation, newHandoffCode } from '@centralita/core';
import {
  appendEvent,
  type ChannelAccountRecord,
  contactAddressOfKinds,
  type Database,
  getConversation,
  type Handoff,
  type HandoffMethod,
  type HandoffTarget,
  insertHandoff,
  listChannelAccounts,
  listHandoffs,
} from '@centralita/db';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { hashToken, newToken } from '../crypto.ts';
import type { CommitStream } from '../pipeline/commits.ts';
import { firstDm, firstMail, invitation, languageOf, notice, prefill } from './handoff-texts.ts';
import type { Inbox } from './inbox.ts';

/** How long a handoff's link or code works: long enough for a customer who reads it tomorrow. */
export const HANDOFF_TTL_MS = 3 * 24 * 60 * 60_000;

const KIND_OF: Record<HandoffTarget, string> = { web: 'webform', email: 'email', x_dm: 'twitter', whatsapp: 'whatsapp' };

/** One place a conversation can be handed off to, and whether it can be now. */
export interface HandoffOption {
  target: HandoffTarget;
  channelAccountId: string;
  accountName: string;
  method: HandoffMethod;
  /** Where it would go: the contact's known address on that channel, if any. */
  address: string | null;
  /** The agent must give an address (an email handoff to a contact with no email). */
  needsAddress: boolean;
  available: boolean;
  reason: string | null;
}

export interface HandoffDeps {
  db: Kysely<Database>;
  clock(): Date;
  publicUrl(): string;
  commits: CommitStream;
  adapter(kind: string): ChannelAdapter | undefined;
  parseConfig(account: ChannelAccountRecord, adapter: ChannelAdapter): unknown;
}

const email = z.email();

/**
 * Cross-channel handoff (docs/handoff.md): one action moves a conversation to another channel.
 * The conversation stays the same row (assignee, SLA clock and queue position untouched); what
 * changes is where the customer writes next, and ingest threads their first message there by the
 * code or identity the handoff records.
 */
export class Handoffs {
  constructor(
    private readonly deps: HandoffDeps,
    private readonly inbox: Inbox,
  ) {}

  async list(workspaceId: string, conversationId: string): Promise<Handoff[]> {
    return listHandoffs(this.deps.db, workspaceId, conversationId, this.deps.clock());
  }

  async options(workspaceId: string, conversationId: string): Promise<HandoffOption[]> {
    return (await this.#read(workspaceId, conversationId)).options;
  }

  /** The conversation, where the customer wrote last, and every handoff option with its account. */
  async #read(workspaceId: string, conversationId: string) {
    const conv = await getConversation(this.deps.db, workspaceId, conversationId);
    const current = await this.current(conv);
    const accounts = (await listChannelAccounts(this.deps.db, workspaceId)).filter((a) => a.active);
    const options: HandoffOption[] = [];
    const byId = new Map<string, { account: ChannelAccountRecord; adapter: ChannelAdapter }>();
    for (const account of accounts) {
      const target = (Object.keys(KIND_OF) as HandoffTarget[]).find((t) => KIND_OF[t] === account.kind);
      const adapter = this.deps.adapter(account.kind);
      if (!target || !adapter) continue;
      byId.set(account.id, { account, adapter });
      options.push(await this.option(conv, current, target, account, adapter));
    }
    return { conv, current, options, byId };
  }

  /** The channel the customer wrote on last (non-automated), where the invitation goes. */
  private async current(
    conv: Conversation,
  ): Promise<{ accountId: string; visibility: 'public' | 'private'; acceptsDms: boolean; text: string }> {
    const row = await this.deps.db
      .selectFrom('messages')
      .select(['channel_account_id', 'visibility', 'metadata', 'text'])
      .where('conversation_id', '=', conv.id)
      .where('direction', '=', 'inbound')
      .where('automated', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const meta = (row?.metadata ?? {}) as { authorAcceptsDms?: unknown };
    return {
      accountId: row?.channel_account_id ?? conv.channelAccountId,
      visibility: row?.visibility ?? 'private',
      acceptsDms: meta.authorAcceptsDms !== false,
      text: row?.text ?? '',
    };
  }

  private async option(
    conv: Conversation,
    current: { accountId: string; visibility: 'public' | 'private'; acceptsDms: boolean },
    target: HandoffTarget,
    account: ChannelAccountRecord,
    adapter: ChannelAdapter,
  ): Promise<HandoffOption> {
    const base = { target, channelAccountId: account.id, accountName: account.name, address: null, needsAddress: false };
    const here = current.accountId === account.id && target !== 'x_dm';
    if (here) return { ...base, method: methodOf(target), available: false, reason: 'The conversation is already on this account.' };
    if (target === 'web') {
      // A customer page shows the whole conversation: its link never goes in a public post.
      const publicOnly = current.visibility === 'public' && !current.acceptsDms;
      return {
        ...base,
        method: 'link',
        available: !publicOnly,
        reason: publicOnly ? 'The link to a customer page cannot go in a public post, and this customer does not take DMs.' : null,
      };
    }
    if (target === 'email') {
      const known = await contactAddressOfKinds(this.deps.db, conv.contactId, ['email']);
      return { ...base, method: 'mail', address: known?.externalId ?? null, needsAddress: !known, available: true, reason: null };
    }
    if (target === 'x_dm') {
      const xUser = await contactAddressOfKinds(this.deps.db, conv.contactId, adapter.addressKinds ?? [adapter.kind]);
      if (!xUser) return { ...base, method: 'dm', available: false, reason: 'We know no X account of this customer.' };
      if (current.acceptsDms) return { ...base, method: 'dm', address: xUser.externalId, available: true, reason: null };
      const link = this.contactLink(account, adapter, 'x');
      return {
        ...base,
        method: 'dm_link',
        address: xUser.externalId,
        available: link !== null,
        reason: link ? null : 'The X account has not looked up its own user id yet (test the account).',
      };
    }
    const link = this.contactLink(account, adapter, 'x');
    return {
      ...base,
      method: 'wa_link',
      available: link !== null,
      reason: link ? null : 'Set the account’s business phone number (international format) to send wa.me links.',
    };
  }

  private contactLink(account: ChannelAccountRecord, adapter: ChannelAdapter, text: string): string | null {
    if (!adapter.contactLink) return null;
    try {
      return adapter.contactLink(this.deps.parseConfig(account, adapter), text);
    } catch {
      return null;
    }
  }

  async create(
    workspaceId: string,
    conversationId: string,
    input: { target: HandoffTarget; channelAccountId: string; address?: string | undefined; note?: string | undefined },
    actor: Actor,
  ): Promise<Handoff> {
    const db = this.deps.db;
    const now = this.deps.clock();
    const { conv, current, options, byId } = await this.#read(workspaceId, conversationId);
    const option = options.find((o) => o.target === input.target && o.channelAccountId === input.channelAccountId);
    if (!option) {
      throw new CentralitaError(
        'validation_failed',
        `No active ${KIND_OF[input.target]} account ${input.channelAccountId} to hand off to.`,
      );
    }
    if (!option.available) throw new CentralitaError('validation_failed', option.reason ?? 'This handoff is not available.');
    const from = await db.selectFrom('channel_accounts').select('kind').where('id', '=', current.accountId).executeTakeFirst();
    const fromKind = from?.kind ?? null;
    const lang = languageOf(conv.language, current.text);
    const note = input.note?.trim() || null;
    const expiresAt = new Date(now.getTime() + HANDOFF_TTL_MS);
    const id = randomUUID();
    const post = (channelAccountId: string, visibility: 'public' | 'private', text: string, metadata: Record<string, unknown> = {}) =>
      this.inbox.post(
        workspaceId,
        conversationId,
        { kind: 'reply', text, visibility, channelAccountId, metadata: { ...metadata, handoffId: id } },
        actor,
      );

    let handoff: Handoff;
    if (input.target === 'email') {
      const address = (input.address ?? option.address ?? '').trim();
      if (!email.safeParse(address).success) {
        throw new CentralitaError(
          'validation_failed',
          address ? `${address} is not an email address.` : 'Give the email address to write to.',
        );
      }
      // What the customer gets goes first: when the channel refuses it, nothing is recorded.
      await post(input.channelAccountId, 'private', firstMail(lang, fromKind, note), { to: address.toLowerCase() });
      handoff = await this.record({
        id,
        conv,
        current,
        input,
        method: 'mail',
        code: null,
        link: null,
        expected: { kind: 'email', externalId: address },
        expiresAt,
        actor,
        now,
        public: false,
      });
      if (current.accountId !== input.channelAccountId)
        await bestEffort(post(current.accountId, current.visibility, notice(lang, 'email')));
    } else if (input.target === 'x_dm' && option.method === 'dm') {
      const expected = option.address ? { kind: 'twitter', externalId: option.address } : null;
      await post(input.channelAccountId, 'private', firstDm(lang, note));
      handoff = await this.record({
        id,
        conv,
        current,
        input,
        method: 'dm',
        code: null,
        link: null,
        expected,
        expiresAt,
        actor,
        now,
        public: false,
      });
      if (current.visibility === 'public') await bestEffort(post(current.accountId, 'public', notice(lang, 'x_dm')));
    } else {
      // A link: the customer page (web), or wa.me / X's DM compose link behind a short link of
      // ours, which knows when the code has expired.
      const target = input.target === 'web' ? 'web' : input.target === 'whatsapp' ? 'whatsapp' : 'x_dm';
      // Where the invitation goes: by DM when the customer wrote in public but takes DMs, so the
      // code stays private; in public only when nothing private reaches them (never a web link).
      const visibility = current.visibility === 'public' && current.acceptsDms ? 'private' : current.visibility;
      const code = target === 'web' ? null : newHandoffCode();
      let link: string;
      let destination: string | null = null;
      let pending: Parameters<Handoffs['record']>[0];
      if (target === 'web') {
        const token = newToken('ctp_');
        link = `${this.deps.publicUrl()}/c/${token}`;
        pending = {
          id,
          conv,
          current,
          input,
          method: 'link',
          code,
          link: null,
          expected: null,
          expiresAt,
          actor,
          now,
          public: false,
          portalTokenHash: hashToken(token),
        };
      } else {
        const { account, adapter } = byId.get(input.channelAccountId) as { account: ChannelAccountRecord; adapter: ChannelAdapter };
        destination = this.contactLink(account, adapter, prefill(lang, fromKind, code as string));
        link = `${this.deps.publicUrl()}/h/${code}`;
        const expected = target === 'x_dm' && option.address ? { kind: 'twitter', externalId: option.address } : null;
        pending = {
          id,
          conv,
          current,
          input,
          method: option.method,
          code,
          link: destination,
          expected,
          expiresAt,
          actor,
          now,
          public: visibility === 'public',
        };
      }
      await post(current.accountId, visibility, invitation(lang, target, link, expiresAt));
      handoff = { ...(await this.record(pending)), link };
    }
    const updated = await getConversation(db, workspaceId, conversationId);
    this.deps.commits.publish([{ kind: 'conversation', conversation: updated, created: false, cause: 'agent' }]);
    return handoff;
  }

  private async record(h: {
    id: string;
    conv: Conversation;
    current: { accountId: string };
    input: { target: HandoffTarget; channelAccountId: string };
    method: HandoffMethod;
    code: string | null;
    link: string | null;
    expected: { kind: string; externalId: string } | null;
    expiresAt: Date;
    actor: Actor;
    now: Date;
    public: boolean;
    portalTokenHash?: string;
  }): Promise<Handoff> {
    return this.deps.db.transaction().execute(async (trx) => {
      const made = await insertHandoff(trx, {
        id: h.id,
        workspaceId: h.conv.workspaceId,
        conversationId: h.conv.id,
        fromChannelAccountId: h.current.accountId,
        target: h.input.target,
        channelAccountId: h.input.channelAccountId,
        method: h.method,
        code: h.code,
        link: h.link,
        public: h.public,
        expected: h.expected,
        expiresAt: h.expiresAt,
        createdBy: h.actor,
        now: h.now,
      });
      if (h.portalTokenHash) {
        // The page writes to the web-form account the agent chose, whatever the conversation's own.
        await trx
          .insertInto('portal_tokens')
          .values({
            workspace_id: h.conv.workspaceId,
            conversation_id: h.conv.id,
            token_hash: h.portalTokenHash,
            expires_at: h.expiresAt,
            channel_account_id: h.input.channelAccountId,
            handoff_id: h.id,
          })
          .execute();
      }
      await appendEvent(trx, {
        workspaceId: h.conv.workspaceId,
        conversationId: h.conv.id,
        type: 'conversation.handed_off',
        actor: h.actor,
        data: {
          handoffId: h.id,
          target: h.input.target,
          channelAccountId: h.input.channelAccountId,
          fromChannelAccountId: h.current.accountId,
          method: h.method,
        },
      });
      return made;
    });
  }
}

/**
 * The courtesy notice on the old channel ("we have emailed you") is not the handoff: when that
 * channel refuses it (a tier rule, a closed window), the handoff still stands.
 */
async function bestEffort(sending: Promise<unknown>): Promise<void> {
  await sending.catch(() => undefined);
}

function methodOf(target: HandoffTarget): HandoffMethod {
  return target === 'web' ? 'link' : target === 'email' ? 'mail' : target === 'x_dm' ? 'dm' : 'wa_link';
}
