import { randomBytes } from 'node:crypto';
import type { ChannelAdapter } from '@centralita/channel-kit';
import type { AddUserInput } from '@centralita/channel-twitter/testing';
import type { MessageReceivedEvent } from '@centralita/core';
import { connect, createChannelAccount, createWorkspace } from '@centralita/db';
import { createRelayAdapter, type TestDatabase } from '@centralita/testing';
import type pg from 'pg';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { postToEvent } from '../packages/channel-twitter/src/parse/index.ts';
import { backendCpu, countStatements, nodeCpuMsSince, observerPool, procCpuMs } from './cost.ts';
import { withDatabaseOf } from './databases.ts';
import { ingestBatch } from './ingest.ts';
import { adminToken, createAccount, type Latency, MARKER, replies, timedReply } from './x-api.ts';
import { PeerProcess } from './x-peer.ts';
import type { PeerDump, PeerStarted, PlannedPost } from './x-peer-process.ts';

/**
 * The most one since_id read of the mentions takes: reads.ts pages at most 30 pages of 100. X
 * itself keeps only the latest 800 mentions; the peer keeps every one, so a larger backlog would
 * be cut by the adapter, not by the peer. The feeder keeps the unread backlog within this.
 */
const READ_BOUND = 3_000;
/** Posts added at a time while the account reads: small, so the peer is never busy posting for long. */
const FEED_CHUNK = 200;

const LOCATIONS = ['Madrid, España', 'Ciudad de México', 'Buenos Aires', 'Lisboa, Portugal', 'en casa', 'Barcelona'];
const LANGS = ['es', 'en', 'pt', 'es'];
const COMPLAINTS = [
  'llevo dos días sin fibra y nadie me dice nada',
  'my router keeps blinking red since this morning',
  'a fatura veio em dobro este mês',
  'otra vez sin cobertura en el centro',
];

/** What each post cost, over the measured window. */
export interface PostCost {
  statements: number;
  nodeCpuMs: number;
  pgCpuMs: number | null;
  /** The peer's own CPU (its process), for the adapter's run. */
  peerCpuMs?: number;
  /** Statements by their first words (grouped only with --explain), and the time each kind took to answer. */
  byText: Map<string, number>;
  msByText: Map<string, number>;
}

export interface TwitterIngest {
  posts: number;
  /** From the first post stored to the last, and the rate over it. */
  seconds: number;
  perSecond: number;
  /** From the backlog posted on the peer to every post stored. */
  endToEndSeconds: number;
  stored: number;
  /** Stored posts that are exactly the ones posted (each id once, none missing). */
  exact: boolean;
  conversations: number;
  expectedConversations: number;
  /** Mentions timeline requests (pages) the account made in the window. */
  pages: number;
  cost: PostCost;
}

export interface TwitterFigures {
  ingest: TwitterIngest;
  /** The same posts' events through ingestMany, pages of 100 one after another, no adapter, no HTTP. */
  baseline: { perSecond: number; seconds: number; cost: PostCost };
  replies: Record<'x' | 'relay', { sequential: Latency; concurrent: Latency }>;
  concurrency: number;
}

function customers(count: number): AddUserInput[] {
  return Array.from({ length: count }, (_, i) => ({
    username: `cust_${i}`,
    name: `Customer ${i}`,
    followers: (i * 7_919) % 50_000,
    verified: i % 10 === 0,
    acceptsDms: true,
    // A third name a place, so the gazetteer is part of the figure.
    ...(i % 3 === 0 ? { location: LOCATIONS[i % LOCATIONS.length] as string } : {}),
  }));
}

/**
 * `count` mentions from `users` customers; one in four (from someone who wrote before) answers
 * that customer's previous post, so a reply chain threads into its conversation. `offset`: how
 * many posts the peer holds before these (indexes of `replyTo` are the peer's).
 */
function mentionPlan(count: number, users: number, brand: string, offset: number): { plan: PlannedPost[]; roots: number } {
  const latest = new Map<number, number>();
  const plan: PlannedPost[] = [];
  let roots = 0;
  for (let i = 0; i < count; i++) {
    const from = i % users;
    const previous = latest.get(from);
    const lang = LANGS[from % LANGS.length] as string;
    if (i % 4 === 3 && previous !== undefined) plan.push({ from, lang, text: `sigue igual (${i}) @${brand}`, replyTo: previous });
    else {
      plan.push({ from, lang, text: `@${brand} ${COMPLAINTS[i % COMPLAINTS.length]} (${i})` });
      roots++;
    }
    latest.set(from, offset + i);
  }
  return { plan, roots };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedCount(observer: pg.Pool, accountId: string): Promise<number> {
  const r = await observer.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE channel_account_id = $1', [accountId]);
  return Number(r.rows[0]?.n);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Posts the mentions on the peer while the account reads them: a backlog of READ_BOUND at once,
 * then FEED_CHUNK more whenever the unread backlog (posted minus stored) leaves room, so every
 * since_id read pages through up to 30 pages and none is longer than a read takes. Measures from
 * the first post stored to the last, counting rows in PostgreSQL every 20 ms.
 */
async function feedAndMeasure(
  peer: PeerProcess,
  observer: pg.Pool,
  accountId: string,
  plan: PlannedPost[],
  timeoutMs: number,
): Promise<{ seconds: number; endToEndSeconds: number }> {
  const seed = await storedCount(observer, accountId);
  let posted = 0;
  const feed = async (n: number) => {
    await peer.call({ type: 'post', posts: plan.slice(posted, posted + n) });
    posted += n;
  };
  await feed(Math.min(READ_BOUND, plan.length));
  const t0 = performance.now();
  let first: { at: number; stored: number } | null = null;
  for (;;) {
    const stored = (await storedCount(observer, accountId)) - seed;
    const at = performance.now();
    if (!first && stored > 0) first = { at, stored };
    if (stored >= plan.length && first) {
      // Stored from the first poll that saw any to the one that saw all.
      const seconds = (at - first.at) / 1000;
      return { seconds: seconds > 0 ? seconds : Number.NaN, endToEndSeconds: (at - t0) / 1000 };
    }
    if (at - t0 > timeoutMs) throw new Error(`only ${stored} of ${plan.length} posts were stored after ${timeoutMs / 1000} s`);
    if (posted < plan.length && posted - stored + FEED_CHUNK <= READ_BOUND) await feed(Math.min(FEED_CHUNK, plan.length - posted));
    else await sleep(20);
  }
}

async function conversationsOf(observer: pg.Pool, accountId: string, count: number): Promise<string[]> {
  const r = await observer.query<{ id: string }>(
    'SELECT id FROM conversations WHERE channel_account_id = $1 ORDER BY created_at, id LIMIT $2',
    [accountId, count],
  );
  if (r.rows.length < count) throw new Error(`only ${r.rows.length} conversations to answer, ${count} needed`);
  return r.rows.map((row) => row.id);
}

/** The baseline: the same posts' events (parsed as the adapter parses them) through ingestMany, pages of 100 in turn. */
async function baselineIngest(testDb: TestDatabase, dump: PeerDump, brand: { id: string; username: string }) {
  const users = new Map((dump.users as { id: string }[]).map((u) => [u.id, u]));
  const events: MessageReceivedEvent[] = (dump.posts as { author_id: string }[]).map((p) =>
    postToEvent(p, { users: [users.get(p.author_id)] }, brand, { source: 'mentions' }),
  );
  const db = connect(testDb.url, { max: 4, applicationName: 'bench-x-baseline' });
  const statements = countStatements(db.pool);
  const observer = observerPool(testDb.url);
  try {
    const ws = await createWorkspace(db.kysely, { slug: `x-base-${Date.now()}`, name: 'Bench X baseline' });
    const acct = await createChannelAccount(db.kysely, {
      workspaceId: ws.id,
      kind: 'twitter',
      name: 'X',
      settings: {},
      secretsEncrypted: null,
    });
    const target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: ws.reopenWindowMinutes };
    statements.reset();
    const pgCpu = await backendCpu(observer, new URL(testDb.url).pathname.slice(1));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await ingestBatch(db, target, events, 1);
    const seconds = (performance.now() - t0) / 1000;
    const nodeMs = nodeCpuMsSince(cpu0);
    const pgMs = await pgCpu.stop();
    const stored = await storedCount(observer, acct.id);
    if (stored !== events.length) throw new Error(`baseline: ${events.length} events ingested but ${stored} stored`);
    const n = events.length;
    return {
      perSecond: n / seconds,
      seconds,
      cost: {
        statements: statements.count / n,
        nodeCpuMs: nodeMs / n,
        pgCpuMs: pgMs === null ? null : pgMs / n,
        byText: new Map(statements.byText),
        msByText: new Map(statements.msByText),
      },
    };
  } finally {
    await observer.end();
    await db.close();
  }
}

/**
 * The X channel end to end against the local X peer (in its own process) and the real node
 * (createCentralita, job worker on) on a fresh database: `posts` customer mentions read from the
 * peer through the adapter's since_id paging and `emitMany`, then agents' replies through the API
 * and the outbox until the peer holds them, beside the same replies through the test relay
 * channel. Then the ingest baseline on another fresh database.
 */
export async function benchTwitter(
  fresh: () => Promise<TestDatabase>,
  opts: { posts: number; replies: number; concurrency: number; timeoutMs: number },
): Promise<TwitterFigures> {
  const peer = PeerProcess.start(MARKER);
  try {
    const started = await peer.call<PeerStarted>({
      type: 'start',
      config: { mentions: true, directMessages: false, listening: false, webhook: false, mentionsIntervalSeconds: 0.05 },
    });
    const { brand } = started;
    const userCount = Math.max(100, Math.round(opts.posts / 5));
    // The last user writes the one mention the account's first read takes (a first read imports no history).
    await peer.call({ type: 'users', users: [...customers(userCount), { username: 'first_one', name: 'First', acceptsDms: true }] });
    await peer.call({ type: 'post', posts: [{ from: userCount, lang: 'es', text: `@${brand.username} hola` }] });
    const { plan, roots } = mentionPlan(opts.posts, userCount, brand.username, 1);

    const { ingest, replyFigures } = await withDatabaseOf(fresh, async (testDb) => {
      const db = connect(testDb.url, { max: 10, applicationName: 'bench-x-node' });
      const statements = countStatements(db.pool);
      const node = createCentralita({
        db,
        logger: createLogger('silent'),
        secretKey: randomBytes(32),
        adapters: [...installedAdapters(), createRelayAdapter() as ChannelAdapter],
        worker: true,
        pullLockRetryMs: 100,
      });
      const observer = observerPool(testDb.url);
      try {
        const base = await node.listen(0, '127.0.0.1');
        const token = await adminToken(db);
        const xAccount = await createAccount(base, token, 'twitter', `@${brand.username}`, started.config);
        await until('the first read', 30_000, async () => ((await storedCount(observer, xAccount)) >= 1 ? true : undefined));

        statements.reset();
        const pgCpu = await backendCpu(observer, new URL(testDb.url).pathname.slice(1));
        const cpu0 = process.cpuUsage();
        const peerCpu0 = procCpuMs(peer.pid) ?? 0;
        const pages0 = (await peer.call<{ byRoute: Record<string, number> }>({ type: 'stats' })).byRoute['GET /2/users/:id/mentions'] ?? 0;
        const timing = await feedAndMeasure(peer, observer, xAccount, plan, opts.timeoutMs);
        const cost: PostCost = {
          statements: statements.count / opts.posts,
          nodeCpuMs: nodeCpuMsSince(cpu0) / opts.posts,
          pgCpuMs: ((await pgCpu.stop()) ?? Number.NaN) / opts.posts,
          peerCpuMs: ((procCpuMs(peer.pid) ?? Number.NaN) - peerCpu0) / opts.posts,
          byText: new Map(statements.byText),
          msByText: new Map(statements.msByText),
        };
        const pages =
          ((await peer.call<{ byRoute: Record<string, number> }>({ type: 'stats' })).byRoute['GET /2/users/:id/mentions'] ?? 0) - pages0;
        // A doubled read would land after the last new post: give it a few polls' time.
        await sleep(300);
        const dump = await peer.call<PeerDump>({ type: 'dump' });
        const posted = new Set((dump.posts as { id: string }[]).map((p) => p.id));
        const rows = await observer.query<{ external_id: string }>('SELECT external_id FROM messages WHERE channel_account_id = $1', [
          xAccount,
        ]);
        const conv = await observer.query<{ n: string }>('SELECT count(*) AS n FROM conversations WHERE channel_account_id = $1', [
          xAccount,
        ]);
        const exact = rows.rows.length === posted.size && rows.rows.every((r) => posted.has(r.external_id));
        const ingest: TwitterIngest & { dump: PeerDump } = {
          posts: opts.posts,
          seconds: timing.seconds,
          perSecond: opts.posts / timing.seconds,
          endToEndSeconds: timing.endToEndSeconds,
          stored: rows.rows.length - 1,
          exact,
          conversations: Number(conv.rows[0]?.n) - 1,
          expectedConversations: roots,
          pages,
          cost,
          dump: { posts: dump.posts.slice(1), users: dump.users },
        };

        // Replies: the X account's conversations, and as many on the relay (pull mode), each reply to a conversation of its own.
        const warm = 5;
        const needed = warm + 2 * opts.replies;
        const xConversations = await conversationsOf(observer, xAccount, needed);
        const relayAccount = await createAccount(base, token, 'relay', 'Relay', {
          host: '127.0.0.1',
          port: started.relayPort,
          mode: 'pull',
        });
        await peer.call({
          type: 'relay',
          messages: Array.from({ length: needed }, (_, i) => ({ from: `relay-cust-${i}`, text: `no me funciona el router (${i})` })),
        });
        await until('the relay messages', 30_000, async () => ((await storedCount(observer, relayAccount)) >= needed ? true : undefined));
        const relayConversations = await conversationsOf(observer, relayAccount, needed);
        await peer.call({ type: 'watch' });
        const send = (conversationId: string, key: string) => timedReply(base, token, peer, conversationId, key);
        const run = (list: string[], from: number, count: number, prefix: string, concurrency: number) =>
          replies(send, list.slice(from, from + count), prefix, concurrency);
        // A few of each first (TLS sessions, compiled code), then each path in turn, so a change in the machine's load hits both.
        await run(xConversations, 0, warm, 'xw', 1);
        await run(relayConversations, 0, warm, 'rw', 1);
        const r = opts.replies;
        const relaySeq = await run(relayConversations, warm, r, 'rs', 1);
        const xSeq = await run(xConversations, warm, r, 'xs', 1);
        const relayConc = await run(relayConversations, warm + r, r, 'rc', opts.concurrency);
        const xConc = await run(xConversations, warm + r, r, 'xc', opts.concurrency);
        return {
          ingest,
          replyFigures: { x: { sequential: xSeq, concurrent: xConc }, relay: { sequential: relaySeq, concurrent: relayConc } },
        };
      } finally {
        await observer.end();
        await node.stop();
        await db.close();
      }
    });

    const { dump, ...figure } = ingest;
    const baseline = await withDatabaseOf(fresh, (testDb) => baselineIngest(testDb, dump, brand));
    return { ingest: figure, baseline, replies: replyFigures, concurrency: opts.concurrency };
  } finally {
    await peer.stop();
  }
}
