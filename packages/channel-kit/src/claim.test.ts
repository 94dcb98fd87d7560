import { describe, expect, it } from 'vitest';
import { claimThenCommit } from './claim.ts';
import { createMemoryStore } from './conformance/memory-context.ts';
import { runAccountStoreSuite } from './conformance/store-suite.ts';

runAccountStoreSuite('in memory', (now) => createMemoryStore(now));

describe('claimThenCommit', () => {
  it('runs the work once, and says so to a redelivery', async () => {
    const store = createMemoryStore();
    let runs = 0;
    const work = async () => ++runs;
    expect(await claimThenCommit(store, 'event:1', work, { doneTtlMs: 60_000 })).toEqual({ status: 'ran', value: 1 });
    expect(await claimThenCommit(store, 'event:1', work, { doneTtlMs: 60_000 })).toEqual({ status: 'done_before' });
    expect(runs).toBe(1);
  });

  it('gives the claim up when the work fails, so the redelivery runs it', async () => {
    const store = createMemoryStore();
    const failed = await claimThenCommit(
      store,
      'event:2',
      async () => {
        throw new Error('database down');
      },
      { doneTtlMs: 60_000 },
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(await claimThenCommit(store, 'event:2', async () => 'stored', { doneTtlMs: 60_000 })).toEqual({
      status: 'ran',
      value: 'stored',
    });
  });

  it('reports a claim another node holds as in progress, not done', async () => {
    const store = createMemoryStore();
    let release = () => {};
    const first = claimThenCommit(store, 'event:3', () => new Promise<void>((r) => (release = r)), { doneTtlMs: 60_000 });
    expect(await claimThenCommit(store, 'event:3', async () => undefined, { doneTtlMs: 60_000 })).toEqual({ status: 'in_progress' });
    release();
    expect((await first).status).toBe('ran');
  });
});
