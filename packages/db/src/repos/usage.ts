import type { Actor } from '@centralita/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Which account a ledger call is about. */
export interface UsageAccount {
  workspaceId: string;
  channelAccountId: string;
}

/** One `record`: `units` of `kind` in `month`, at `unitPrice` each. */
export interface UsageEntry {
  month: string;
  kind: string;
  units: number;
  unitPrice: number;
  currency: string;
  /** The conversation it was spent on, whose own total it is added to as well. */
  conversationId?: string | null;
}

/**
 * Adds usage to the ledger and returns the account's total spent that month, after it. One
 * statement: the kind's row and the month's total are upserted together, and the total's row
 * lock orders concurrent recorders (on any node), so each sees the sum its own record made. The
 * cost is the units at the price given, fixed now: a later price change does not rewrite it.
 */
export async function recordUsage(db: Kysely<Database>, where: UsageAccount, entry: UsageEntry): Promise<number> {
  // Prices cross as text so numeric multiplies the decimal the caller meant, not its binary float.
  const price = String(entry.unitPrice);
  const { rows } = await sql<{ spent: string }>`
    WITH kind_row AS (
      INSERT INTO channel_usage (workspace_id, channel_account_id, month, kind, units, cost)
      VALUES (${where.workspaceId}, ${where.channelAccountId}, ${entry.month}, ${entry.kind}, ${entry.units},
        ${entry.units}::numeric * ${price}::numeric)
      ON CONFLICT (channel_account_id, month, kind) DO UPDATE
        SET units = channel_usage.units + EXCLUDED.units, cost = channel_usage.cost + EXCLUDED.cost
    ), conversation_row AS (
      -- A conversation of another workspace (or none) adds nothing here.
      INSERT INTO conversation_usage (workspace_id, conversation_id, channel_account_id, kind, currency, units, cost)
      SELECT ${where.workspaceId}, c.id, ${where.channelAccountId}, ${entry.kind}, ${entry.currency}, ${entry.units},
        ${entry.units}::numeric * ${price}::numeric
      FROM conversations c WHERE c.id = ${entry.conversationId ?? null}::uuid AND c.workspace_id = ${where.workspaceId}
      ON CONFLICT (conversation_id, channel_account_id, kind) DO UPDATE
        SET units = conversation_usage.units + EXCLUDED.units, cost = conversation_usage.cost + EXCLUDED.cost
    )
    INSERT INTO channel_usage_months (workspace_id, channel_account_id, month, currency, spent)
    VALUES (${where.workspaceId}, ${where.channelAccountId}, ${entry.month}, ${entry.currency},
      ${entry.units}::numeric * ${price}::numeric)
    ON CONFLICT (channel_account_id, month) DO UPDATE SET spent = channel_usage_months.spent + EXCLUDED.spent
    RETURNING spent`.execute(db);
  return Number(rows[0]?.spent ?? 0);
}

/** What an account spent in a month so far (0 before its first record). */
export async function monthSpent(db: Kysely<Database>, channelAccountId: string, month: string): Promise<number> {
  const row = await db
    .selectFrom('channel_usage_months')
    .select('spent')
    .where('channel_account_id', '=', channelAccountId)
    .where('month', '=', month)
    .executeTakeFirst();
  return Number(row?.spent ?? 0);
}

/** What each account of a workspace spent in a month, by account id (absent: nothing yet). */
export async function monthSpentByAccount(db: Kysely<Database>, workspaceId: string, month: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('channel_usage_months')
    .select(['channel_account_id', 'spent'])
    .where('workspace_id', '=', workspaceId)
    .where('month', '=', month)
    .execute();
  return new Map(rows.map((r) => [r.channel_account_id, Number(r.spent)]));
}

/** One kind's line of a month. */
export interface UsageLine {
  month: string;
  kind: string;
  units: number;
  cost: number;
}

/** An account's usage by kind in the given months, oldest month first. */
export async function usageLines(db: Kysely<Database>, where: UsageAccount, months: readonly string[]): Promise<UsageLine[]> {
  if (months.length === 0) return [];
  const rows = await db
    .selectFrom('channel_usage')
    .select(['month', 'kind', 'units', 'cost'])
    .where('workspace_id', '=', where.workspaceId)
    .where('channel_account_id', '=', where.channelAccountId)
    .where('month', 'in', [...months])
    .orderBy('month')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({ month: r.month, kind: r.kind, units: Number(r.units), cost: Number(r.cost) }));
}

/** An account's budget settings: null budget for none, and its own prices where they differ from the list. */
export interface BudgetSettings {
  monthlyBudget: number | null;
  currency: string;
  unitPrices: Record<string, number>;
  updatedAt: Date;
}

function toSettings(r: { monthly_budget: string | null; currency: string; unit_prices: Record<string, number>; updated_at: Date }) {
  return {
    monthlyBudget: r.monthly_budget === null ? null : Number(r.monthly_budget),
    currency: r.currency,
    unitPrices: r.unit_prices,
    updatedAt: r.updated_at,
  } satisfies BudgetSettings;
}

/** The budget settings of each account of a workspace that has them, by account id. */
export async function listBudgetSettings(db: Kysely<Database>, workspaceId: string): Promise<Map<string, BudgetSettings>> {
  const rows = await db.selectFrom('channel_account_budgets').selectAll().where('workspace_id', '=', workspaceId).execute();
  return new Map(rows.map((r) => [r.channel_account_id, toSettings(r)]));
}

/** One account's budget settings, or null when none were ever saved (no budget, list prices). */
export async function findBudgetSettings(db: Kysely<Database>, channelAccountId: string): Promise<BudgetSettings | null> {
  const row = await db
    .selectFrom('channel_account_budgets')
    .selectAll()
    .where('channel_account_id', '=', channelAccountId)
    .executeTakeFirst();
  return row ? toSettings(row) : null;
}

/** Replaces an account's budget settings. */
export async function saveBudgetSettings(
  db: Kysely<Database>,
  where: UsageAccount,
  settings: { monthlyBudget: number | null; currency: string; unitPrices: Record<string, number> },
  at: Date,
): Promise<BudgetSettings> {
  const values = {
    monthly_budget: settings.monthlyBudget === null ? null : String(settings.monthlyBudget),
    currency: settings.currency,
    unit_prices: JSON.stringify(settings.unitPrices),
    updated_at: at,
  };
  const row = await db
    .insertInto('channel_account_budgets')
    .values({ channel_account_id: where.channelAccountId, workspace_id: where.workspaceId, ...values })
    .onConflict((oc) => oc.column('channel_account_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSettings(row);
}

/** An entry of an account's own event log (budget notices, budget changes). */
export interface AccountEvent {
  id: string;
  seq: string;
  workspaceId: string;
  channelAccountId: string;
  type: string;
  actor: { type: 'user' | 'api_token' | 'system'; id: string | null };
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Appends one event to an account's log. With `onceKey`, only the first append of that key for
 * the account writes anything, across every node at once; later ones return null. That is what
 * makes a budget notice announced once.
 */
export async function appendAccountEvent(
  db: Kysely<Database>,
  e: UsageAccount & { type: string; actor: Actor; data: Record<string, unknown>; onceKey?: string },
): Promise<AccountEvent | null> {
  if (e.actor.type === 'contact') throw new Error('A contact acts on conversations, not on channel accounts.');
  const row = await db
    .insertInto('channel_account_events')
    .values({
      workspace_id: e.workspaceId,
      channel_account_id: e.channelAccountId,
      type: e.type,
      actor_type: e.actor.type,
      actor_id: e.actor.id,
      data: JSON.stringify(e.data),
      once_key: e.onceKey ?? null,
    })
    .onConflict((oc) => oc.columns(['channel_account_id', 'once_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toAccountEvent(row) : null;
}

/** An account's events, newest first, optionally of some types only. */
export async function listAccountEvents(
  db: Kysely<Database>,
  where: UsageAccount,
  opts: { types?: readonly string[]; limit: number },
): Promise<AccountEvent[]> {
  let q = db
    .selectFrom('channel_account_events')
    .selectAll()
    .where('workspace_id', '=', where.workspaceId)
    .where('channel_account_id', '=', where.channelAccountId)
    .orderBy('seq', 'desc')
    .limit(opts.limit);
  if (opts.types?.length) q = q.where('type', 'in', [...opts.types]);
  return (await q.execute()).map(toAccountEvent);
}

function toAccountEvent(r: {
  id: string;
  seq: string;
  workspace_id: string;
  channel_account_id: string;
  type: string;
  actor_type: 'user' | 'api_token' | 'system';
  actor_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}): AccountEvent {
  return {
    id: r.id,
    seq: String(r.seq),
    workspaceId: r.workspace_id,
    channelAccountId: r.channel_account_id,
    type: r.type,
    actor: { type: r.actor_type, id: r.actor_id },
    data: r.data,
    createdAt: r.created_at,
  };
}

/** What a conversation cost, by account and kind, in the order the kinds were first spent. */
export interface ConversationCostLine {
  channelAccountId: string;
  kind: string;
  currency: string;
  units: number;
  cost: number;
}

export async function conversationCost(db: Kysely<Database>, workspaceId: string, conversationId: string): Promise<ConversationCostLine[]> {
  const rows = await db
    .selectFrom('conversation_usage')
    .select(['channel_account_id', 'kind', 'currency', 'units', 'cost'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('channel_account_id')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({
    channelAccountId: r.channel_account_id,
    kind: r.kind,
    currency: r.currency,
    units: Number(r.units),
    cost: Number(r.cost),
  }));
}
