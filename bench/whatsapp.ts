import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connect } from '@centralita/db';
import type { TestDatabase } from '@centralita/testing';
import type pg from 'pg';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { countStatements, observerPool } from './cost.ts';
import { withDatabaseOf } from './databases.ts';
import type { PostCost } from './twitter.ts';
import { baselineIngest, eventsOf, measureCost, one, PER_DELIVERY, sleep, timed, type WaBaseline } from './wa-measure.ts';

export { PER_DELIVERY, type WaBaseline } from './wa-measure.ts';

import type { DeliverAnswer, MessagePlan, PeerStarted, PlannedMessages, WaPeerRequest } from './wa-peer-process.ts';
import { adminToken, createAccount } from './x-api.ts';

/** Every this-many-th message is a photo the node downloads from the peer. */
const IMAGE_EVERY = 250;
/** Warm-up before each measured run (connections, compiled code, the account's connection). */
const WARM_MESSAGES = 2_000;

export interface WaIngest {
  concurrency: number;
  messages: number;
  customers: number;
  /** From the first message stored to the last, and the rate over it. */
  seconds: number;
  perSecond: number;
  /** From the first delivery posted to the last answered. */
  postSeconds: number;
  /** Stored external ids are exactly the wamids sent, each once. */
  exact: boolean;
  stored: number;
  conversations: number;
  contacts: number;
  /** Phone identities: every customer who shared the phone, the late ones joined to their contact. */
  phones: number;
  expectedPhones: number;
  /** New conversations routing had decided on when the last message was stored (a waiting conversation is queued). */
  routedAtEnd: number;
  /** From the last message stored until routing had decided on every new conversation. */
  routedSeconds: number;
  deliveries: DeliverAnswer;
  cost: PostCost;
}

export interface WaStatuses {
  /** Our messages that got `delivered` then `read`; twice as many statuses. */
  messages: number;
  statuses: number;
  /** From the first status applied to the last message reaching `read`. */
  seconds: number;
  perSecond: number;
  postSeconds: number;
  /** Every message reached `read`, and each status was applied once (one event each). */
  exact: boolean;
  read: number;
  events: number;
  deliveries: DeliverAnswer;
  cost: PostCost;
}

export interface WhatsAppFigures {
  runs: { ingest: WaIngest; statuses: WaStatuses }[];
  baselines: WaBaseline[];
  imageEvery: number;
}

/** The Graph peer in a process of its own (bench/wa-peer-process.ts), told what to do over IPC. */
class WaPeer {
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor() {
    const script = join(import.meta.dirname, 'wa-peer-process.ts');
    this.#child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (raw) => {
      const m = raw as { id: number; answer?: unknown; error?: string };
      const waiting = this.#pending.get(m.id);
      if (!waiting) return;
      this.#pending.delete(m.id);
      if (m.error) waiting.reject(new Error(`WhatsApp peer process: ${m.error}`));
      else waiting.resolve(m.answer);
    });
    this.#child.once('exit', (code) => {
      for (const w of this.#pending.values()) w.reject(new Error(`WhatsApp peer process exited ${code}`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  call<T>(request: WaPeerRequest): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, request });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.call({ type: 'stop' }).catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }
}

async function oneRun(
  testDb: TestDatabase,
  peer: WaPeer,
  started: PeerStarted,
  opts: { messages: number; concurrency: number; run: number; timeoutMs: number },
): Promise<{ ingest: WaIngest; statuses: WaStatuses; bodies: string[] }> {
  const db = connect(testDb.url, { max: 10, applicationName: 'bench-wa-node' });
  const statements = countStatements(db.pool);
  const node = createCentralita({
    db,
    logger: createLogger('silent'),
    secretKey: randomBytes(32),
    adapters: installedAdapters(),
    worker: true,
  });
  const observer = observerPool(testDb.url);
  const database = new URL(testDb.url).pathname.slice(1);
  try {
    const base = await node.listen(0, '127.0.0.1');
    const token = await adminToken(db);
    const { graphUrl, graphVersion, accessToken, appSecret, phoneNumberId, businessAccountId } = started;
    const accountId = await createAccount(base, token, 'whatsapp', 'WhatsApp Acme', {
      mode: 'cloud',
      graphUrl,
      graphVersion,
      accessToken,
      appSecret,
      phoneNumberId,
      businessAccountId,
      subscribeWebhook: false,
    });
    const url = `${base}/webhooks/${accountId}`;
    const customers = Math.max(100, Math.round(opts.messages / 5));
    const plan = (name: string, run: number, messages: number, custs: number): MessagePlan => ({
      name,
      run,
      messages,
      customers: custs,
      perDelivery: PER_DELIVERY,
      imageEvery: IMAGE_EVERY,
    });

    const warm = await peer.call<PlannedMessages>({ type: 'plan', plan: plan('warm', 50 + opts.run, WARM_MESSAGES, 100) });
    await peer.call({ type: 'deliver', name: 'warm', url, concurrency: opts.concurrency });
    const planned = await peer.call<PlannedMessages>({ type: 'plan', plan: plan('main', opts.run, opts.messages, customers) });

    const inbound = 'SELECT count(*) AS n FROM messages WHERE channel_account_id = $1 AND direction = $2';
    const routed = 'SELECT count(*) AS n FROM conversations WHERE channel_account_id = $1 AND routing_explanation IS NOT NULL';
    const counts = async () => ({
      conversations: await one(observer, 'SELECT count(*) AS n FROM conversations WHERE channel_account_id = $1', [accountId]),
      contacts: await one(observer, 'SELECT count(DISTINCT contact_id) AS n FROM conversations WHERE channel_account_id = $1', [accountId]),
      phones: await one(
        observer,
        `SELECT count(*) AS n FROM identities i WHERE i.kind = 'phone'
           AND EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = i.contact_id AND c.channel_account_id = $1)`,
        [accountId],
      ),
    });
    const seed = await one(observer, inbound, [accountId, 'inbound']);
    const before = await counts();
    // The warm-up's routing finishes before the measured run starts.
    await timed(
      async () => ({ started: true, done: (await one(observer, routed, [accountId])) >= before.conversations }),
      'routing the warm-up',
      opts.timeoutMs,
    );
    let answer: DeliverAnswer | null = null;
    let seconds = 0;
    let routedAtEnd = 0;
    let routedSeconds = 0;
    const costOf = await measureCost(statements, observer, database, peer.pid, async () => {
      const posting = peer.call<DeliverAnswer>({ type: 'deliver', name: 'main', url, concurrency: opts.concurrency });
      seconds = await timed(
        async () => {
          const stored = (await one(observer, inbound, [accountId, 'inbound'])) - seed;
          return { started: stored > 0, done: stored >= opts.messages };
        },
        `storing ${opts.messages} messages`,
        opts.timeoutMs,
      );
      answer = await posting;
      // Routing runs after each commit, behind the ingest: how far it got, and when it caught up
      // (its work counts in the cost, here or after the last message).
      routedAtEnd = (await one(observer, routed, [accountId])) - before.conversations;
      const tail0 = performance.now();
      const all = before.conversations + customers;
      await timed(async () => ({ started: true, done: (await one(observer, routed, [accountId])) >= all }), 'routing', opts.timeoutMs);
      routedSeconds = (performance.now() - tail0) / 1000;
    });
    const cost = costOf(opts.messages);
    // A doubled delivery would land after the last new message: give it a moment.
    await sleep(300);
    const rows = await observer.query<{ external_id: string }>(
      'SELECT external_id FROM messages WHERE channel_account_id = $1 AND direction = $2',
      [accountId, 'inbound'],
    );
    const sent = new Set([...warm.ids, ...planned.ids]);
    const exact = rows.rows.length === sent.size && rows.rows.every((r) => sent.has(r.external_id));
    const after = await counts();
    const deliveries = answer as unknown as DeliverAnswer;
    const ingest: WaIngest = {
      concurrency: opts.concurrency,
      messages: opts.messages,
      customers,
      seconds,
      perSecond: opts.messages / seconds,
      postSeconds: deliveries.seconds,
      exact,
      stored: rows.rows.length - seed,
      conversations: after.conversations - before.conversations,
      contacts: after.contacts - before.contacts,
      phones: after.phones - before.phones,
      expectedPhones: customers - planned.bsuidOnly,
      routedAtEnd,
      routedSeconds,
      deliveries,
      cost,
    };
    const statuses = await statusRun(observer, statements, peer, { ...opts, accountId, url, database });
    return { ingest, statuses, bodies: planned.bodies };
  } finally {
    await observer.end();
    await node.stop();
    await db.close();
  }
}

/** One reply per conversation stored as sent with its wamid, then `delivered` and `read` for each from the peer. */
async function statusRun(
  observer: pg.Pool,
  statements: ReturnType<typeof countStatements>,
  peer: WaPeer,
  opts: { accountId: string; url: string; database: string; concurrency: number; timeoutMs: number },
): Promise<WaStatuses> {
  const replies = await observer.query<{ external_id: string; bsuid: string }>(
    `WITH src AS (
       SELECT c.workspace_id, c.id AS conversation_id, c.channel_account_id, i.external_id AS bsuid,
              'wamid.HBgLbench' || md5(i.external_id) AS wamid
         FROM conversations c JOIN identities i ON i.contact_id = c.contact_id AND i.kind = 'whatsapp_bsuid'
        WHERE c.channel_account_id = $1
     ), ins AS (
       INSERT INTO messages (workspace_id, conversation_id, channel_account_id, direction, visibility, author_type, text, external_id, delivery_state)
       SELECT workspace_id, conversation_id, channel_account_id, 'outbound', 'public', 'agent', 'Lo estamos mirando, perdona la espera', wamid, 'sent'
         FROM src
     )
     SELECT wamid AS external_id, bsuid FROM src`,
    [opts.accountId],
  );
  const n = replies.rows.length;
  const eventsBefore = await one(observer, 'SELECT count(*) AS n FROM events WHERE type = $1', ['message.delivery_updated']);
  await peer.call({
    type: 'statuses',
    name: 'statuses',
    targets: replies.rows.map((r) => ({ messageId: r.external_id, bsuid: r.bsuid })),
    perDelivery: PER_DELIVERY,
  });
  const outbound = `SELECT count(*) FILTER (WHERE delivery_state <> 'sent') AS touched, count(*) FILTER (WHERE delivery_state = 'read') AS n
                      FROM messages WHERE channel_account_id = $1 AND direction = 'outbound'`;
  let answer: DeliverAnswer | null = null;
  let seconds = 0;
  const costOf = await measureCost(statements, observer, opts.database, peer.pid, async () => {
    const posting = peer.call<DeliverAnswer>({ type: 'deliver', name: 'statuses', url: opts.url, concurrency: opts.concurrency });
    // Progress is any status applied; done is every message read.
    seconds = await timed(
      async () => {
        const r = await observer.query<{ touched: string; n: string }>(outbound, [opts.accountId]);
        return { started: Number(r.rows[0]?.touched) > 0, done: Number(r.rows[0]?.n) >= n };
      },
      `applying ${2 * n} statuses`,
      opts.timeoutMs,
    );
    answer = await posting;
  });
  const deliveries = answer as unknown as DeliverAnswer;
  const read = await one(observer, `SELECT count(*) AS n FROM messages WHERE channel_account_id = $1 AND delivery_state = 'read'`, [
    opts.accountId,
  ]);
  const events = (await one(observer, 'SELECT count(*) AS n FROM events WHERE type = $1', ['message.delivery_updated'])) - eventsBefore;
  return {
    messages: n,
    statuses: 2 * n,
    seconds,
    perSecond: (2 * n) / seconds,
    postSeconds: deliveries.seconds,
    exact: read === n && events === 2 * n,
    read,
    events,
    deliveries,
    cost: costOf(2 * n),
  };
}

/** The deliveries' messages parsed as the adapter parses them (without downloading the photos: their files are left out). */
export async function benchWhatsApp(
  fresh: () => Promise<TestDatabase>,
  opts: { messages: number; concurrencies: number[]; timeoutMs: number },
): Promise<WhatsAppFigures> {
  const peer = new WaPeer();
  try {
    const started = await peer.call<PeerStarted>({ type: 'start' });
    const runs: WhatsAppFigures['runs'] = [];
    let bodies: string[] = [];
    for (const [run, concurrency] of opts.concurrencies.entries()) {
      const r = await withDatabaseOf(fresh, (db) => oneRun(db, peer, started, { ...opts, concurrency, run }));
      runs.push({ ingest: r.ingest, statuses: r.statuses });
      bodies = r.bodies;
    }
    const events = eventsOf(bodies);
    const baselines: WaBaseline[] = [];
    for (const concurrency of [1, ...opts.concurrencies]) {
      baselines.push(await withDatabaseOf(fresh, (db) => baselineIngest(db, events, concurrency)));
    }
    return { runs, baselines, imageEvery: IMAGE_EVERY };
  } finally {
    await peer.stop();
  }
}
