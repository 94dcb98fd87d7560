import { queryOptions } from '@tanstack/react-query';
import { client, data } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import type { UsageReport } from '../../api/types.ts';

/** A metered account's month: per kind its units, price and cost, the total against the budget. */
export const usageQuery = (accountId: string, month: string) =>
  queryOptions({
    queryKey: keys.usage(accountId, month),
    queryFn: () =>
      data<UsageReport>(client.GET('/api/v1/channel-accounts/{id}/usage', { params: { path: { id: accountId }, query: { month } } })),
    staleTime: 10_000,
  });

/** The UTC month of an instant, as the ledger keys it: '2026-03'. */
export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** This month and the `count - 1` before it, newest first. */
export function recentMonths(now: Date, count = 12): string[] {
  return Array.from({ length: count }, (_, i) => monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1))));
}

/** "March 2026" in the console's language. */
export function monthLabel(month: string, lang: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, mon - 1, 1)));
}

/** An amount in its currency, with as many decimals as a unit price needs (0.005 USD stays 0.005). */
export function money(amount: number, currency: string, lang: string, options: { price?: boolean } = {}): string {
  if (!currency) return amount.toLocaleString(lang);
  return new Intl.NumberFormat(lang, {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: options.price ? 6 : 2,
  }).format(amount);
}

/** How much of the budget is spent, in whole percent (null without a budget). */
export function percentSpent(spent: number, budget: number | null): number | null {
  if (budget === null) return null;
  // A budget of nothing is spent from the start (the ledger calls it exhausted).
  if (budget === 0) return 100;
  return Math.floor((spent / budget) * 100);
}
