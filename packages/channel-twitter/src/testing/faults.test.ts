import { ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { baseUrlPlugin } from '../base-url.ts';
import { peerClients, startXPeer, type XPeer } from './index.ts';

/*
 * What twitter-api-v2 1.29.1 throws for each fault (what the adapter must classify):
 * - any HTTP status >= 400: `ApiResponseError` with `code` (the status), `data` (X's problem JSON:
 *   `title`, `detail`, `type`, ...), `headers`, `rateLimit` ({ limit, remaining, reset } from the
 *   x-rate-limit-* headers, reset in epoch seconds; plus `day` / `userDay` for 24-hour budgets),
 *   `rateLimitError` (code 429 or 420) and `isAuthError` (401). Its message is
 *   `Request failed with code N`, plus ` - title: detail (see type)` only when the body has an
 *   `errors` array (X's 400 Invalid Request); so classify by `code` and `data`, not the message.
 * - rate limit: 429, data.title 'Too Many Requests', rateLimit.remaining 0, rateLimit.reset = when to retry.
 * - monthly usage cap: 429 too, but data.title 'UsageCapExceeded' (type .../problems/usage-capped)
 *   while rateLimit.remaining is still > 0: stop and tell an admin, do not retry at reset.
 * - credits depleted: 402, data.title 'CreditsDepleted' (type .../problems/credits).
 * - overload: 503, data.title 'Service Unavailable'; 500: data.title 'Internal Server Error'.
 * - bad credentials: 401, data.title 'Unauthorized', isAuthError true.
 * - connection cut: `ApiRequestError` (no code, message 'Request failed.'; its `requestError` is
 *   undefined in 1.29.1, a library bug).
 */

let peer: XPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
}

describe('rate limits', () => {
  it('puts X rate-limit headers on every answer, which the library surfaces as rateLimit', async () => {
    const now = new Date('2026-11-03T10:00:00Z');
    peer = await startXPeer({ now: () => now });
    const { user } = peerClients(peer);
    const first = await user.v2.userMentionTimeline(peer.brand.id);
    const second = await user.v2.userMentionTimeline(peer.brand.id);
    const reset = Date.parse('2026-11-03T10:15:00Z') / 1000;
    expect(first.rateLimit).toEqual({ limit: 300, remaining: 299, reset });
    expect(second.rateLimit).toEqual({ limit: 300, remaining: 298, reset });
  });

  it('answers 429 once a window is spent and opens a new window when the clock passes its reset', async () => {
    let now = new Date('2026-11-03T10:00:00Z');
    peer = await startXPeer({ now: () => now, caps: { 'GET /2/dm_events': { per15min: 2 } } });
    const { user } = peerClients(peer);
    await user.v2.listDmEvents();
    await user.v2.listDmEvents();
    const err = await failure(user.v2.listDmEvents());
    expect(err).toBeInstanceOf(ApiResponseError);
    const e = err as ApiResponseError;
    expect(e.code).toBe(429);
    expect(e.rateLimitError).toBe(true);
    expect(e.data.title).toBe('Too Many Requests');
    expect(e.rateLimit).toEqual({ limit: 2, remaining: 0, reset: Date.parse('2026-11-03T10:15:00Z') / 1000 });
    now = new Date('2026-11-03T10:15:01Z');
    await expect(user.v2.listDmEvents()).resolves.toMatchObject({ rateLimit: { remaining: 1 } });
  });

  it('sends the 24-hour budget of POST /2/tweets, surfaced as rateLimit.day', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    await user.v2.tweet('Hello from the peer');
    // tweet() answers only the body; a full response carries the rate limits.
    const full = await user.v2.post('tweets', { text: 'Second hello' }, { fullResponse: true });
    expect(full.rateLimit).toMatchObject({ limit: 100, remaining: 98, day: { limit: 10_000, remaining: 9_998 } });
  });
});

describe('injected faults, as the library throws them', () => {
  it('a 429 whose reset says when to retry', async () => {
    const now = new Date('2026-11-03T10:00:00Z');
    peer = await startXPeer({ now: () => now });
    peer.failNext('GET /2/users/:id/mentions', 1, { status: 429, resetInSeconds: 120 });
    const { user } = peerClients(peer);
    const e = (await failure(user.v2.userMentionTimeline(peer.brand.id))) as ApiResponseError;
    expect(e.code).toBe(429);
    expect(e.rateLimit).toMatchObject({ remaining: 0, reset: now.getTime() / 1000 + 120 });
    await expect(user.v2.userMentionTimeline(peer.brand.id)).resolves.toBeDefined();
  });

  it('a monthly usage cap: 429 UsageCapExceeded while the headers still show capacity', async () => {
    peer = await startXPeer();
    peer.failNext('GET /2/tweets/search/recent', 1, { status: 429, usageCap: true });
    const e = (await failure(peerClients(peer).user.v2.search('refund'))) as ApiResponseError;
    expect(e.code).toBe(429);
    expect(e.data).toMatchObject({ title: 'UsageCapExceeded', type: 'https://api.x.com/2/problems/usage-capped', period: 'Monthly' });
    expect(e.rateLimit?.remaining).toBe(300);
  });

  it('402 when credits are depleted, 503 and 500 when X is unwell', async () => {
    peer = await startXPeer();
    peer.addUser({ username: 'ana' });
    const mention = peer.post({ from: 'ana', text: '@acme_help hello' });
    peer.failNext('POST /2/tweets', 1, { status: 402 });
    peer.failNext('*', 1, { status: 503 });
    peer.failNext('*', 1, { status: 500 });
    const { user } = peerClients(peer);
    const paid = (await failure(user.v2.reply('hi', mention.id))) as ApiResponseError;
    expect(paid.code).toBe(402);
    expect(paid.data).toMatchObject({ title: 'CreditsDepleted', type: 'https://api.x.com/2/problems/credits' });
    expect(paid.data.detail).toMatch(/^Your enrolled account \[\d+\] does not have any credits/);
    // Only bodies with an `errors` array (X's 400s) add "- title: detail" to the message.
    expect(paid.message).toBe('Request failed with code 402');
    const busy = (await failure(user.v2.me())) as ApiResponseError;
    expect([busy.code, busy.data.title]).toEqual([503, 'Service Unavailable']);
    const broken = (await failure(user.v2.me())) as ApiResponseError;
    expect([broken.code, broken.data.title]).toEqual([500, 'Internal Server Error']);
    expect(peer.createdPosts()).toEqual([]);
    await expect(user.v2.reply('hi', mention.id)).resolves.toBeDefined();
  });

  it('a cut connection is an ApiRequestError', async () => {
    peer = await startXPeer();
    peer.failNext('GET /2/users/me', 1, { status: 'reset' });
    const err = await failure(peerClients(peer).user.v2.me());
    expect(err).toBeInstanceOf(ApiRequestError);
  });

  it('401 for credentials the peer does not know', async () => {
    peer = await startXPeer();
    const c = peer.credentials;
    const wrong = new TwitterApi(
      { appKey: c.appKey, appSecret: 'not-the-secret', accessToken: c.accessToken, accessSecret: c.accessSecret },
      { plugins: [baseUrlPlugin(peer.url, { ca: peer.ca })] },
    );
    const e = (await failure(wrong.v2.me())) as ApiResponseError;
    expect([e.code, e.isAuthError, e.data.title]).toEqual([401, true, 'Unauthorized']);
  });
});

describe('usage, as X would bill it', () => {
  it('counts what each answer returned, and deduplicates within a UTC day for billing', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    peer.addUser({ username: 'ana' });
    const mention = peer.post({ from: 'ana', text: '@acme_help where is my order?' });
    peer.post({ from: 'ana', text: 'Acme is slow https://status.example.com' });
    await user.v2.userMentionTimeline(peer.brand.id, { expansions: ['author_id'] });
    await user.v2.userMentionTimeline(peer.brand.id, { expansions: ['author_id'] });
    await user.v2.search('acme');
    await user.v2.reply('On its way!', mention.id);
    await user.v2.tweet('Status: https://status.example.com/today');
    expect(peer.reads).toMatchObject({
      ownedPostsRead: 2,
      postsRead: 1,
      usersRead: 2,
      postsCreated: 2,
      postsCreatedWithUrl: 1,
      summonedReplies: 1,
    });
    expect(peer.billed()).toMatchObject({ ownedPostsRead: 1, postsRead: 1, usersRead: 1, postsCreated: 2 });
  });
});
