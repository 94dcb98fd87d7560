import {
  BUDGET_WARNING_RATIO,
  budgetState,
  type ChannelAdapter,
  type ChannelMetering,
  formatMoney,
  ledgerKind,
  toMicros,
  type UsageMeter,
  type UsageStatus,
  unitPriceFor,
  unmeteredMeter,
  usageMonth,
} from '@centralita/channel-kit';
import { type Actor, CentralitaError } from '@centralita/core';
import {
  type AccountEvent,
  appendAccountEvent,
  type BudgetSettings,
  type Db,
  findBudgetSettings,
  getConversation,
  listAccountEvents,
  listBudgetSettings,
  monthSpent,
  monthSpentByAccount,
  recordUsage,
  releaseHeldMessages,
  saveBudgetSettings,
  usageLines,
} from '@centralita/db';
import type { AppLogger } from '../logger.ts';
import type { CommitStream } from '../pipeline/commits.ts';
import type { Realtime } from '../realtime/realtime.ts';

/** The account a ledger call is about. */
export interface MeteredAccount {
  id: string;
  workspaceId: string;
}

/** The two notices of a month, at 80% and at 100% of the budget. */
const THRESHOLDS = [
  { ratio: BUDGET_WARNING_RATIO, state: 'warning', type: 'channel_account.budget_warning' },
  { ratio: 1, state: 'exhausted', type: 'channel_account.budget_exhausted' },
] as const;

/** Account event types the usage report lists. */
const USAGE_EVENTS = [...THRESHOLDS.map((t) => t.type), 'channel_account.budget_changed'];

/** One kind's line in the usage report. */
export interface UsageReportLine {
  kind: string;
  label: string;
  units: number;
  /** The account's price for one unit now (what the next record costs). */
  unitPrice: number;
  /** What this month's units cost, each at the price in force when it was recorded. */
  cost: number;
}

/** An account's month: its kinds, total, budget and state. */
export interface UsageMonthReport extends UsageStatus {
  kinds: UsageReportLine[];
}

/** What the node's usage ledger needs. */
export interface UsageDeps {
  db: Db;
  clock: () => Date;
  logger: AppLogger;
  commits: CommitStream;
  realtime: Pick<Realtime, 'account'>;
}

/**
 * The usage ledger of metered channel accounts (docs/decisions/0019-usage-ledger.md). Adapters
 * record through `meter` (their `ctx.usage`); the send job asks `status` before sending; the API
 * reads `report` and changes budgets with `setBudget`. Crossing 80% or 100% of a budget is written
 * to the account's event log once per month and budget, whichever node crosses it, and told to
 * supervisors and admins.
 */
export class UsageService {
  /** Notices this node already wrote or saw written: no statement for them at every record. */
  readonly #announced = new Set<string>();

  constructor(private readonly deps: UsageDeps) {}

  /** The meter an account's adapter records through: its `ctx.usage`. */
  meter(account: MeteredAccount, adapter: ChannelAdapter): UsageMeter {
    const metering = adapter.metering;
    if (!metering) return unmeteredMeter(this.deps.clock);
    return {
      record: async (kind, units, context) => {
        if (!(kind in metering.kinds)) {
          throw new Error(`The ${adapter.kind} adapter recorded usage of "${kind}", which its metering does not declare.`);
        }
        if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`Usage is counted in whole units; got ${units} ${kind}.`);
        const month = usageMonth(this.deps.clock());
        const settings = await findBudgetSettings(this.deps.db.kysely, account.id);
        const spent =
          units === 0
            ? await monthSpent(this.deps.db.kysely, account.id, month)
            : await recordUsage(
                this.deps.db.kysely,
                { workspaceId: account.workspaceId, channelAccountId: account.id },
                {
                  month,
                  // A market-priced use has its own line (`template_utility@ES`), so the month shows each price it was counted at.
                  kind: ledgerKind(kind, context?.market),
                  units,
                  unitPrice: unitPriceFor(kind, context?.market, metering.kinds[kind], settings?.unitPrices ?? {}),
                  currency: metering.currency,
                  conversationId: context?.conversationId ?? null,
                },
              );
        const status = statusOf(month, spent, settings, metering);
        await this.#announce(account, status);
        return status;
      },
      status: () => this.status(account, adapter) as Promise<UsageStatus>,
    };
  }

  /** An account's month so far; null for an adapter that meters nothing. */
  async status(account: MeteredAccount, adapter: ChannelAdapter): Promise<UsageStatus | null> {
    if (!adapter.metering) return null;
    const month = usageMonth(this.deps.clock());
    const [settings, spent] = await Promise.all([
      findBudgetSettings(this.deps.db.kysely, account.id),
      monthSpent(this.deps.db.kysely, account.id, month),
    ]);
    return statusOf(month, spent, settings, adapter.metering);
  }

  /** The month's status of each metered account of a workspace (two statements for all), by id. */
  async statuses(
    workspaceId: string,
    accounts: readonly { id: string; adapter: ChannelAdapter | undefined }[],
  ): Promise<Map<string, UsageStatus>> {
    const out = new Map<string, UsageStatus>();
    if (!accounts.some((a) => a.adapter?.metering)) return out;
    const month = usageMonth(this.deps.clock());
    const [settings, spent] = await Promise.all([
      listBudgetSettings(this.deps.db.kysely, workspaceId),
      monthSpentByAccount(this.deps.db.kysely, workspaceId, month),
    ]);
    for (const a of accounts) {
      const metering = a.adapter?.metering;
      if (metering) out.set(a.id, statusOf(month, spent.get(a.id) ?? 0, settings.get(a.id) ?? null, metering));
    }
    return out;
  }

  /** An account's usage by kind for each of `months` (newest first), with its prices, budget and notices. */
  async report(
    account: MeteredAccount,
    adapter: ChannelAdapter,
    months: readonly string[],
  ): Promise<{ months: UsageMonthReport[]; unitPrices: Record<string, number>; events: AccountEvent[] }> {
    const metering = requireMetering(adapter);
    const where = { workspaceId: account.workspaceId, channelAccountId: account.id };
    const [settings, lines, events] = await Promise.all([
      findBudgetSettings(this.deps.db.kysely, account.id),
      usageLines(this.deps.db.kysely, where, months),
      listAccountEvents(this.deps.db.kysely, where, { types: USAGE_EVENTS, limit: 50 }),
    ]);
    const unitPrices = Object.fromEntries(priceKeys(metering, settings).map((k) => [k, priceOf(metering, settings, k)]));
    const reports = months.map((month) => {
      const mine = lines.filter((l) => l.month === month);
      // Every declared kind, in the adapter's order; a kind no longer declared still shows its cost.
      const kinds = [...new Set([...Object.keys(metering.kinds), ...mine.map((l) => l.kind)])].map((kind) => {
        const line = mine.find((l) => l.kind === kind);
        return {
          kind,
          label: labelOf(metering, kind),
          units: line?.units ?? 0,
          unitPrice: unitPrices[kind] ?? priceOf(metering, settings, kind),
          cost: line?.cost ?? 0,
        };
      });
      const spent = kinds.reduce((sum, k) => sum + toMicros(k.cost), 0) / 1_000_000;
      return { ...statusOf(month, spent, settings, metering), kinds };
    });
    return { months: reports, unitPrices, events };
  }

  /**
   * Sets an account's monthly budget (null: none) and, when given, its unit prices by kind (they
   * replace the earlier ones; a kind left out costs its list price). Unknown kinds are refused.
   * When the month is no longer exhausted, the account's held replies go out at once.
   */
  async setBudget(
    account: MeteredAccount,
    adapter: ChannelAdapter,
    input: { monthlyBudget: number | null; unitPrices?: Record<string, number> | undefined },
    actor: Actor,
  ): Promise<{ usage: UsageStatus; unitPrices: Record<string, number>; released: number }> {
    const metering = requireMetering(adapter);
    const unknown = Object.keys(input.unitPrices ?? {}).filter((k) => !isPriceKey(metering, k));
    if (unknown.length > 0) {
      const declared = Object.keys(metering.kinds).join(', ');
      throw new CentralitaError(
        'validation_failed',
        `${adapter.displayName} accounts meter ${declared} (a price for one market is kind@CC, such as ${Object.keys(metering.kinds)[0]}@ES); there is no usage kind ${unknown.map((k) => `"${k}"`).join(', ')}.`,
        unknown.map((k) => ({ path: `unitPrices.${k}`, message: `not a usage kind of ${adapter.displayName} (${declared})` })),
      );
    }
    const db = this.deps.db.kysely;
    const where = { workspaceId: account.workspaceId, channelAccountId: account.id };
    const before = await findBudgetSettings(db, account.id);
    const saved = await saveBudgetSettings(
      db,
      where,
      { monthlyBudget: input.monthlyBudget, currency: metering.currency, unitPrices: input.unitPrices ?? before?.unitPrices ?? {} },
      this.deps.clock(),
    );
    const usage = (await this.status(account, adapter)) as UsageStatus;
    const unitPrices = Object.fromEntries(priceKeys(metering, saved).map((k) => [k, priceOf(metering, saved, k)]));
    const changed = await appendAccountEvent(db, {
      ...where,
      type: 'channel_account.budget_changed',
      actor,
      data: { from: before?.monthlyBudget ?? null, to: saved.monthlyBudget, currency: metering.currency, unitPrices },
    });
    if (changed) this.deps.realtime.account(account.workspaceId, changed.type, { channelAccountId: account.id, usage, event: changed });
    // A budget below what is spent is crossed at once; a raised one is announced afresh.
    await this.#announce(account, usage);
    let released = 0;
    if (usage.state !== 'exhausted') {
      const messages = await releaseHeldMessages(db, where, actor);
      released = messages.length;
      for (const message of messages) {
        const conversation = await getConversation(db, account.workspaceId, message.conversationId);
        this.deps.commits.publish([{ kind: 'message', conversation, message, created: false }]);
      }
    }
    this.deps.logger.info(
      { channelAccountId: account.id, budget: saved.monthlyBudget, state: usage.state, released },
      'channel account budget set',
    );
    return { usage, unitPrices, released };
  }

  /**
   * Writes the 80% and 100% notices a status has reached and nobody wrote yet (for this month and
   * this budget), and tells supervisors and admins of the ones this call wrote. A notice is not
   * worth failing the adapter's call for: a database error is logged and tried at the next record.
   */
  async #announce(account: MeteredAccount, status: UsageStatus): Promise<void> {
    if (status.budget === null || status.state === 'ok') return;
    for (const t of THRESHOLDS) {
      if (t.state === 'exhausted' && status.state !== 'exhausted') continue;
      const onceKey = `budget:${status.month}:${t.state}:${toMicros(status.budget)}`;
      const memo = `${account.id}:${onceKey}`;
      if (this.#announced.has(memo)) continue;
      try {
        const event = await appendAccountEvent(this.deps.db.kysely, {
          workspaceId: account.workspaceId,
          channelAccountId: account.id,
          type: t.type,
          actor: { type: 'system', id: null },
          data: { month: status.month, spent: status.spent, budget: status.budget, currency: status.currency, threshold: t.ratio },
          onceKey,
        });
        this.#announced.add(memo);
        if (!event) continue;
        this.deps.logger.warn(
          { channelAccountId: account.id, month: status.month, spent: status.spent, budget: status.budget },
          t.state === 'exhausted'
            ? `the monthly budget of ${formatMoney(status.budget, status.currency)} is spent`
            : `${Math.round(t.ratio * 100)}% of the monthly budget is spent`,
        );
        this.deps.realtime.account(account.workspaceId, t.type, { channelAccountId: account.id, usage: status, event });
      } catch (err) {
        this.deps.logger.warn(
          { channelAccountId: account.id, error: err instanceof Error ? err.message : String(err) },
          'could not write the budget notice; trying again at the next record',
        );
      }
    }
  }
}

/** The account's price for one unit of `kind`: its own where set, else the adapter's list price. */
/** The account's price for one unit of a ledger line: `kind`, or `kind@MARKET` for a market-priced one. */
function priceOf(metering: ChannelMetering, settings: BudgetSettings | null, line: string): number {
  const [kind, market] = line.split('@') as [string, string | undefined];
  return unitPriceFor(kind, market, metering.kinds[kind], settings?.unitPrices ?? {});
}

/** The prices an account shows: every declared kind, then its own prices for single markets. */
function priceKeys(metering: ChannelMetering, settings: BudgetSettings | null): string[] {
  return [
    ...Object.keys(metering.kinds),
    ...Object.keys(settings?.unitPrices ?? {})
      .filter((k) => k.includes('@'))
      .sort(),
  ];
}

/** What an administrator reads for a ledger line: its kind's label, with the market when it has one. */
export function labelOf(metering: ChannelMetering, line: string): string {
  const [kind, market] = line.split('@') as [string, string | undefined];
  const label = metering.kinds[kind]?.label ?? kind;
  return market ? `${label} (${market})` : label;
}

/** Whether a price key names a declared kind, alone or in a market (`template_utility@ES`). */
function isPriceKey(metering: ChannelMetering, key: string): boolean {
  const [kind, market, ...rest] = key.split('@');
  return rest.length === 0 && kind !== undefined && kind in metering.kinds && (market === undefined || /^[A-Z]{2}$/.test(market));
}

function statusOf(month: string, spent: number, settings: BudgetSettings | null, metering: ChannelMetering): UsageStatus {
  const budget = settings?.monthlyBudget ?? null;
  return { month, spent, budget, currency: metering.currency, state: budgetState(spent, budget) };
}

function requireMetering(adapter: ChannelAdapter): ChannelMetering {
  if (!adapter.metering) throw new CentralitaError('not_found', `${adapter.displayName} accounts have no usage ledger.`);
  return adapter.metering;
}
