import {
  type ChannelAdapter,
  type ChannelContext,
  defineCapabilities,
  REPLY_ALLOWED,
  type ReplyDecision,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { X_TEXT_COUNTING } from '@centralita/channel-twitter';
import { createChannelAccount } from '@centralita/db';
import { call, type Fixture } from '@centralita/server/test-harness';
import { measureText, type TextCounting } from '../src/composer/counting.ts';
import type { ConsoleTest } from './browser.ts';

/** X's published weighting, as the X adapter declares it: links 23, emoji and CJK 2. */
export const X_COUNTING: TextCounting = X_TEXT_COUNTING;

export const TIERED_REASON = 'This tier may reply publicly only to posts that mention the brand, and this post does not.';

/** What the test-only tiered channel "delivered": every reply with its visibility. */
export const tieredSent: { text: string; visibility: string; messageId: string }[] = [];

/** A customer's post or DM on the tiered channel, as its webhook takes it. */
export interface TieredPost {
  id: string;
  from: string;
  text: string;
  visibility?: 'public' | 'private';
  /** Whether the post mentions the brand: the only public posts this tier may answer. */
  mentions?: boolean;
  /** The post's own page, kept in the message's metadata. */
  url?: string;
  /** Found by a saved search rather than sent to the brand. */
  proactive?: boolean;
}

/**
 * A test-only channel shaped like X on a self-serve tier, without X: public replies and DMs, a
 * weighted count, a reply policy that refuses a public reply to a post that did not mention the
 * brand (offering a DM, the post's page and a handoff), listening, and a metered ledger (each
 * post received costs a read), so the console's X screens can be checked end to end.
 */
export function createTieredChannel(): ChannelAdapter<Record<string, never>> {
  return {
    kind: 'tiered',
    displayName: 'Tiered',
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M4 4h16v16H4z" fill="currentColor"/></svg>',
      fields: {},
      visibilities: { public: 'Public reply', private: 'DM' },
      locales: { es: { displayName: 'Escalonado', visibilities: { public: 'Respuesta pública', private: 'DM' } } },
      textCounting: X_COUNTING,
    },
    capabilities: defineCapabilities({
      inbound: { push: true, pull: false },
      visibilities: ['public', 'private'],
      maxTextLength: 10_000,
      maxTextLengthByVisibility: { public: 280 },
      splitLongText: true,
      threading: 'contact',
      verifiedSenders: true,
      listening: true,
    }),
    config: { parse: () => ({}), secretKeys: [] },
    metering: {
      currency: 'USD',
      kinds: {
        post_read: { label: 'Posts read', unitPrice: 0.5 },
        post_created: { label: 'Posts created', unitPrice: 0.015 },
      },
    },
    measureText: (text) => measureText(text, X_COUNTING),
    replyPolicy: ({ visibility, target }): ReplyDecision => {
      if (visibility !== 'public' || target?.metadata.mentions === true) return REPLY_ALLOWED;
      const url = target?.metadata.url;
      return {
        allowed: false,
        reason: TIERED_REASON,
        alternatives: [
          { kind: 'visibility', visibility: 'private', label: 'Send it as a DM' },
          ...(typeof url === 'string' ? [{ kind: 'open_external' as const, url, label: 'Open the post' }] : []),
          { kind: 'handoff', label: 'Move the conversation to another channel' },
        ],
      };
    },
    connect(_account, ctx) {
      return {
        async start() {},
        async stop() {},
        handleWebhook: (req) => received(ctx, req),
        async send(message) {
          tieredSent.push({ text: message.text, visibility: message.visibility, messageId: message.messageId });
          return { externalIds: [message.messageId], state: 'sent' };
        },
      };
    },
  };
}

async function received(ctx: ChannelContext, req: WebhookRequest): Promise<WebhookResponse> {
  const p = JSON.parse(req.rawBody.toString('utf8')) as TieredPost;
  await ctx.usage.record('post_read', 1);
  await ctx.emit({
    type: 'message.received',
    externalMessageId: p.id,
    occurredAt: new Date(),
    sender: { kind: 'tiered', externalId: p.from, verified: true },
    text: p.text,
    visibility: p.visibility ?? 'public',
    thread: { contactThread: true },
    metadata: { mentions: p.mentions === true, ...(p.url ? { url: p.url } : {}) },
    ...(p.proactive ? { origin: 'proactive' as const } : {}),
  });
  return { status: 200, body: { ok: true } };
}

/** A tiered account in the fixture's workspace. */
export async function tieredAccount(c: ConsoleTest, f: Fixture, name = 'Tiered brand'): Promise<string> {
  const db = c.server.db.current.db.kysely;
  const account = await createChannelAccount(db, {
    workspaceId: f.workspaceId,
    kind: 'tiered',
    name,
    settings: {},
    secretsEncrypted: null,
  });
  return account.id;
}

/** A customer posts on the account; answers the conversation the post is in once it is stored. */
export async function tieredPost(c: ConsoleTest, accountId: string, post: TieredPost): Promise<string> {
  const res = await call(c.url, 'POST', `/webhooks/${accountId}`, { body: post });
  if (res.status !== 200) throw new Error(`the tiered webhook answered ${res.status}: ${res.text}`);
  const db = c.server.db.current.db.kysely;
  const row = await waitFor(() =>
    db
      .selectFrom('messages')
      .select('conversation_id')
      .where('channel_account_id', '=', accountId)
      .where('external_id', '=', post.id)
      .executeTakeFirst(),
  );
  return row.conversation_id;
}
