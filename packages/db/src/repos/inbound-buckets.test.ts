import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { addBucketCounts, pruneBuckets, readBucketSeries, workspacesWithBuckets } from './inbound-buckets.ts';
import { createWorkspace } from './workspaces.ts';

const database = useTestDatabase();
const MINUTE = 60_000;
const t0 = new Date('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
let ws: string;
let other: string;

beforeAll(async () => {
  const db = database.current.db.kysely;
  ws = (await createWorkspace(db, { slug: 'buckets', name: 'Buckets' })).id;
  other = (await createWorkspace(db, { slug: 'buckets-other', name: 'Other' })).id;
});

describe('inbound buckets', () => {
  it('adds counts from several nodes into the same buckets, and reads them zero-filled, oldest first', async () => {
    const db = database.current.db.kysely;
    const row = (key: string, minutes: number, count: number) => ({
      workspaceId: ws,
      kind: 'term' as const,
      key,
      bucketStart: at(minutes),
      count,
    });
    // The same bucket twice in one call, and again from "another node".
    await addBucketCounts(db, [row('fibra', 0, 3), row('fibra', 0, 2), row('fibra', 10, 7), row('luz', 5, 1)]);
    await Promise.all([addBucketCounts(db, [row('fibra', 10, 5)]), addBucketCounts(db, [row('fibra', 10, 1), row('fibra', 0, 1)])]);
    await addBucketCounts(db, [{ workspaceId: other, kind: 'term', key: 'fibra', bucketStart: at(0), count: 100 }]);

    const series = await readBucketSeries(db, ws, { from: at(-5), to: at(15), bucketMinutes: 5 });
    const byKey = Object.fromEntries(series.map((s) => [s.key, s]));
    expect(byKey.fibra).toEqual({ kind: 'term', key: 'fibra', counts: [0, 6, 0, 13] });
    expect(byKey.luz?.counts).toEqual([0, 0, 1, 0]);
  });

  it('bins finer buckets into coarser ones, and leaves out kinds and quiet keys when asked', async () => {
    const db = database.current.db.kysely;
    const fine = [0, 1, 2, 3, 4, 5].map((m) => ({
      workspaceId: ws,
      kind: 'region' as const,
      key: 'ES-MD',
      bucketStart: at(60 + m),
      count: 2,
    }));
    await addBucketCounts(db, [...fine, { workspaceId: ws, kind: 'channel', key: 'email', bucketStart: at(60), count: 1 }]);
    const series = await readBucketSeries(db, ws, {
      from: at(60),
      to: at(70),
      bucketMinutes: 5,
      kinds: ['region', 'channel'],
      minTotal: 2,
    });
    expect(series).toEqual([{ kind: 'region', key: 'ES-MD', counts: [10, 2] }]);
  });

  it('lists the workspaces with recent buckets and prunes the old ones', async () => {
    const db = database.current.db.kysely;
    expect((await workspacesWithBuckets(db, at(0))).sort()).toEqual([ws, other].sort());
    expect(await workspacesWithBuckets(db, at(30))).toEqual([ws]);
    const pruned = await pruneBuckets(db, at(30));
    expect(pruned).toBeGreaterThan(0);
    const left = await readBucketSeries(db, ws, { from: at(0), to: at(70), bucketMinutes: 5 });
    expect(left.map((s) => s.key).sort()).toEqual(['ES-MD', 'email']);
    expect(await workspacesWithBuckets(db, at(0))).toEqual([ws]);
  });
});
