import {
  bucketKeys,
  bucketStart,
  DEFAULT_DETECTOR_TUNING,
  type DetectorTuning,
  detectSpike,
  type IncidentProposal,
  type ServiceLabel,
} from '@centralita/core';
import {
  addBucketCounts,
  type BucketCount,
  type Db,
  pruneBuckets,
  readBucketSeries,
  type StoredMessage,
  storedDetectorTuning,
  workspacesWithBuckets,
} from '@centralita/db';
import type { AppLogger } from '../logger.ts';
import type { Change } from '../pipeline/commits.ts';

// The spike detector's node side (docs/incidents.md): every node counts the customer messages it
// stored, per key and time bucket, in memory; adds them to `inbound_buckets` every 2 seconds in one
// statement; and reads every node's counts back to look for a spike, proposing an incident to
// the incidents service when it finds one. Counting is best effort by design (a detector is
// advice): counts a node held when it died are lost, never double-counted.

/** What the detector needs of the incidents service (services/incidents.ts). */
export interface IncidentSink {
  /** Null: a dismissed alarm still remembered. */
  propose(workspaceId: string, p: IncidentProposal): Promise<{ id: string; created: boolean } | null>;
  services(workspaceId: string): Promise<ServiceLabel[]>;
}

export interface IncidentDetectorDeps {
  db: Db;
  clock: () => Date;
  logger: AppLogger;
  incidents: IncidentSink;
}

export interface DetectorTimings {
  /** How often the counts held in memory are written. @default 2000 */
  flushEveryMs: number;
  /** The least time between two detections of one workspace by this node's timer. @default 15000 */
  detectEveryMs: number;
  /** How long a workspace's services and tuning are kept before they are read again. @default 30000 */
  configTtlMs: number;
}

const DEFAULT_TIMINGS: DetectorTimings = { flushEveryMs: 2_000, detectEveryMs: 15_000, configTtlMs: 30_000 };

/** Text counted per message: the words past this add nothing a detector needs. */
const MAX_TEXT = 2_000;
/** Messages held unflushed at most (a database down for minutes): older ones are dropped. */
const MAX_PENDING = 200_000;
/** Buckets are kept a week: the baseline reads an hour, people read the evidence for days. */
const KEEP_BUCKETS_MS = 7 * 24 * 60 * 60_000;
/** Flushes in a row the database may refuse one workspace's counts before they are dropped. */
const MAX_REFUSED_WRITES = 5;
/** A deleted workspace's counts (the foreign key): never writable, dropped at once. */
const FOREIGN_KEY_VIOLATION = '23503';

interface Counted {
  workspaceId: string;
  text: string;
  channelKind: string;
  region: string | null;
  repliedToPost: string | null;
  at: Date;
}

interface Config {
  services: ServiceLabel[];
  tuning: DetectorTuning;
  readAt: number;
}

/** Bounds on each tuning value: a stored value out of them, or not a number, takes the default. */
const BOUNDS: Record<keyof DetectorTuning, [number, number, boolean]> = {
  bucketMinutes: [1, 60, true],
  baselineBuckets: [1, 288, true],
  alpha: [0.01, 1, false],
  minCount: [1, 1_000_000, true],
  pValue: [1e-300, 0.5, false],
  minRatio: [1, 1_000, false],
  viralReplies: [1, 1_000_000, true],
  dismissMemoryHours: [0, 24 * 365, false],
};

/** The stored tuning (`incident_settings.detector`) over the defaults, each value checked. */
export function detectorTuning(stored: Record<string, unknown>): DetectorTuning {
  const out: DetectorTuning = { ...DEFAULT_DETECTOR_TUNING };
  for (const [key, [min, max, integer]] of Object.entries(BOUNDS) as [keyof DetectorTuning, [number, number, boolean]][]) {
    const v = stored[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v))) out[key] = v;
  }
  return out;
}

/** A customer's own message: counted. Agents' replies, notes, out-of-offices and bounces are not. */
function counts(m: StoredMessage): boolean {
  return m.direction === 'inbound' && m.automated === null && m.authorType === 'contact';
}

/** The X post a public reply answers (the X adapter keeps it in the message's metadata). */
function repliedToPost(m: StoredMessage): string | null {
  const id = m.metadata.inReplyToPostId;
  return m.visibility === 'public' && typeof id === 'string' && id.length > 0 ? id : null;
}

export class IncidentDetector {
  readonly #timings: DetectorTimings;
  #pending: Counted[] = [];
  /** Counts a failed write still owes, added to the next one. */
  #owed: BucketCount[] = [];
  /** Flushes in a row whose counts of a workspace the database refused. */
  readonly #refused = new Map<string, number>();
  readonly #config = new Map<string, Config>();
  /** Workspaces whose counts this node wrote since its timer last looked at them. */
  readonly #written = new Set<string>();
  readonly #lastDetected = new Map<string, number>();
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #tick: Promise<void> | null = null;

  constructor(
    private readonly deps: IncidentDetectorDeps,
    timings: Partial<DetectorTimings> = {},
  ) {
    this.#timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  /** The commit stream's subscriber: holds what each stored customer message counts for. */
  onCommit(changes: readonly Change[]): void {
    for (const c of changes) {
      if (c.kind !== 'message' || !c.created || !counts(c.message)) continue;
      const m = c.message;
      this.#pending.push({
        workspaceId: m.workspaceId,
        text: `${m.subject ?? ''} ${m.text}`.slice(0, MAX_TEXT),
        channelKind: c.conversation.routing.channelKind ?? 'unknown',
        region: c.conversation.region,
        repliedToPost: repliedToPost(m),
        at: m.createdAt,
      });
    }
    if (this.#pending.length > MAX_PENDING) this.#pending.splice(0, this.#pending.length - MAX_PENDING);
  }

  /** Writes the counts this node holds, in one statement; one flush at a time. */
  flush(): Promise<void> {
    const run = this.#flushing.then(() => this.#flush());
    // A failed flush is reported to its caller; the next one runs all the same.
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    const rows = this.#owed;
    this.#owed = [];
    const byWorkspace = new Map<string, Counted[]>();
    for (const m of batch) {
      const list = byWorkspace.get(m.workspaceId) ?? [];
      list.push(m);
      byWorkspace.set(m.workspaceId, list);
    }
    try {
      for (const [workspaceId, messages] of byWorkspace) {
        const { services, tuning } = await this.#configOf(workspaceId);
        for (const m of messages) {
          const start = bucketStart(m.at, tuning.bucketMinutes);
          for (const k of bucketKeys(m, services)) rows.push({ workspaceId, kind: k.kind, key: k.key, bucketStart: start, count: 1 });
        }
        byWorkspace.delete(workspaceId);
      }
      if (rows.length === 0) return;
      this.#owed = await this.#write(rows);
    } catch (err) {
      // Kept for the next flush, summed so a long outage of the database holds one row per bucket key.
      this.#owed = sumRows(rows).slice(0, MAX_PENDING);
      // Messages whose workspace settings could not be read are counted on a later flush.
      this.#pending = [...[...byWorkspace.values()].flat(), ...this.#pending];
      this.deps.logger.warn(
        { error: err instanceof Error ? err.message : String(err), rows: rows.length },
        'incident detector counts not written; will retry',
      );
    }
  }

  /**
   * Writes the rows in one statement or, when that fails, workspace by workspace, so rows the
   * database will never take (a deleted workspace) cannot hold back every later flush; answers
   * the rows to try again. A database that does not answer costs no tries: nothing is dropped.
   */
  async #write(rows: BucketCount[]): Promise<BucketCount[]> {
    const done = (workspaceId: string) => {
      this.#written.add(workspaceId);
      this.#refused.delete(workspaceId);
    };
    try {
      await addBucketCounts(this.deps.db.kysely, rows);
      for (const r of rows) done(r.workspaceId);
      return [];
    } catch {
      // Tried again below, one workspace at a time.
    }
    const owed: BucketCount[] = [];
    let answering = true;
    for (const [workspaceId, list] of groupByWorkspace(rows)) {
      if (!answering) {
        owed.push(...list);
        continue;
      }
      try {
        await addBucketCounts(this.deps.db.kysely, list);
        done(workspaceId);
      } catch (err) {
        const code = refusalCode(err);
        answering = code !== null;
        const refused = (this.#refused.get(workspaceId) ?? 0) + (code ? 1 : 0);
        const drop = code === FOREIGN_KEY_VIOLATION || refused >= MAX_REFUSED_WRITES;
        const log = { workspaceId, code, refused, rows: list.length, error: err instanceof Error ? err.message : String(err) };
        if (drop) {
          this.#refused.delete(workspaceId);
          this.deps.logger.error(log, 'incident detector counts dropped: the database refuses them');
        } else {
          this.#refused.set(workspaceId, refused);
          owed.push(...list);
          this.deps.logger.warn(log, 'incident detector counts not written; will retry');
        }
      }
    }
    return sumRows(owed).slice(0, MAX_PENDING);
  }

  /**
   * Looks for a spike at `ctx.clock()` in one workspace, or in every workspace that counted
   * messages in the last hour, and proposes each one found (see `detectSpike`). A workspace's
   * failure is logged and does not stop the others.
   */
  async runOnce(workspaceId?: string): Promise<void> {
    const now = this.deps.clock();
    const ids = workspaceId ? [workspaceId] : await workspacesWithBuckets(this.deps.db.kysely, new Date(now.getTime() - 60 * 60_000));
    for (const id of ids) {
      try {
        await this.#detect(id, now);
      } catch (err) {
        this.deps.logger.error({ workspaceId: id, error: err instanceof Error ? err.message : String(err) }, 'incident detection failed');
      }
    }
  }

  async #detect(workspaceId: string, now: Date): Promise<IncidentProposal | null> {
    const { services, tuning } = await this.#configOf(workspaceId);
    const size = tuning.bucketMinutes * 60_000;
    const to = new Date(bucketStart(now, tuning.bucketMinutes).getTime() + size);
    // The baseline's buckets, the one before the newest (read while the newest fills) and the newest.
    const from = new Date(to.getTime() - (tuning.baselineBuckets + 2) * size);
    const range = { from, to, bucketMinutes: tuning.bucketMinutes };
    // Words, channels and posts under the least count that can spike are left out (most words are
    // rare); every region is read, since the first few complaints say where an outage is.
    const [counted, regions] = await Promise.all([
      readBucketSeries(this.deps.db.kysely, workspaceId, {
        ...range,
        kinds: ['all', 'term', 'channel', 'post'],
        minTotal: Math.min(tuning.minCount, tuning.viralReplies),
      }),
      readBucketSeries(this.deps.db.kysely, workspaceId, { ...range, kinds: ['region'] }),
    ]);
    const series = [...counted, ...regions];
    const proposal = detectSpike(series, now, services, tuning);
    if (!proposal) return null;
    const outcome = await this.deps.incidents.propose(workspaceId, proposal);
    this.deps.logger.info(
      {
        workspaceId,
        signature: proposal.signature,
        total: proposal.evidence.total,
        incidentId: outcome?.id ?? null,
        created: outcome?.created ?? false,
      },
      outcome ? 'incident spike proposed' : 'incident spike remembered as dismissed',
    );
    return proposal;
  }

  async #configOf(workspaceId: string): Promise<Config> {
    const known = this.#config.get(workspaceId);
    if (known && performance.now() - known.readAt < this.#timings.configTtlMs) return known;
    const [services, stored] = await Promise.all([
      this.deps.incidents.services(workspaceId),
      storedDetectorTuning(this.deps.db.kysely, workspaceId),
    ]);
    const config = { services, tuning: detectorTuning(stored), readAt: performance.now() };
    this.#config.set(workspaceId, config);
    return config;
  }

  /** Starts the timer: a flush every `flushEveryMs`, then detection where it wrote, at most every `detectEveryMs`. */
  start(): void {
    if (this.#timer) return;
    const schedule = () => {
      this.#timer = setTimeout(() => {
        this.#tick = this.#onTimer().finally(() => {
          this.#tick = null;
          if (this.#timer) schedule();
        });
      }, this.#timings.flushEveryMs);
      this.#timer.unref();
    };
    schedule();
  }

  async #onTimer(): Promise<void> {
    try {
      await this.flush();
      const now = performance.now();
      for (const workspaceId of [...this.#written]) {
        if (now - (this.#lastDetected.get(workspaceId) ?? Number.NEGATIVE_INFINITY) < this.#timings.detectEveryMs) continue;
        this.#written.delete(workspaceId);
        this.#lastDetected.set(workspaceId, now);
        await this.runOnce(workspaceId);
      }
    } catch (err) {
      this.deps.logger.error({ error: err instanceof Error ? err.message : String(err) }, 'incident detector tick failed');
    }
  }

  /**
   * The cron task's work (every minute, one node at a time): this node's counts written, then
   * every workspace with counts in the last hour looked at, so a spike is found even where no
   * node's timer runs (a node that only ingests, a worker-only node).
   */
  async detectAll(): Promise<void> {
    await this.flush();
    await this.runOnce();
  }

  /** Deletes buckets older than a week (the hourly cron task); returns how many. */
  async prune(): Promise<number> {
    const removed = await pruneBuckets(this.deps.db.kysely, new Date(this.deps.clock().getTime() - KEEP_BUCKETS_MS));
    if (removed > 0) this.deps.logger.info({ removed }, 'old inbound buckets pruned');
    return removed;
  }

  /** Stops the timer and writes what is still held. */
  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#tick;
    await this.flush();
  }
}

function groupByWorkspace(rows: readonly BucketCount[]): Map<string, BucketCount[]> {
  const out = new Map<string, BucketCount[]>();
  for (const r of rows) {
    const list = out.get(r.workspaceId) ?? [];
    list.push(r);
    out.set(r.workspaceId, list);
  }
  return out;
}

/**
 * The SQLSTATE of an error the database answered with; null when it did not answer (no
 * connection, shutting down, out of resources), which says nothing about the rows.
 */
function refusalCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('E')) return null;
  return /^(08|53|57)/.test(code) ? null : code;
}

function sumRows(rows: readonly BucketCount[]): BucketCount[] {
  const summed = new Map<string, BucketCount>();
  for (const r of rows) {
    const id = `${r.workspaceId}\u0000${r.kind}\u0000${r.key}\u0000${r.bucketStart.toISOString()}`;
    const known = summed.get(id);
    summed.set(id, known ? { ...known, count: known.count + r.count } : { ...r });
  }
  return [...summed.values()];
}

export const INCIDENT_DETECT_TASK = 'incident_detect';
export const INCIDENT_BUCKETS_PRUNE_TASK = 'incident_buckets_prune';
