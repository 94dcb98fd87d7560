import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@centralita/channel-kit/conformance';
import { type GraphPeer, startGraphPeer } from '@centralita/channel-whatsapp/testing';
import { useTestDatabase } from '@centralita/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedAdapters } from '../src/adapters.ts';
import { createCentralita } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { call, createFixture, type Fixture } from './harness.ts';
import { cloudConfig } from './wa-kit.ts';

// A node killed with SIGKILL while each of its four workers is sending a broadcast message that
// WhatsApp has already accepted but not yet answered (a proxy in front of the peer holds the
// answers): graphile-worker alone would leave those jobs locked for four hours. A node started
// after it finds the dead node's heartbeat stale, releases its jobs and sends them; the peer
// counts what it got twice, which is the documented in-flight window.
const database = useTestDatabase();
const key = randomBytes(32).toString('base64');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CONCURRENCY = 4;
const CUSTOMERS = 24;
const running: ChildProcess[] = [];
let f: Fixture;
let peer: GraphPeer;
const closers: (() => unknown)[] = [];

/** A node process with its job worker (fixtures/worker-node.ts); resolves once it listens. */
function startNode(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/server/test/fixtures/worker-node.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: database.current.db.url, SECRET_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => {
    errors += String(c);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not start in 30 s: ${errors}`)), 30_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += String(c);
      const m = /listening (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the node exited with ${code} before listening: ${errors}`));
    });
  });
}

/** SIGKILL (a crash: no shutdown at all), or SIGTERM (a graceful stop); resolves once it exited. */
function kill(child: ChildProcess, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}

/**
 * An HTTP proxy in front of the Graph peer that forwards every request and, for the first `hold`
 * sends, keeps the peer's answer to itself: the message reached WhatsApp, the node never hears so.
 */
async function holdingProxy(target: string, hold: number): Promise<{ url: string; held: () => number; server: Server }> {
  let held = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'content-type']) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
      const method = req.method ?? 'GET';
      const upstream = await fetch(`${target}${req.url}`, { method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (method === 'POST' && req.url?.endsWith('/messages') && held < hold) {
        held += 1;
        return;
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, held: () => held, server };
}

beforeAll(async () => {
  f = await createFixture({ db: database } as never);
  peer = await startGraphPeer();
});

afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) await kill(child);
  for (const close of closers) await close();
  await peer?.close();
});

describe('a node that stops cleanly', () => {
  it('keeps its workers and a heartbeat in worker_nodes while it runs, and takes its row along when it stops', async () => {
    const db = database.current.db.kysely;
    const node = createCentralita({
      db: database.current.db,
      logger: createLogger('silent'),
      secretKey: randomBytes(32),
      adapters: installedAdapters(),
      settings: { workerNodes: { heartbeatMs: 100, deadAfterMs: 1_500, checkMs: 100 } },
    });
    await node.listen(0, '127.0.0.1');
    const first = await db.selectFrom('worker_nodes').selectAll().executeTakeFirstOrThrow();
    // Its four workers (and their pool, which 0.17 locks jobs by) are what a live node would release.
    expect(first.worker_ids.length).toBeGreaterThan(CONCURRENCY);
    await waitFor(async () => {
      const now = await db.selectFrom('worker_nodes').select('heartbeat_at').executeTakeFirstOrThrow();
      return now.heartbeat_at > first.heartbeat_at ? now : undefined;
    });
    await node.stop();
    expect(await db.selectFrom('worker_nodes').select('node_id').execute()).toEqual([]);
  });
});

describe('a node killed before it wrote its row', () => {
  it('has its jobs released once they have been locked longer than a silent node is given', async () => {
    const db = database.current.db.kysely;
    const node = createCentralita({
      db: database.current.db,
      logger: createLogger('silent'),
      secretKey: randomBytes(32),
      adapters: installedAdapters(),
      settings: { workerNodes: { heartbeatMs: 100, deadAfterMs: 1_500, checkMs: 100 } },
    });
    await node.listen(0, '127.0.0.1');
    try {
      // A job a worker of a node that never wrote worker_nodes took a minute ago, and then died.
      const { rows } = await sql<{
        id: string;
      }>`SELECT id FROM graphile_worker.add_job('routing_sweep_all', '{}'::json, job_key => 'ghost')`.execute(db);
      const jobId = rows[0]?.id as string;
      await sql`UPDATE graphile_worker._private_jobs SET locked_by = 'worker-ghost', locked_at = now() - interval '1 minute' WHERE id = ${jobId}`.execute(
        db,
      );
      await waitFor(async () => {
        const { rows: left } = await sql<{
          locked_by: string | null;
        }>`SELECT locked_by FROM graphile_worker._private_jobs WHERE id = ${jobId}`.execute(db);
        return left[0]?.locked_by !== 'worker-ghost' ? true : undefined;
      });
    } finally {
      await node.stop();
    }
  });
});

describe('a node killed while it holds send jobs', () => {
  it('has its jobs released by a live node within seconds: everyone gets the update, duplicates only from the sends in flight', async () => {
    const db = database.current.db.kysely;
    const proxy = await holdingProxy(peer.url, CONCURRENCY);
    closers.push(() => proxy.server.closeAllConnections());
    closers.push(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())));
    const a = await startNode();
    const created = await call(a.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'whatsapp', name: 'WhatsApp', config: cloudConfig(peer, { pairSpacingMs: 0, graphUrl: proxy.url }) },
    });
    expect(created.status, created.text).toBe(201);
    const accountId = created.json.channelAccount.id as string;
    for (let i = 0; i < CUSTOMERS; i++) {
      const phone = `+3461100${String(i).padStart(4, '0')}`;
      const part = peer.inbound.text({ from: { bsuid: `ES.${900_000 + i}`, phone, name: `Cliente ${i}` }, text: 'sin fibra' });
      expect((await peer.deliver(`${a.url}/webhooks/${accountId}`, peer.delivery([part]))).status).toBe(200);
    }
    const conversations = await waitFor(async () => {
      const rows = await db.selectFrom('conversations').select('id').where('workspace_id', '=', f.workspaceId).execute();
      return rows.length === CUSTOMERS ? rows.map((r) => r.id) : undefined;
    });
    const now = new Date();
    const incident = await db
      .insertInto('incidents')
      .values({
        workspace_id: f.workspaceId,
        number: 1,
        status: 'active',
        title: 'Fibra',
        starts_at: now,
        declared_at: now,
        matching: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('incident_links')
      .values(
        conversations.map((id) => ({
          incident_id: incident.id,
          conversation_id: id,
          workspace_id: f.workspaceId,
          linked_by: 'user' as const,
          linked_at: now,
          reasons: '{}',
        })),
      )
      .execute();
    const started = await call(a.url, 'POST', `/api/v1/incidents/${incident.id}/broadcasts`, {
      token: f.adminToken,
      body: { text: 'Avería localizada; volvemos hacia las 18:00.', rates: { [accountId]: 600_000 } },
    });
    expect(started.status, started.text).toBe(202);
    const broadcastId = started.json.broadcast.id as string;
    const nodeA = await db.selectFrom('worker_nodes').select(['node_id', 'worker_ids']).executeTakeFirstOrThrow();
    // Each of node A's workers is in a send WhatsApp took, waiting for an answer that never comes.
    const held = await waitFor(async () => {
      const { rows } = await sql<{ locked_by: string }>`SELECT locked_by FROM graphile_worker.jobs
        WHERE task_identifier = 'send_message' AND locked_by IS NOT NULL`.execute(db);
      return rows.length === CONCURRENCY && proxy.held() === CONCURRENCY ? rows : undefined;
    });
    for (const r of held) expect(nodeA.worker_ids).toContain(r.locked_by);
    await kill(a.child);
    // Dead, its jobs are still locked: nothing would run them for hours.
    const { rows: stillLocked } = await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker.jobs
      WHERE locked_by = ANY(${nodeA.worker_ids}::text[])`.execute(db);
    expect(Number(stillLocked[0]?.n)).toBe(CONCURRENCY);

    const b = await startNode();
    const bListening = Date.now();
    const sent = await waitFor(
      async () => {
        const rows = await db
          .selectFrom('messages')
          .select(['conversation_id', 'delivery_state'])
          .where(sql<boolean>`metadata->'broadcast'->>'broadcastId' = ${broadcastId}`)
          .execute();
        return rows.length === CUSTOMERS && rows.every((r) => r.delivery_state === 'sent') ? rows : undefined;
      },
      { timeoutMs: 20_000, what: 'every broadcast message to be sent after the node died' },
    );
    expect(new Set(sent.map((r) => r.conversation_id))).toEqual(new Set(conversations));
    const reclaimMs = Date.now() - bListening;
    const nodes = await db.selectFrom('worker_nodes').select('node_id').execute();
    expect(nodes.map((n) => n.node_id)).not.toContain(nodeA.node_id);
    expect(nodes).toHaveLength(1);
    const view = await waitFor(async () => {
      const res = await call(b.url, 'GET', `/api/v1/broadcasts/${broadcastId}`, { token: f.adminToken });
      return res.json.broadcast.state === 'done' ? res.json.broadcast : undefined;
    });
    expect(view.totals).toMatchObject({ recipients: CUSTOMERS, sent: CUSTOMERS, failed: 0, skipped: 0 });
    const perCustomer = new Map<string, number>();
    for (const s of peer.sent) perCustomer.set(s.to.bsuid ?? '', (perCustomer.get(s.to.bsuid ?? '') ?? 0) + 1);
    expect(perCustomer.size).toBe(CUSTOMERS);
    const duplicates = peer.sent.length - CUSTOMERS;
    console.info(
      `worker reclaim: every send done ${reclaimMs} ms after the new node listened; ${duplicates} duplicate sends at the peer (in-flight window: at most ${CONCURRENCY})`,
    );
    // Exactly the sends the channel took while the node died went twice; nothing else did.
    expect(duplicates).toBe(proxy.held());
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
  }, 90_000);
});
