import type { BucketKeyKind, BucketSeries } from '@centralita/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

// Inbound message counts per key and time bucket, for the spike detector. Each node counts what it
// ingested and adds it here, so every node's detector reads the same numbers.

export interface BucketCount {
  workspaceId: string;
  kind: BucketKeyKind;
  key: string;
  bucketStart: Date;
  count: number;
}

/**
 * Adds counts to their buckets in one statement, however many. Rows for the same bucket are summed
 * first (one INSERT may not touch a row twice) and written in key order, so two nodes adding to
 * the same buckets at once wait for each other instead of deadlocking.
 */
export async function addBucketCounts(db: Kysely<Database>, rows: readonly BucketCount[]): Promise<void> {
  const summed = new Map<string, BucketCount>();
  for (const r of rows) {
    if (r.count <= 0) continue;
    const id = `${r.workspaceId}\u0000${r.kind}\u0000${r.key}\u0000${r.bucketStart.toISOString()}`;
    const known = summed.get(id);
    summed.set(id, known ? { ...known, count: known.count + r.count } : r);
  }
  if (summed.size === 0) return;
  const ordered = [...summed.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
  await sql`
    INSERT INTO inbound_buckets AS b (workspace_id, key_kind, key, bucket_start, count)
    SELECT * FROM unnest(${ordered.map((r) => r.workspaceId)}::uuid[], ${ordered.map((r) => r.kind)}::text[],
                         ${ordered.map((r) => r.key)}::text[], ${ordered.map((r) => r.bucketStart.toISOString())}::timestamptz[],
                         ${ordered.map((r) => r.count)}::int[])
    ON CONFLICT (workspace_id, key_kind, key, bucket_start) DO UPDATE SET count = b.count + EXCLUDED.count`.execute(db);
}

export interface SeriesQuery {
  /** Start of the first bucket (inclusive). */
  from: Date;
  /** End of the last bucket (exclusive). */
  to: Date;
  bucketMinutes: number;
  kinds?: readonly BucketKeyKind[];
  /** Leave out keys with fewer messages than this over the whole range (they cannot spike). */
  minTotal?: number;
}

/**
 * Each key's counts from `from` to `to`, one per bucket of `bucketMinutes`, oldest first and zero
 * where nothing came. Stored buckets are binned again to `bucketMinutes`, so counts written under
 * an older, finer bucket size still add up.
 */
export async function readBucketSeries(db: Kysely<Database>, workspaceId: string, q: SeriesQuery): Promise<BucketSeries[]> {
  const size = Math.max(1, Math.round(q.bucketMinutes)) * 60_000;
  const first = Math.floor(q.from.getTime() / size) * size;
  const buckets = Math.max(0, Math.ceil((q.to.getTime() - first) / size));
  if (buckets === 0) return [];
  const kinds = q.kinds && q.kinds.length > 0 ? [...q.kinds] : null;
  const rows = await sql<{ kind: BucketKeyKind; key: string; at: Date; count: number }>`
    WITH binned AS (
      SELECT key_kind AS kind, key, date_bin(${`${size / 60_000} minutes`}::interval, bucket_start, 'epoch'::timestamptz) AS at,
             sum(count)::int AS count
      FROM inbound_buckets
      WHERE workspace_id = ${workspaceId} AND bucket_start >= ${new Date(first)} AND bucket_start < ${q.to}
        ${kinds ? sql`AND key_kind = ANY(${kinds}::text[])` : sql``}
      GROUP BY 1, 2, 3
    )
    SELECT kind, key, at, count FROM binned
    WHERE (kind, key) IN (SELECT kind, key FROM binned GROUP BY 1, 2 HAVING sum(count) >= ${q.minTotal ?? 1})`.execute(db);
  const out = new Map<string, BucketSeries>();
  for (const r of rows.rows) {
    const id = `${r.kind}\u0000${r.key}`;
    let s = out.get(id);
    if (!s) {
      s = { kind: r.kind, key: r.key, counts: new Array<number>(buckets).fill(0) };
      out.set(id, s);
    }
    const i = Math.floor((new Date(r.at).getTime() - first) / size);
    if (i >= 0 && i < buckets) s.counts[i] = (s.counts[i] ?? 0) + r.count;
  }
  return [...out.values()];
}

/** The workspaces that counted inbound messages since `since` (the cron detector's list). */
export async function workspacesWithBuckets(db: Kysely<Database>, since: Date): Promise<string[]> {
  // One index probe per workspace (workspace_id, bucket_start), not a scan of every bucket.
  const rows = await db
    .selectFrom('workspaces as w')
    .select('w.id')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('inbound_buckets as b')
          .select(sql`1`.as('one'))
          .whereRef('b.workspace_id', '=', 'w.id')
          .where('b.bucket_start', '>=', since),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Deletes buckets that started before `before`; returns how many. */
export async function pruneBuckets(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('inbound_buckets').where('bucket_start', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The workspace's detector tuning as stored (`incident_settings.detector`), or {} when unset. */
export async function storedDetectorTuning(db: Kysely<Database>, workspaceId: string): Promise<Record<string, unknown>> {
  const row = await db.selectFrom('incident_settings').select('detector').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row?.detector ?? {};
}
