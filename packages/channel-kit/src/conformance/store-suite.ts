import { describe, expect, it } from 'vitest';
import type { AccountStore } from '../contract.ts';

/**
 * The behaviour every `AccountStore` shares (the in-memory one here, the PostgreSQL one in
 * `@centralita/db`): expiry, `get`, `delete` and an atomic `compareAndSet`. `make` builds a store
 * for one account whose clock is the given function (milliseconds since the epoch).
 */
export function runAccountStoreSuite(name: string, make: (now: () => number) => AccountStore | Promise<AccountStore>): void {
  let clock = Date.UTC(2026, 10, 1, 9, 0);
  const now = () => clock;
  let n = 0;
  const key = (what: string) => `${what}:${Date.now()}:${++n}`;

  describe(`account store: ${name}`, () => {
    it('reads a live value, and nothing once it expired', async () => {
      const store = await make(now);
      const k = key('get');
      expect(await store.get(k)).toBeNull();
      expect(await store.putIfAbsent(k, 'one', 1_000)).toBe('one');
      expect(await store.get(k)).toBe('one');
      clock += 999;
      expect(await store.get(k)).toBe('one');
      clock += 1;
      expect(await store.get(k)).toBeNull();
    });

    it('claims an absent key once; a live claim blocks the next; an expired one does not', async () => {
      const store = await make(now);
      const k = key('claim');
      expect(await store.compareAndSet(k, null, 'a', 1_000)).toBe(true);
      expect(await store.compareAndSet(k, null, 'b', 1_000)).toBe(false);
      expect(await store.get(k)).toBe('a');
      clock += 1_000;
      expect(await store.compareAndSet(k, null, 'c', 1_000)).toBe(true);
      expect(await store.get(k)).toBe('c');
    });

    it('swaps only from the live value expected, and restarts the expiry', async () => {
      const store = await make(now);
      const k = key('swap');
      await store.compareAndSet(k, null, 'claimed', 1_000);
      expect(await store.compareAndSet(k, 'other', 'done', 60_000)).toBe(false);
      expect(await store.compareAndSet(k, 'claimed', 'done', 60_000)).toBe(true);
      clock += 30_000;
      expect(await store.get(k)).toBe('done');
      clock += 30_000;
      // An expired value is no longer there to be swapped from.
      expect(await store.compareAndSet(k, 'done', 'again', 1_000)).toBe(false);
    });

    it('deletes a claim, so the next claim wins at once', async () => {
      const store = await make(now);
      const k = key('delete');
      await store.compareAndSet(k, null, 'claimed', 60_000);
      await store.delete(k);
      expect(await store.get(k)).toBeNull();
      expect(await store.compareAndSet(k, null, 'retry', 60_000)).toBe(true);
      await store.delete(key('never-set'));
    });

    it('lets exactly one of many simultaneous claims win', async () => {
      const store = await make(now);
      const k = key('race');
      const won = await Promise.all(Array.from({ length: 12 }, (_, i) => store.compareAndSet(k, null, `node-${i}`, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.get(k)).toBe(`node-${won.indexOf(true)}`);
    });

    it('keeps putIfAbsent and compareAndSet on the same entries', async () => {
      const store = await make(now);
      const k = key('mixed');
      await store.putIfAbsent(k, 'first', 1_000);
      expect(await store.compareAndSet(k, null, 'second', 1_000)).toBe(false);
      expect(await store.compareAndSet(k, 'first', 'second', 1_000)).toBe(true);
      expect(await store.putIfAbsent(k, 'third', 1_000)).toBe('second');
    });

    it('keeps bytes exactly, replaces them, and forgets them once deleted', async () => {
      const store = await make(now);
      const k = key('blob');
      expect(await store.getBlob(k)).toBeNull();
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
      await store.putBlob(k, bytes);
      expect(Buffer.from((await store.getBlob(k)) ?? []).equals(Buffer.from(bytes))).toBe(true);
      await store.putBlob(k, new Uint8Array([0, 255, 1]));
      expect([...((await store.getBlob(k)) ?? [])]).toEqual([0, 255, 1]);
      await store.deleteBlob(k);
      expect(await store.getBlob(k)).toBeNull();
      await store.deleteBlob(k);
    });
  });
}
