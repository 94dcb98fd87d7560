import type { AccountStateReport, ChannelContext, SavedSearch } from '@centralita/channel-kit';
import type { MessageReceivedEvent } from '@centralita/core';
import type { TweetV2, TwitterApi, UserV2 } from 'twitter-api-v2';
import { callX } from './client.ts';
import type { UsageKindName } from './metering.ts';
import { type Brand, dmToEvent, isRepost, normaliseV2DmEvents, PostIncludes, postToEvent } from './parse/index.ts';
import { buildSearchQuery } from './search-query.ts';

export const TWEET_FIELDS = [
  'created_at',
  'author_id',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'entities',
  'lang',
  'display_text_range',
  'note_tweet',
];
export const USER_FIELDS = ['username', 'name', 'public_metrics', 'verified', 'location', 'receives_your_dm'];
export const EXPANSIONS = ['author_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id'];
/** X's largest page. */
const PAGE = 100;
/**
 * Events handed to the host per `emitMany` (the host commits them 200 to a transaction, in
 * order); the cursor moves after each. Larger than a page: a backlog goes in fewer round trips.
 */
const EMIT_CHUNK = 400;
/**
 * X's mentions timeline keeps only the latest 800 posts, so paging back to the cursor is bounded
 * there; this bounds a read anywhere else (a search after a long pause). Past it the oldest posts
 * of the gap are not read, and the log says how many pages were left.
 */
const MAX_PAGES = 100;

interface Includes {
  users?: UserV2[];
  tweets?: TweetV2[];
}

/** One read's outcome: how many new events were stored, and whether one failed (the cursor stopped before it). */
export interface ReadOutcome {
  stored: number;
  failed: boolean;
  /** X said this endpoint has no calls left until then (`x-rate-limit-remaining: 0`): the next read waits for it. */
  waitUntil?: Date;
  /** What keeps the account degraded after this task, though it ran (a webhook X marked invalid). */
  problem?: AccountStateReport;
}

/** What one read needs: the account's clients and context, and who the brand is. */
export interface ReadDeps {
  ctx: ChannelContext;
  user: TwitterApi;
  brand: Brand;
}

/**
 * Reads the brand's mentions newer than the `mentions` cursor (X's `since_id`) and stores them
 * oldest first through `emitMany`. The cursor moves only past posts that were stored, so a post
 * whose emit failed is read again next time. A first read takes the latest page only: an
 * account does not import its history.
 */
export async function readMentions(deps: ReadDeps): Promise<ReadOutcome> {
  const since = await deps.ctx.store.getCursor('mentions');
  const { posts, includes, waitUntil } = await collect(
    since,
    (token) =>
      callX(() =>
        deps.user.v2.userMentionTimeline(deps.brand.id, {
          max_results: PAGE,
          ...(since ? { since_id: since } : {}),
          ...(token ? { pagination_token: token } : {}),
          'tweet.fields': TWEET_FIELDS as never,
          'user.fields': USER_FIELDS as never,
          expansions: EXPANSIONS as never,
        }),
      ),
    (read) => gapLeft(deps.ctx, 'mentions', read),
  );
  await meter(deps.ctx, 'owned_post_read', posts.length);
  const index = new PostIncludes(includes);
  const events = posts.map((p) => (p.author_id === deps.brand.id ? null : postToEvent(p, index, deps.brand, { source: 'mentions' })));
  return { ...(await storeInOrder(deps.ctx, 'mentions', posts, events)), ...(waitUntil ? { waitUntil } : {}) };
}

/**
 * Runs one saved search (X's recent search) from its own cursor. Only posts that do not address
 * the brand become proactive conversations: a post that @mentions it arrives by the mentions
 * path, the brand's own posts and retweets are never customers.
 */
export async function readSearch(deps: ReadDeps, search: SavedSearch): Promise<ReadOutcome> {
  const key = `search:${search.id}`;
  const since = await deps.ctx.store.getCursor(key);
  const query = buildSearchQuery(search.terms, deps.brand, Number.POSITIVE_INFINITY).query;
  const { posts, includes, waitUntil } = await collect(
    since,
    (token) =>
      callX(() =>
        deps.user.v2.search(query, {
          max_results: PAGE,
          ...(since ? { since_id: since } : {}),
          ...(token ? { next_token: token } : {}),
          'tweet.fields': TWEET_FIELDS as never,
          'user.fields': USER_FIELDS as never,
          expansions: EXPANSIONS as never,
        }),
      ),
    (read) => gapLeft(deps.ctx, `search ${search.name}`, read),
  );
  await meter(deps.ctx, 'post_read', posts.length);
  await meter(deps.ctx, 'user_read', includes.users?.length ?? 0);
  const index = new PostIncludes(includes);
  const events: (MessageReceivedEvent | null)[] = posts.map((p) => {
    if (p.author_id === deps.brand.id || isRepost(p)) return null;
    const event = postToEvent(p, index, deps.brand, { origin: 'proactive', source: 'search' });
    if (event.metadata?.mentionsBrand === true) return null;
    return { ...event, metadata: { ...event.metadata, searchId: search.id, searchName: search.name } };
  });
  return { ...(await storeInOrder(deps.ctx, key, posts, events)), ...(waitUntil ? { waitUntil } : {}) };
}

/**
 * Reads DM events newer than the `dms` cursor. X's DM list has no `since_id`: it pages back from
 * the newest until it reaches the cursor. The brand's own DMs (sent from X's app or by us) are
 * not customer messages and are skipped.
 */
export async function readDirectMessages(deps: ReadDeps): Promise<ReadOutcome> {
  const since = await deps.ctx.store.getCursor('dms');
  const raw: { data: unknown[]; includes: Includes } = { data: [], includes: {} };
  let token: string | undefined;
  let waitUntil: Date | undefined;
  for (let page = 0; page < (since ? MAX_PAGES : 1); page++) {
    const result = await callX(() =>
      deps.user.v2.listDmEvents({
        max_results: PAGE,
        event_types: ['MessageCreate'] as never,
        'dm_event.fields': ['id', 'text', 'event_type', 'created_at', 'sender_id', 'dm_conversation_id', 'participant_ids'] as never,
        expansions: ['sender_id'] as never,
        'user.fields': USER_FIELDS as never,
        ...(token ? { pagination_token: token } : {}),
      }),
    );
    waitUntil = spent(result.rateLimit);
    const body = result.data as { data?: { id: string }[]; includes?: Includes; meta?: { next_token?: string } };
    const items = body.data ?? [];
    raw.data.push(...items);
    raw.includes.users = [...(raw.includes.users ?? []), ...(body.includes?.users ?? [])];
    token = body.meta?.next_token;
    if (!token || (since && items.some((e) => newer(since, e.id) <= 0))) break;
  }
  await meter(deps.ctx, 'dm_event_read', raw.data.length);
  const { dms } = normaliseV2DmEvents(raw, deps.brand);
  const fresh = dms.filter((d) => !since || newer(since, d.id) > 0);
  const ids = fresh.map((d) => ({ id: d.id }));
  const outcome = await storeInOrder(
    deps.ctx,
    'dms',
    ids,
    fresh.map((d) => dmToEvent(d, deps.brand, { source: 'polling' })),
  );
  return { ...outcome, ...(waitUntil ? { waitUntil } : {}) };
}

/** Pages a since_id read to its end (bounded), newest first as X gives them. */
async function collect(
  since: string | null,
  fetchPage: (
    token: string | undefined,
  ) => Promise<{ data: { data?: TweetV2[]; includes?: Includes; meta?: { next_token?: string } }; rateLimit?: RateLimit }>,
  truncated?: (read: number) => void,
): Promise<{ posts: TweetV2[]; includes: Includes; waitUntil?: Date }> {
  const posts: TweetV2[] = [];
  const includes: Required<Includes> = { users: [], tweets: [] };
  let token: string | undefined;
  let waitUntil: Date | undefined;
  for (let page = 0; page < (since ? MAX_PAGES : 1); page++) {
    const { data: body, rateLimit } = await fetchPage(token);
    waitUntil = spent(rateLimit);
    posts.push(...(body.data ?? []));
    includes.users.push(...(body.includes?.users ?? []));
    includes.tweets.push(...(body.includes?.tweets ?? []));
    token = body.meta?.next_token;
    if (!token) break;
  }
  if (since && token) truncated?.(posts.length);
  return { posts, includes, ...(waitUntil ? { waitUntil } : {}) };
}

/**
 * Stores events oldest first, `EMIT_CHUNK` per `emitMany`, and moves `cursorKey` past each chunk
 * that was stored whole. `items[i]` is the post or DM `events[i]` came from (null: skipped, but the cursor
 * may pass it).
 */
async function storeInOrder(
  ctx: ChannelContext,
  cursorKey: string,
  items: readonly { id: string }[],
  events: readonly (MessageReceivedEvent | null)[],
): Promise<ReadOutcome> {
  const order = items.map((item, i) => ({ id: item.id, event: events[i] ?? null })).sort((a, b) => newer(b.id, a.id));
  let stored = 0;
  for (let start = 0; start < order.length; start += EMIT_CHUNK) {
    const chunk = order.slice(start, start + EMIT_CHUNK);
    const toEmit = chunk.filter((c) => c.event !== null);
    const results = toEmit.length > 0 ? await ctx.emitMany(toEmit.map((c) => c.event as MessageReceivedEvent)) : [];
    const firstFailure = results.findIndex((r) => r instanceof Error);
    if (firstFailure >= 0) {
      const failed = toEmit[firstFailure] as { id: string };
      const error = results[firstFailure] as Error;
      ctx.logger.warn({ externalId: failed.id, error: error.message }, 'an X message was not stored; it is read again next time');
      // The cursor stops just before the failed item, so it is read again.
      const before = chunk.filter((c) => newer(c.id, failed.id) > 0).at(-1);
      if (before) await ctx.store.setCursor(cursorKey, before.id);
      return { stored: stored + firstFailure, failed: true };
    }
    stored += results.filter((r) => !(r instanceof Error) && !r.duplicate).length;
    const last = chunk.at(-1);
    if (last) await ctx.store.setCursor(cursorKey, last.id);
  }
  return { stored, failed: false };
}

/** Compares two X ids (snowflakes, too large for a double): positive when `b` is newer than `a`. */
export function newer(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : y > x ? 1 : -1;
}

interface RateLimit {
  remaining: number;
  reset: number;
}

/** When X's `x-rate-limit-remaining` says the endpoint is spent: the reset it gave. */
function spent(rateLimit: RateLimit | undefined): Date | undefined {
  return rateLimit && rateLimit.remaining <= 0 && rateLimit.reset > 0 ? new Date(rateLimit.reset * 1000) : undefined;
}

function gapLeft(ctx: ChannelContext, what: string, read: number): void {
  ctx.logger.warn({ read, maxPages: MAX_PAGES }, `more posts for ${what} than one read takes: the oldest of the gap are not read`);
}

async function meter(ctx: ChannelContext, kind: UsageKindName, units: number): Promise<void> {
  if (units > 0) await ctx.usage.record(kind, units);
}
