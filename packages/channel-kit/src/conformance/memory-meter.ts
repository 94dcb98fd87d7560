import {
  budgetState,
  type ChannelMetering,
  fromMicros,
  marketOf,
  toMicros,
  type UsageMeter,
  type UsageStatus,
  unitPriceFor,
  usageMonth,
} from '../usage.ts';

/** One `record` call as the memory meter kept it, with the price it was counted at. */
export interface UsageRecord {
  month: string;
  kind: string;
  units: number;
  unitPrice: number;
  cost: number;
  market: string | null;
  conversationId: string | null;
}

/** A usage meter in memory whose budget and prices a test sets, to drive an adapter into each budget state. */
export interface MemoryMeter extends UsageMeter {
  /** Every recorded call, in order. */
  readonly records: readonly UsageRecord[];
  /** The monthly budget from now on; null for none. */
  setBudget(amount: number | null): void;
  /** The price of one unit of `kind` (or `kind@MARKET`) from now on (an account's override of the list price). */
  setUnitPrice(kind: string, price: number): void;
}

/**
 * The host's ledger, in memory: prices are the metering's list prices unless set, the month is
 * the clock's UTC month (a new month starts at zero), and states follow the budget. Without a
 * metering declaration any kind is taken, at price 0 unless set, so the conformance suite can run
 * a metered adapter without knowing its kinds; with one, an undeclared kind is refused as the
 * host refuses it.
 */
export function createMemoryMeter(options: { now: () => Date; metering?: ChannelMetering; budget?: number | null }): MemoryMeter {
  const records: UsageRecord[] = [];
  const own: Record<string, number> = {};
  let budget = options.budget ?? null;
  const currency = options.metering?.currency ?? '';
  const status = (): UsageStatus => {
    const month = usageMonth(options.now());
    const micros = records.filter((r) => r.month === month).reduce((sum, r) => sum + toMicros(r.cost), 0);
    const spent = fromMicros(micros);
    return { month, spent, budget, currency, state: budgetState(spent, budget) };
  };
  return {
    records,
    setBudget(amount) {
      budget = amount;
    },
    setUnitPrice(kind, price) {
      own[kind] = price;
    },
    async record(kind, units, context) {
      if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`Usage is counted in whole units; got ${units} ${kind}.`);
      if (options.metering && !(kind in options.metering.kinds)) {
        throw new Error(`The adapter recorded usage of "${kind}", which its metering does not declare.`);
      }
      const market = marketOf(context?.market);
      const unitPrice = unitPriceFor(kind, market, options.metering?.kinds[kind], own);
      records.push({
        month: usageMonth(options.now()),
        kind,
        units,
        unitPrice,
        cost: fromMicros(toMicros(unitPrice) * units),
        market,
        conversationId: context?.conversationId ?? null,
      });
      return status();
    },
    async status() {
      return status();
    },
  };
}
