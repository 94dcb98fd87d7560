import { runAccountStoreSuite } from '@centralita/channel-kit/conformance';
import { accountStore, createChannelAccount, createWorkspace, hitRateLimits, type PutIfAbsent, putIfAbsentMany } from '@centralita/db';
import { useTestDatabase } from '@centralita/testing';
import { describe, expect, it } from 'vitest';
import { GroupRunner } from '../src/pipeline/group.ts';

// The PostgreSQL store behaves as the in-memory one adapters are tested with (same suite).
const database = useTestDatabase();

runAccountStoreSuite('PostgreSQL', async (now) => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: `store-${Math.random().toString(36).slice(2, 8)}`, name: 'store' });
  const account = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webform', name: 'f', settings: {}, secretsEncrypted: null });
  return accountStore(db, ws.id, account.id, () => new Date(now()));
});

// The grouped calls the channel host makes (one statement for every request under way) keep the
// same answers, concurrent calls included.
runAccountStoreSuite('PostgreSQL, grouped', async (now) => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: `group-${Math.random().toString(36).slice(2, 8)}`, name: 'store' });
  const account = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webform', name: 'f', settings: {}, secretsEncrypted: null });
  const hits = new GroupRunner<{ key: string; windowMs: number; workspaceId: string }, number>((h) =>
    hitRateLimits(db, h, new Date(now())),
  );
  const puts = new GroupRunner<PutIfAbsent, string>((p) => putIfAbsentMany(db, p, new Date(now())));
  return {
    ...accountStore(db, ws.id, account.id, () => new Date(now())),
    hit: (key, windowMs) => hits.submit({ key: `acct:${account.id}:${key}`, windowMs, workspaceId: ws.id }),
    putIfAbsent: (key, value, ttlMs) => puts.submit({ workspaceId: ws.id, channelAccountId: account.id, key, value, ttlMs }),
  };
});

describe('grouped store calls', () => {
  it('count concurrent hits on one key 1 to n and give concurrent claims of one key the first value', async () => {
    const db = database.current.db.kysely;
    const ws = await createWorkspace(db, { slug: `conc-${Math.random().toString(36).slice(2, 8)}`, name: 'store' });
    const account = await createChannelAccount(db, {
      workspaceId: ws.id,
      kind: 'webform',
      name: 'f',
      settings: {},
      secretsEncrypted: null,
    });
    const hits = new GroupRunner<{ key: string; windowMs: number; workspaceId: string }, number>((h) => hitRateLimits(db, h, new Date()));
    const puts = new GroupRunner<PutIfAbsent, string>((p) => putIfAbsentMany(db, p, new Date()));
    const counted = await Promise.all(
      Array.from({ length: 30 }, (_, i) => hits.submit({ key: i % 2 ? 'odd' : 'even', windowMs: 60_000, workspaceId: ws.id })),
    );
    expect(counted.filter((_, i) => i % 2 === 0).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(counted.filter((_, i) => i % 2 === 1).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const claimed = await Promise.all(
      ['a', 'b', 'c'].map((value) => puts.submit({ workspaceId: ws.id, channelAccountId: account.id, key: 'k', value, ttlMs: 60_000 })),
    );
    expect(new Set(claimed).size).toBe(1);
  });
});
