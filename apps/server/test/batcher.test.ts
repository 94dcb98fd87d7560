import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/pipeline/batcher.ts';

// What callers of one account's batcher notice: items that arrive while the account's slots are
// busy are committed together, each caller gets its own outcomes in its own order, and one caller's
// failure is not another's.

/** A run that records each batch and answers each item with `item * 10`, after `gate` opens. */
function recorder() {
  const batches: number[][] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => {
    open = r;
  });
  const run = async (_ctx: null, items: number[]) => {
    batches.push([...items]);
    await gate;
    if (items.includes(-1)) throw new Error('a refused batch');
    return items.map((i) => i * 10);
  };
  return {
    batches,
    run,
    release() {
      open();
      gate = Promise.resolve();
    },
  };
}

describe('the batcher', () => {
  it('commits what arrives while both slots are busy as one batch, each caller answered in its order', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxInFlight: 2, maxItems: 200 });
    const first = b.submitMany('acct', null, [1, 2]);
    const second = b.submitMany('acct', null, [3]);
    // Both slots are taken: these two wait and then go together.
    const third = b.submitMany('acct', null, [4, 5, 6]);
    const fourth = b.submit('acct', null, 7);
    await new Promise((r2) => setTimeout(r2, 10));
    r.release();
    expect(await Promise.all([first, second, third, fourth])).toEqual([[10, 20], [30], [40, 50, 60], 70]);
    expect(r.batches).toEqual([[1, 2], [3], [4, 5, 6, 7]]);
  });

  it('tries each caller of a failed merged batch alone, so only the failing one fails', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxInFlight: 1, maxItems: 200 });
    const busy = b.submitMany('acct', null, [1]);
    const good = b.submitMany('acct', null, [2, 3]);
    const bad = b.submitMany('acct', null, [-1]);
    r.release();
    await busy;
    expect(await good).toEqual([20, 30]);
    await expect(bad).rejects.toThrow('a refused batch');
    expect(r.batches).toEqual([[1], [2, 3, -1], [2, 3], [-1]]);
  });

  it('sends a caller’s items beyond the batch size in batches of that size, in order', async () => {
    const r = recorder();
    r.release();
    const b = new Batcher(r.run, { maxItems: 3 });
    expect(await b.submitMany('acct', null, [1, 2, 3, 4, 5, 6, 7])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(r.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });
});
