import type { MessageReceivedEvent } from '@centralita/core';
import { connect, createChannelAccount, createWorkspace, ingestMany } from '@centralita/db';
import type { TestDatabase } from '@centralita/testing';
import type pg from 'pg';
import { parseDelivery } from '../packages/channel-whatsapp/src/cloud/parse/index.ts';
import { backendCpu, countStatements, nodeCpuMsSince, observerPool, procCpuMs } from './cost.ts';
import type { PostCost } from './twitter.ts';

/** Messages (and statuses) per delivery: Meta packs a burst into one change of one delivery. */
export const PER_DELIVERY = 50;

export interface WaBaseline {
  concurrency: number;
  perSecond: number;
  seconds: number;
  cost: PostCost;
}

/** Messages (and statuses) per delivery: Meta packs a burst into one change of one delivery. */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function one(observer: pg.Pool, text: string, params: unknown[]): Promise<number> {
  const r = await observer.query<{ n: string }>(text, params);
  return Number(r.rows[0]?.n);
}

/**
 * Polls `probe` every 20 ms: from the first poll that saw any progress to the one that saw all
 * done, in seconds.
 */
export async function timed(probe: () => Promise<{ started: boolean; done: boolean }>, what: string, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  let first: number | null = null;
  for (;;) {
    const seen = await probe();
    const at = performance.now();
    if (first === null && seen.started) first = at;
    if (seen.done && first !== null) return at - first > 0 ? (at - first) / 1000 : Number.NaN;
    if (at - t0 > timeoutMs) throw new Error(`${what} took longer than ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** Statements, node CPU, PostgreSQL CPU and the peer's CPU over one measured stretch. */
export async function measureCost(
  statements: ReturnType<typeof countStatements>,
  observer: pg.Pool,
  database: string,
  peerPid: number,
  run: () => Promise<void>,
): Promise<(units: number) => PostCost> {
  statements.reset();
  const pgCpu = await backendCpu(observer, database);
  const cpu0 = process.cpuUsage();
  const peer0 = procCpuMs(peerPid) ?? 0;
  await run();
  const nodeMs = nodeCpuMsSince(cpu0);
  const pgMs = await pgCpu.stop();
  const peerMs = (procCpuMs(peerPid) ?? Number.NaN) - peer0;
  const count = statements.count;
  const byText = new Map(statements.byText);
  const msByText = new Map(statements.msByText);
  return (n) => ({
    statements: count / n,
    nodeCpuMs: nodeMs / n,
    pgCpuMs: pgMs === null ? null : pgMs / n,
    peerCpuMs: peerMs / n,
    byText,
    msByText,
  });
}

/**
 * One measured run on a fresh database: the real node (createCentralita with the installed
 * channels, job worker on), a Cloud API account made through the API, a warm-up, then `messages`
 * customer messages posted by the peer `concurrency` deliveries at a time, then `delivered` and
 * `read` for one reply per conversation (inserted as sent rows with their wamids, as the outbox
 * leaves them), posted alike.
 */

export function eventsOf(bodies: string[]): MessageReceivedEvent[] {
  const now = new Date();
  return bodies.flatMap((body) =>
    parseDelivery(JSON.parse(body), { now }).items.flatMap((item) =>
      item.kind === 'message'
        ? [{ ...item.event, metadata: { ...(item.event.metadata ?? {}), sentAt: item.event.occurredAt.toISOString() } }]
        : [],
    ),
  );
}

/** The baseline: the same events through ingestMany, PER_DELIVERY a call, `concurrency` calls at a time; no adapter, no HTTP, no node. */
export async function baselineIngest(testDb: TestDatabase, events: MessageReceivedEvent[], concurrency: number): Promise<WaBaseline> {
  const db = connect(testDb.url, { max: 10, applicationName: 'bench-wa-baseline' });
  const statements = countStatements(db.pool);
  const observer = observerPool(testDb.url);
  try {
    const ws = await createWorkspace(db.kysely, { slug: `wa-base-${Date.now()}`, name: 'Bench WhatsApp baseline' });
    const acct = await createChannelAccount(db.kysely, {
      workspaceId: ws.id,
      kind: 'whatsapp',
      name: 'WhatsApp',
      settings: {},
      secretsEncrypted: null,
    });
    const target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: ws.reopenWindowMinutes };
    let seconds = 0;
    const costOf = await measureCost(statements, observer, new URL(testDb.url).pathname.slice(1), 0, async () => {
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < events.length) {
            const slice = events.slice(next, next + PER_DELIVERY);
            next += PER_DELIVERY;
            const { outcomes } = await ingestMany(
              db.kysely,
              target,
              slice.map((event) => ({ event })),
              { now: new Date() },
            );
            const refused = outcomes.find((o) => !o.ok);
            if (refused && !refused.ok) throw refused.error;
          }
        }),
      );
      seconds = (performance.now() - t0) / 1000;
    });
    const stored = await one(observer, 'SELECT count(*) AS n FROM messages WHERE channel_account_id = $1', [acct.id]);
    if (stored !== events.length) throw new Error(`baseline: ${events.length} events ingested but ${stored} stored`);
    const { peerCpuMs: _none, ...cost } = costOf(events.length);
    return { concurrency, perSecond: events.length / seconds, seconds, cost };
  } finally {
    await observer.end();
    await db.close();
  }
}

/**
 * The WhatsApp Cloud API channel end to end against the local Graph peer (in its own process) and
 * the real node, once per delivery concurrency, each on a fresh database; then the ingest baseline
 * of the same events, sequential and at each concurrency, each on a fresh database.
 */
