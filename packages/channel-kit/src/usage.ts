/**
 * Usage metering: what a channel's provider charges for (X: posts read, DMs sent; WhatsApp:
 * conversations opened) counted per account and month, priced, and held against a monthly
 * budget. The adapter declares the kinds and their list prices (`ChannelAdapter.metering`) and
 * records through `ctx.usage`; the host keeps the ledger, applies each account's own prices and
 * budget, tells admins at 80% and 100%, and holds replies while the budget is spent.
 */

/** One priced kind of usage an adapter meters (X: posts read, DMs sent), with its list price. */
export interface UsageKind {
  /** What an administrator reads in the usage table: 'Posts read'. */
  label: string;
  /** The provider's list price of one unit, in the metering's currency; an account may override it. */
  unitPrice: number;
  /**
   * List prices that differ by market (WhatsApp prices by the recipient's country), by ISO
   * 3166-1 code; a market not named here costs `unitPrice`. An account may override one market as
   * `kind@MARKET` in its own prices.
   */
  marketPrices?: Readonly<Record<string, number>>;
}

/** Where one recorded use belongs beyond its account and month. */
export interface UsageContext {
  /** The market it is priced in (the recipient's country, ISO 3166-1): `ES`. */
  market?: string | null;
  /** The conversation it was spent on, so its cost shows on the conversation. */
  conversationId?: string | null;
}

/** What an adapter meters: its currency and its kinds by stable id (`post_read`, `dm_sent`). */
export interface ChannelMetering {
  /** ISO 4217 code the prices and budgets are in: 'USD'. */
  currency: string;
  kinds: Readonly<Record<string, UsageKind>>;
}

/** Where a month's spending stands against its budget: `warning` from 80%, `exhausted` at 100%. */
export type BudgetState = 'ok' | 'warning' | 'exhausted';

/** One account's month so far. */
export interface UsageStatus {
  /** 'YYYY-MM', in UTC. */
  month: string;
  spent: number;
  /** The monthly budget; null for none (never exhausted). */
  budget: number | null;
  /** Empty for an adapter that meters nothing. */
  currency: string;
  state: BudgetState;
}

/** What an adapter counts its usage through (`ctx.usage`). */
export interface UsageMeter {
  /**
   * Counts `units` of a declared kind this month at the account's price for it; the month's
   * status after it. Never rejects for budget reasons: a call the provider already answered was
   * spent whatever the budget says. Rejects for a kind the adapter did not declare.
   */
  record(kind: string, units: number, context?: UsageContext): Promise<UsageStatus>;
  /** The month's status without recording anything (check before a pull). */
  status(): Promise<UsageStatus>;
}

/** A market as the ledger names it: an ISO 3166-1 alpha-2 code, upper case; anything else is none. */
export function marketOf(market: string | null | undefined): string | null {
  const m = market?.trim().toUpperCase();
  return m && /^[A-Z]{2}$/.test(m) ? m : null;
}

/**
 * What one unit costs: the account's own price for the kind in this market (`kind@ES`), else its
 * own for the kind, else the list price for the market, else the list price.
 */
export function unitPriceFor(
  kind: string,
  market: string | null | undefined,
  list: UsageKind | undefined,
  own: Readonly<Record<string, number>>,
): number {
  const m = marketOf(market);
  if (m && own[`${kind}@${m}`] !== undefined) return own[`${kind}@${m}`] as number;
  if (own[kind] !== undefined) return own[kind] as number;
  if (m && list?.marketPrices?.[m] !== undefined) return list.marketPrices[m] as number;
  return list?.unitPrice ?? 0;
}

/** The ledger row a use is counted under: its kind, or `kind@MARKET` when it was priced by market. */
export function ledgerKind(kind: string, market: string | null | undefined): string {
  const m = marketOf(market);
  return m ? `${kind}@${m}` : kind;
}

/** The share of the budget from which the month is in `warning`. */
export const BUDGET_WARNING_RATIO = 0.8;

/** Money is kept to a millionth of the currency unit: list prices go down to a tenth of a cent. */
const MICROS = 1_000_000;

/** An amount as whole millionths, so sums and comparisons are exact. */
export function toMicros(amount: number): number {
  return Math.round(amount * MICROS);
}

/** Whole millionths back to an amount. */
export function fromMicros(micros: number): number {
  return micros / MICROS;
}

/** The state `spent` puts a month in against `budget` (null: no budget, always ok). */
export function budgetState(spent: number, budget: number | null): BudgetState {
  if (budget === null) return 'ok';
  const s = toMicros(spent);
  const b = toMicros(budget);
  if (s >= b) return 'exhausted';
  // 80% as integers (s/b >= 4/5), so 40.00 of 50.00 is a warning however floats round.
  return s * 5 >= b * 4 ? 'warning' : 'ok';
}

/** The UTC month of an instant: '2026-03'. */
export function usageMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The instant a month ends and the next begins (UTC midnight of its first day). */
export function nextMonthStart(month: string): Date {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, mon, 1));
}

/** An amount with two decimals and its currency: '50.00 USD'. */
export function formatMoney(amount: number, currency: string): string {
  return `${amount.toFixed(2)}${currency ? ` ${currency}` : ''}`;
}

/**
 * The sentence a reply held by a spent budget carries, and what an adapter that pauses its
 * pulls may report: "Waiting for budget: the monthly budget of 50.00 USD is spent".
 */
export function budgetHoldReason(status: UsageStatus): string {
  const budget = status.budget === null ? 'the monthly budget' : `the monthly budget of ${formatMoney(status.budget, status.currency)}`;
  return `Waiting for budget: ${budget} is spent`;
}

/** What is wrong with a metering declaration, in words, or an empty list (the host checks it). */
export function meteringProblems(metering: ChannelMetering): string[] {
  const problems: string[] = [];
  if (!/^[A-Z]{3}$/.test(metering.currency)) problems.push(`currency ${JSON.stringify(metering.currency)} is not an ISO 4217 code`);
  const kinds = Object.entries(metering.kinds);
  if (kinds.length === 0) problems.push('no kinds');
  for (const [kind, k] of kinds) {
    if (!/^[a-z][a-z0-9_]{0,49}$/.test(kind)) problems.push(`kind ${JSON.stringify(kind)} is not a lower-case id`);
    if (typeof k.label !== 'string' || k.label.trim() === '') problems.push(`kind ${kind} has no label`);
    if (!Number.isFinite(k.unitPrice) || k.unitPrice < 0) problems.push(`kind ${kind} has no valid unit price`);
  }
  return problems;
}

/** The meter of an adapter that meters nothing: it records nothing, and the month is always ok. */
export function unmeteredMeter(now: () => Date): UsageMeter {
  const status = async (): Promise<UsageStatus> => ({ month: usageMonth(now()), spent: 0, budget: null, currency: '', state: 'ok' });
  return { record: status, status };
}
