import { describe, expect, it } from 'vitest';
import { createMemoryContext } from './conformance/memory-context.ts';
import { budgetHoldReason, budgetState, meteringProblems, nextMonthStart, unmeteredMeter, usageMonth } from './usage.ts';

const metering = {
  currency: 'USD',
  kinds: { post_read: { label: 'Posts read', unitPrice: 0.005 }, dm_sent: { label: 'DMs sent', unitPrice: 0.015 } },
};

describe('budget states', () => {
  it('warns from 80% and is exhausted at 100%, exactly at the boundaries', () => {
    expect(budgetState(39.99, 50)).toBe('ok');
    expect(budgetState(40, 50)).toBe('warning');
    expect(budgetState(0.08, 0.1)).toBe('warning');
    expect(budgetState(49.999999, 50)).toBe('warning');
    expect(budgetState(50, 50)).toBe('exhausted');
    expect(budgetState(1e6, null)).toBe('ok');
    expect(budgetState(0, 0)).toBe('exhausted');
  });

  it('counts months in UTC, and the year turns after December', () => {
    expect(usageMonth(new Date('2026-03-31T23:59:59.999Z'))).toBe('2026-03');
    expect(usageMonth(new Date('2026-04-01T00:00:00+02:00'))).toBe('2026-03');
    expect(nextMonthStart('2026-12').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextMonthStart('2026-02').toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('says why a reply waits', () => {
    const status = { month: '2026-03', spent: 50.2, budget: 50, currency: 'USD', state: 'exhausted' as const };
    expect(budgetHoldReason(status)).toBe('Waiting for budget: the monthly budget of 50.00 USD is spent');
  });

  it('names what is wrong with a metering declaration', () => {
    expect(meteringProblems(metering)).toEqual([]);
    expect(meteringProblems({ currency: 'usd', kinds: { 'Posts Read': { label: '', unitPrice: -1 } } })).toEqual([
      'currency "usd" is not an ISO 4217 code',
      'kind "Posts Read" is not a lower-case id',
      'kind Posts Read has no label',
      'kind Posts Read has no valid unit price',
    ]);
  });

  it('meters nothing for an adapter without metering', async () => {
    const meter = unmeteredMeter(() => new Date('2026-05-02T10:00:00Z'));
    expect(await meter.record('anything', 1000)).toEqual({ month: '2026-05', spent: 0, budget: null, currency: '', state: 'ok' });
  });
});

describe('the memory context’s meter', () => {
  it('prices usage, follows a budget a test sets, and starts a new month at zero', async () => {
    let now = new Date('2026-01-31T23:00:00Z');
    const ctx = createMemoryContext({ metering, budget: 0.05, now: () => now });
    expect(await ctx.usage.record('post_read', 6)).toMatchObject({ spent: 0.03, budget: 0.05, state: 'ok' });
    expect((await ctx.usage.record('post_read', 2)).state).toBe('warning');
    ctx.setUnitPrice('dm_sent', 0.1);
    expect(await ctx.usage.record('dm_sent', 1)).toMatchObject({ spent: 0.14, state: 'exhausted', currency: 'USD' });
    expect(ctx.usageRecords.map((r) => [r.kind, r.units, r.cost])).toEqual([
      ['post_read', 6, 0.03],
      ['post_read', 2, 0.01],
      ['dm_sent', 1, 0.1],
    ]);
    ctx.setBudget(null);
    expect((await ctx.usage.status()).state).toBe('ok');
    ctx.setBudget(0.01);
    now = new Date('2026-02-01T00:00:00Z');
    expect(await ctx.usage.status()).toEqual({ month: '2026-02', spent: 0, budget: 0.01, currency: 'USD', state: 'ok' });
    await expect(ctx.usage.record('post_create', 1)).rejects.toThrow(/does not declare/);
    await expect(ctx.usage.record('post_read', 1.5)).rejects.toThrow(RangeError);
  });
});
