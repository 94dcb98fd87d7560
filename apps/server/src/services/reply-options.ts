import {
  accountCapabilities,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ReplyDecision,
  type ReplyTarget,
  type TemplateChoice,
  textLimitFor,
} from '@centralita/channel-kit';
import type { Conversation, Visibility } from '@centralita/core';
import { type ChannelAccountRecord, type Database, findChannelAccount } from '@centralita/db';
import type { Kysely } from 'kysely';
import { type ReplyChannel, replyAccount, replyChannels } from './reply-channels.ts';

/**
 * The customer's latest message on an account (of one visibility, when given): what a reply
 * answers by default. Automated mail (an out-of-office) is never the message a reply answers.
 */
export async function latestInbound(
  db: Kysely<Database>,
  conversationId: string,
  channelAccountId: string,
  visibility?: Visibility,
): Promise<ReplyTarget | null> {
  let q = db
    .selectFrom('messages')
    .select(['external_id', 'visibility', 'metadata', 'created_at'])
    .where('conversation_id', '=', conversationId)
    .where('channel_account_id', '=', channelAccountId)
    .where('direction', '=', 'inbound')
    .where('automated', 'is', null)
    .where('external_id', 'is not', null);
  if (visibility) q = q.where('visibility', '=', visibility);
  const row = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!row?.external_id) return null;
  return {
    externalId: row.external_id,
    visibility: row.visibility,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    receivedAt: row.created_at,
  };
}

/** One visibility a reply could take on the conversation's account, with its limit and whether it is allowed. */
export interface ReplyOption {
  visibility: Visibility;
  /** Longest text, in the channel's own count; null for no limit. */
  limit: number | null;
  splits: boolean;
  decision: ReplyDecision;
}

export interface ReplyOptions {
  channelAccountId: string;
  /** The visibility of the customer's latest message when the channel allows it, else the channel's first. */
  defaultVisibility: Visibility;
  options: ReplyOption[];
  /**
   * When free-form replies stop being allowed, on channels with a reply window (WhatsApp: 24 hours
   * after the customer's latest message); null without a window or before the customer wrote.
   */
  windowClosesAt: Date | null;
  /** Whether the account has message templates an agent can send instead (`GET /channel-accounts/:id/templates`). */
  templates: boolean;
  /** Every account the reply could go out on instead, the customer's latest first. */
  channels: ReplyChannel[];
}

/**
 * What an agent may send on a conversation: a reply defaults to the visibility of the customer's
 * latest message (an answer to a DM goes as a DM), and each visibility is checked by the
 * adapter's reply policy (X's tiers) against the message it would answer.
 */
export class ReplyPlanner {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      adapter(kind: string): ChannelAdapter | undefined;
      /** The account's parsed configuration, secrets decrypted (the host's own parse). */
      parseConfig(account: ChannelAccountRecord, adapter: ChannelAdapter): unknown;
      clock(): Date;
    },
  ) {}

  async options(conv: Conversation, channelAccountId?: string): Promise<ReplyOptions | null> {
    const db = this.deps.db;
    const account = await findChannelAccount(db, await this.account(conv, channelAccountId, false));
    const adapter = account ? this.deps.adapter(account.kind) : undefined;
    if (!account || !adapter) return null;
    const latest = await latestInbound(db, conv.id, account.id);
    const caps = this.capabilities(account, adapter);
    const defaultVisibility =
      latest && caps.visibilities.includes(latest.visibility) ? latest.visibility : (caps.visibilities[0] ?? 'private');
    const options = await Promise.all(
      caps.visibilities.map(async (visibility) => ({
        visibility,
        limit: textLimitFor(caps, visibility),
        splits: caps.splitLongText,
        decision: await this.decide(account, adapter, conv, visibility),
      })),
    );
    const windowClosesAt =
      caps.replyWindowHours !== null && latest ? new Date(windowOpenedAt(latest).getTime() + caps.replyWindowHours * 3_600_000) : null;
    return {
      channelAccountId: account.id,
      defaultVisibility,
      options,
      windowClosesAt,
      templates: adapter.listTemplates !== undefined,
      channels: await this.channels(conv),
    };
  }

  /** Every account a reply can go out on (see reply-channels.ts). */
  channels(conv: Conversation): Promise<ReplyChannel[]> {
    return replyChannels(this.#channelDeps(), conv);
  }

  /** The account a reply goes out on: the one asked for if the contact is reachable there, else the latest. */
  account(conv: Conversation, requested: string | undefined, explicitAddress: boolean): Promise<string> {
    return replyAccount(this.#channelDeps(), conv, requested, explicitAddress);
  }

  #channelDeps() {
    return { db: this.deps.db, adapter: (kind: string) => this.deps.adapter(kind), capabilities: this.capabilities.bind(this) };
  }

  /**
   * The account's own capabilities (a WhatsApp Cloud API account takes 4,096 characters and does
   * not split; a linked phone takes more), else the channel's when its config no longer parses.
   */
  capabilities(account: ChannelAccountRecord, adapter: ChannelAdapter): ChannelCapabilities {
    try {
      return accountCapabilities(adapter, this.deps.parseConfig(account, adapter));
    } catch {
      return adapter.capabilities;
    }
  }

  /** The adapter's answer for one reply; allowed when the adapter has no policy. */
  async decide(
    account: ChannelAccountRecord,
    adapter: ChannelAdapter,
    conv: Conversation,
    visibility: Visibility,
    template: TemplateChoice | null = null,
  ): Promise<ReplyDecision> {
    if (!adapter.replyPolicy) return { allowed: true };
    const target = await latestInbound(this.deps.db, conv.id, account.id, visibility);
    const config = this.deps.parseConfig(account, adapter);
    return adapter.replyPolicy({ config, visibility, target, now: this.deps.clock(), template });
  }
}

/**
 * When a reply window opened: when the customer sent the message, as the channel said
 * (`metadata.sentAt`), if that is earlier than when it arrived (a webhook delivered late), else
 * when it arrived. The channel's reply policy applies the same rule.
 */
function windowOpenedAt(target: ReplyTarget): Date {
  const sent = typeof target.metadata.sentAt === 'string' ? new Date(target.metadata.sentAt) : null;
  return sent && !Number.isNaN(sent.getTime()) && sent < target.receivedAt ? sent : target.receivedAt;
}
