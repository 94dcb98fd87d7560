import { type ChannelConnection, searchTerms } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, type MemoryContext, waitFor } from '@centralita/channel-kit/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { createTwitterAdapter } from './adapter.ts';
import type { TwitterConfigInput } from './config.ts';
import { METERING } from './metering.ts';
import { peerConfig, startXPeer, type XPeer, type XPost, type XRoute } from './testing/index.ts';

// What an account's reader does over time, driven through the adapter's connection against the
// local X peer with the real twitter-api-v2 client. The clock runs in real time (the reader
// sleeps between reads) and a test can jump it forward, past a stop or a search's interval; the
// peer, the context and the store all read it.
const adapter = createTwitterAdapter();
const MENTIONS: XRoute = 'GET /2/users/:id/mentions';
const DMS: XRoute = 'GET /2/dm_events';
const SEARCH: XRoute = 'GET /2/tweets/search/recent';
/** Long enough for several reads at the test schedule (one every 50 ms). */
const SEVERAL_READS_MS = 400;

interface Setup {
  peer: XPeer;
  ctx: MemoryContext;
  connection: ChannelConnection;
  jump(ms: number): void;
  calls(...routes: XRoute[]): number;
}

let current: Setup | undefined;
afterEach(async () => {
  await current?.connection.stop();
  await current?.peer.close();
  current = undefined;
});

async function setUp(config: Partial<TwitterConfigInput> = {}, mentionsPer15Min = 1e6): Promise<Setup> {
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  // The test schedule reads far more often than X's windows allow; the limits tested here are injected.
  const peer = await startXPeer({
    now: clock,
    caps: { [MENTIONS]: { per15min: mentionsPer15Min }, [DMS]: { per15min: 1e6 }, [SEARCH]: { per15min: 1e6 } },
  });
  const ctx = createMemoryContext({ now: clock, store: createMemoryStore(() => clock().getTime()), metering: METERING });
  const parsed = adapter.config.parse(
    peerConfig(peer, {
      brandUserId: peer.brand.id,
      brandUsername: peer.brand.username,
      directMessages: false,
      listening: false,
      ...config,
    }),
  );
  const connection = adapter.connect({ id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'X', config: parsed }, ctx);
  current = {
    peer,
    ctx,
    connection,
    jump: (ms) => {
      offset += ms;
    },
    calls: (...routes) => peer.requests().filter((r) => r.route !== null && routes.includes(r.route)).length,
  };
  return current;
}

function start(connection: ChannelConnection): Promise<void> {
  return connection.start(new AbortController().signal);
}

/** A customer's post that @mentions the brand. */
function mention(peer: XPeer, from: string, text: string): XPost {
  if (!peer.user(from)) peer.addUser({ username: from });
  return peer.post({ from, text: `@${peer.brand.username} ${text}` });
}

/** Lets the reader run a few times, to show that something does not happen. */
function severalReads(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SEVERAL_READS_MS));
}

const emittedIds = (ctx: MemoryContext) => ctx.emitted.map((e) => e.externalMessageId);
const byId = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
const lastState = (ctx: MemoryContext) => ctx.states.at(-1);

describe('money stops reading', () => {
  it('stops reading once the month’s budget is spent, says so, and reads on when an admin raises it', async () => {
    const { peer, ctx, connection, calls } = await setUp();
    for (const n of [1, 2, 3]) mention(peer, 'ana_x', `order ${n}?`);
    await start(connection);
    await waitFor(() => ctx.emitted.length === 3, { what: 'the first mentions' });
    ctx.setBudget(0.002);
    const paused = await waitFor(() => ctx.states.find((s) => /budget/.test(s.detail ?? '')), { what: 'the budget state' });
    expect(paused.state).toBe('degraded');
    expect(paused.detail).toMatch(/spent/);
    const reads = calls(MENTIONS);
    const late = mention(peer, 'ana_x', 'anyone there?');
    await severalReads();
    expect(calls(MENTIONS)).toBe(reads);
    expect(ctx.emitted).toHaveLength(3);
    ctx.setBudget(10);
    await waitFor(() => emittedIds(ctx).includes(late.id), { what: 'the mention posted while paused' });
    await waitFor(() => lastState(ctx)?.state === 'ready', { what: 'ready again' });
  });

  it('stops every read on a 402 until the probe an hour later, calling X for nothing meanwhile', async () => {
    const { peer, ctx, connection, calls, jump } = await setUp({ directMessages: true });
    peer.failNext(MENTIONS, 1, { status: 402 });
    await start(connection);
    await waitFor(() => lastState(ctx)?.state === 'out_of_credits', { what: 'out of credits' });
    expect(lastState(ctx)?.detail).toMatch(/402/);
    const reads = calls(MENTIONS, DMS);
    const waiting = mention(peer, 'ana_x', 'hello?');
    await severalReads();
    expect(calls(MENTIONS, DMS)).toBe(reads);
    jump(60 * 60_000);
    await waitFor(() => emittedIds(ctx).includes(waiting.id), { what: 'the mention after the probe' });
    await waitFor(() => calls(DMS) > 0, { what: 'the DMs read after the probe' });
    await waitFor(() => lastState(ctx)?.state === 'ready', { what: 'ready after the probe' });
  });
});

describe('rate limits', () => {
  it('waits for the reset of a rate-limited read, degraded meanwhile while the other reads go on, then ready', async () => {
    const { peer, ctx, connection, calls } = await setUp({ directMessages: true });
    peer.failNext(MENTIONS, 1, { status: 429, resetInSeconds: 3 });
    const first = mention(peer, 'ana_x', 'hello?');
    await start(connection);
    const limited = await waitFor(() => ctx.states.find((s) => /rate limit/.test(s.detail ?? '')), { what: 'the rate-limit state' });
    expect(limited.state).toBe('degraded');
    expect(limited.detail).toMatch(/mentions/);
    const reads = calls(MENTIONS);
    const dmReads = calls(DMS);
    await severalReads();
    expect(calls(MENTIONS)).toBe(reads);
    expect(calls(DMS)).toBeGreaterThan(dmReads);
    // Ready would tell the admin the mentions are read while they wait for X.
    expect(lastState(ctx)).toEqual(limited);
    await waitFor(() => emittedIds(ctx).includes(first.id), { what: 'the mention after the reset', timeoutMs: 8_000 });
    await waitFor(() => lastState(ctx)?.state === 'ready', { what: 'ready after the reset' });
  });
});

describe('the mentions cursor', () => {
  it('takes only the latest page at first, then every newer mention once, oldest first, without reading any again', async () => {
    const { peer, ctx, connection } = await setUp();
    const history = Array.from({ length: 150 }, (_, i) => mention(peer, `c${i % 7}_x`, `old ${i}`).id);
    await start(connection);
    await waitFor(() => ctx.emitted.length === 100, { what: 'the latest page' });
    expect(emittedIds(ctx)).toEqual(history.slice(50).sort(byId));
    await severalReads();
    expect(ctx.emitted).toHaveLength(100);
    const next = [1, 2, 3].map((n) => mention(peer, 'ana_x', `new ${n}`).id);
    await waitFor(() => ctx.emitted.length === 103, { what: 'three new mentions' });
    expect(emittedIds(ctx).slice(100)).toEqual(next);
    // Idle reads start after the cursor (since_id): nothing is read, or paid for, twice.
    await severalReads();
    expect(peer.reads.ownedPostsRead).toBe(103);
  });

  it('emits more than a page of mentions that arrived between two reads, each once and in id order', async () => {
    const { peer, ctx, connection } = await setUp();
    await start(connection);
    const first = mention(peer, 'ana_x', 'first');
    await waitFor(() => ctx.emitted.length === 1, { what: 'the first mention' });
    // Posted in one go: the reader cannot run in between, so they all wait for the same read.
    const burst = Array.from({ length: 250 }, (_, i) => mention(peer, `c${i % 11}_x`, `burst ${i}`).id);
    await waitFor(() => ctx.emitted.length >= 251, { what: 'the burst' });
    await severalReads();
    expect(emittedIds(ctx)).toEqual([first.id, ...burst]);
    const owned = ctx.usageRecords.filter((r) => r.kind === 'owned_post_read').reduce((sum, r) => sum + r.units, 0);
    expect(owned).toBe(251);
    expect(peer.reads.ownedPostsRead).toBe(251);
  });
});

describe('saved searches', () => {
  it('finds posts that do not address the brand, never its own posts or reposts, and each once', async () => {
    const { peer, ctx, connection, calls, jump } = await setUp({ mentions: false, listening: true });
    for (const username of ['ana_x', 'ben_x', 'carla_x', 'dani_x']) peer.addUser({ username });
    const complaint = peer.post({ from: 'ana_x', text: 'Acme still has not sent my refund' });
    peer.post({ from: 'ben_x', text: `@${peer.brand.username} where is my refund?` });
    peer.post({ from: peer.brand.username, text: 'Our refund policy has changed' });
    const repost = peer.post({ from: 'carla_x', text: 'RT @ana_x: Acme still has not sent my refund' });
    // The peer has no reposts (X's keyword search stopped returning them), but were X to send
    // one, the adapter must not take it for a customer.
    Object.assign(repost, { referenced_tweets: [{ type: 'retweeted', id: complaint.id }] });
    peer.post({ from: 'dani_x', text: 'Lovely weather today' });
    ctx.setSearches([
      {
        id: 'search-1',
        name: 'Refunds',
        // The supervisor left the brand's own posts and reposts in: the adapter still skips them.
        terms: searchTerms({ keywords: ['refund'], excludeOwnPosts: false, excludeRetweets: false }),
        intervalSeconds: 60,
        updatedAt: new Date().toISOString(),
      },
    ]);
    await start(connection);
    await waitFor(() => ctx.emitted.length === 1, { what: 'the complaint' });
    expect(ctx.emitted[0]).toMatchObject({
      externalMessageId: complaint.id,
      origin: 'proactive',
      metadata: { searchId: 'search-1', searchName: 'Refunds', mentionsBrand: false },
    });
    jump(61_000);
    await waitFor(() => calls(SEARCH) >= 2, { what: 'the second run' });
    const later = peer.post({ from: 'dani_x', text: 'Day ten without my refund from Acme' });
    jump(61_000);
    await waitFor(() => calls(SEARCH) >= 3, { what: 'the third run' });
    await waitFor(() => ctx.emitted.length === 2, { what: 'the new complaint' });
    expect(emittedIds(ctx)).toEqual([complaint.id, later.id]);
    expect(ctx.emitted.every((e) => e.type === 'message.received' && e.origin === 'proactive')).toBe(true);
  });
});

describe('X rate-limit headers', () => {
  it('stops reading an endpoint whose calls are spent until its reset, without earning a 429', async () => {
    const { peer, connection, calls, jump } = await setUp({}, 3);
    await connection.start(new AbortController().signal);
    await waitFor(() => calls(MENTIONS) >= 3, { what: 'three mention reads' });
    await new Promise((r) => setTimeout(r, SEVERAL_READS_MS));
    // x-rate-limit-remaining reached 0 on the third: no fourth call inside the window.
    expect(calls(MENTIONS)).toBe(3);
    expect(peer.requests().filter((r) => r.route === MENTIONS && r.status === 429)).toHaveLength(0);
    jump(15 * 60_000 + 1_000);
    await waitFor(() => calls(MENTIONS) > 3, { what: 'reads after the reset' });
  });
});
