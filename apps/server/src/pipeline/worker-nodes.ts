import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connect, type Db } from '@centralita/db';
import type { WorkerEvents } from 'graphile-worker';
import { sql } from 'kysely';
import type { AppLogger } from '../logger.ts';

/** How often a node says it is alive, how long a silent node is given, and how often nodes look. */
export interface WorkerNodeTimings {
  heartbeatMs: number;
  deadAfterMs: number;
  checkMs: number;
}

export const DEFAULT_WORKER_NODE_TIMINGS: WorkerNodeTimings = { heartbeatMs: 5_000, deadAfterMs: 30_000, checkMs: 10_000 };

/**
 * Dead-node reclaim (docs/incidents.md, "When a node dies"). graphile-worker leaves the jobs of a
 * worker that died locked for four hours; a broadcast cannot wait that long. Each node writes its
 * workers' ids and a heartbeat to `worker_nodes`; every few seconds a node looks for nodes silent
 * for `deadAfterMs`, unlocks their jobs (graphile-worker's own `force_unlock_workers`) and
 * deletes their row, so any live worker runs those jobs at once.
 *
 * Times are the database's (`now()`), not the node's clock: heartbeats of several machines are
 * compared, and tests that inject a clock must not make a live node look dead.
 *
 * The heartbeat has a connection of its own: a pool busy with a 20,000-message fan-out must not
 * make a live node look dead (its running jobs would run twice).
 *
 * What this cannot undo: a send the channel accepted just before the node died, whose `sent` was
 * never committed, runs again on the live node. That is at most the dead node's concurrency (one
 * job per worker) and is the documented in-flight window.
 */
export class WorkerNodes {
  /** Random per process start: a restarted node is a new node, and its old self gets reclaimed. */
  readonly nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #workerIds = new Set<string>();
  #timers: NodeJS.Timeout[] = [];
  #stopped = false;
  #writing: Promise<void> = Promise.resolve();
  #written = false;
  #heartbeatDb: Db | null = null;

  constructor(
    private readonly deps: { db: Db; logger: AppLogger; timings?: Partial<WorkerNodeTimings> | undefined },
    events: WorkerEvents,
  ) {
    // Locks are taken by worker id (and by the pool's id when a local queue is on): both are ours.
    events.on('worker:create', ({ worker }) => {
      this.#workerIds.add(worker.workerId);
      this.#workerIds.add(worker.workerPool.id);
      this.#beat();
    });
  }

  get timings(): WorkerNodeTimings {
    return { ...DEFAULT_WORKER_NODE_TIMINGS, ...this.deps.timings };
  }

  /** Writes this node's row, then beats and looks for dead nodes until `stop`. */
  async start(): Promise<void> {
    await this.#write();
    const { heartbeatMs, checkMs } = this.timings;
    const beat = setInterval(() => this.#beat(), heartbeatMs);
    const check = setInterval(() => {
      this.reclaim().catch((err: unknown) => this.#warn('could not look for dead nodes', err));
    }, checkMs);
    beat.unref();
    check.unref();
    this.#timers = [beat, check];
    // A node restarted after a crash releases its dead predecessor's jobs without waiting a round.
    await this.reclaim().catch((err: unknown) => this.#warn('could not look for dead nodes', err));
  }

  /**
   * Unlocks the jobs of every node silent for longer than `deadAfterMs` and forgets it. Each dead
   * row is taken with SKIP LOCKED, so two live nodes never release the same one twice (and if they
   * did, unlocking is idempotent). Returns the ids of the nodes reclaimed.
   */
  async reclaim(): Promise<string[]> {
    const { deadAfterMs } = this.timings;
    return this.deps.db.kysely.transaction().execute(async (trx) => {
      const { rows } = await sql<{ node_id: string; worker_ids: string[] }>`
        SELECT node_id, worker_ids FROM worker_nodes
        WHERE node_id <> ${this.nodeId} AND heartbeat_at < now() - ${deadAfterMs} * interval '1 millisecond'
        FOR UPDATE SKIP LOCKED`.execute(trx);
      // Jobs locked for as long by a worker no row lists: its node died before it could write it.
      const { rows: orphans } = await sql<{ locked_by: string }>`
        SELECT DISTINCT j.locked_by FROM graphile_worker._private_jobs j
        WHERE j.locked_by IS NOT NULL AND j.locked_at < now() - ${deadAfterMs} * interval '1 millisecond'
          AND NOT EXISTS (SELECT 1 FROM worker_nodes w WHERE j.locked_by = ANY(w.worker_ids))`.execute(trx);
      if (rows.length === 0 && orphans.length === 0) return [];
      const ids = [...rows.flatMap((r) => r.worker_ids), ...orphans.map((o) => o.locked_by)];
      const { rows: locked } = await sql<{ n: string }>`
        SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE locked_by = ANY(${ids}::text[])`.execute(trx);
      await sql`SELECT graphile_worker.force_unlock_workers(${ids}::text[])`.execute(trx);
      await sql`DELETE FROM worker_nodes WHERE node_id = ANY(${rows.map((r) => r.node_id)}::text[])`.execute(trx);
      this.deps.logger.warn(
        { nodes: rows.map((r) => r.node_id), orphans: orphans.length, jobs: Number(locked[0]?.n ?? 0), by: this.nodeId },
        'released the jobs of nodes that stopped answering',
      );
      return rows.map((r) => r.node_id);
    });
  }

  /** Writes the row now (the workers' ids once run() made them) and waits for it. */
  async sync(): Promise<void> {
    this.#beat();
    await this.#writing;
  }

  /** A graceful stop: no more beats, and the row goes, so nobody reclaims a node that left cleanly. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#writing;
    await sql`DELETE FROM worker_nodes WHERE node_id = ${this.nodeId}`
      .execute(this.deps.db.kysely)
      .catch((err: unknown) => this.#warn('could not remove this node from worker_nodes', err));
    await this.#heartbeatDb?.close();
    this.#heartbeatDb = null;
  }

  #beat(): void {
    if (this.#stopped) return;
    this.#writing = this.#writing.then(() => this.#write()).catch((err: unknown) => this.#warn('heartbeat failed', err));
  }

  /**
   * Upserts the row: a node reclaimed by mistake (paused longer than deadAfterMs) comes back, and
   * says so loudly, since the jobs it was running were released to other nodes and may run twice.
   */
  async #write(): Promise<void> {
    const ids = [...this.#workerIds];
    this.#heartbeatDb ??= connect(this.deps.db.url, { max: 1, applicationName: 'centralita-heartbeat' });
    const { rows } = await sql<{ inserted: boolean }>`
      INSERT INTO worker_nodes (node_id, worker_ids, started_at, heartbeat_at) VALUES (${this.nodeId}, ${ids}::text[], now(), now())
      ON CONFLICT (node_id) DO UPDATE SET worker_ids = EXCLUDED.worker_ids, heartbeat_at = now()
      RETURNING (xmax = 0) AS inserted`.execute(this.#heartbeatDb.kysely);
    if (this.#written && rows[0]?.inserted) {
      this.deps.logger.error(
        { nodeId: this.nodeId, deadAfterMs: this.timings.deadAfterMs },
        'this node was taken for dead and its running jobs were released: they may run twice',
      );
    }
    this.#written = true;
  }

  #warn(what: string, err: unknown): void {
    this.deps.logger.warn({ nodeId: this.nodeId, error: err instanceof Error ? err.message : String(err) }, what);
  }
}
