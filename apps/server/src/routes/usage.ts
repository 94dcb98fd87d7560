import { type ChannelAdapter, usageMonth } from '@centralita/channel-kit';
import { CentralitaError } from '@centralita/core';
import { type ChannelAccountRecord, conversationCost, findChannelAccount } from '@centralita/db';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { labelOf } from '../services/usage.ts';
import { actorOf, visibleConversation } from './access.ts';

const MONTH = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
/** Amounts are kept to a millionth; anything past 10^12 is a typing mistake, not a budget. */
const AMOUNT = z.number().finite().min(0).max(1e12);

/** The `months` months that end with `last`, newest first: '2026-03', '2026-02', ... */
function monthsEnding(last: string, months: number): string[] {
  const [year, month] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: months }, (_, i) => usageMonth(new Date(Date.UTC(year, month - 1 - i, 1))));
}

/** A workspace's account and its installed adapter, or a 404 that names it. */
async function accountOf(
  ctx: AppContext,
  workspaceId: string,
  id: string,
): Promise<{ account: ChannelAccountRecord; adapter: ChannelAdapter }> {
  const account = await findChannelAccount(ctx.db.kysely, id);
  if (!account || account.workspaceId !== workspaceId)
    throw new CentralitaError('not_found', `No channel account ${id} in this workspace.`);
  const adapter = ctx.channels.adapter(account.kind);
  if (!adapter) throw new CentralitaError('not_found', `The ${account.kind} channel is not installed on this server.`);
  return { account, adapter };
}

/** What a metered account used and spent, month by month, and its monthly budget. */
export function registerUsageRoutes(api: ApiRegistry, ctx: AppContext): void {
  api.add({
    method: 'get',
    path: '/conversations/:id/cost',
    tag: 'conversations',
    role: 'agent',
    summary:
      'What the conversation cost on metered channels (WhatsApp messages by category and market, X posts): each line with its units and ' +
      'cost as recorded, and the total per currency. Empty for a conversation that cost nothing.',
    handler: async ({ principal, params }) => {
      await visibleConversation(ctx, principal, params.id as string);
      return costOf(ctx, principal.workspaceId, params.id as string);
    },
  });

  api.add({
    method: 'get',
    path: '/channel-accounts/:id/usage',
    tag: 'channels',
    role: 'supervisor',
    summary:
      "A metered account's usage in a month (this one by default): per kind its units, the account's unit price and the cost, " +
      'the total against the monthly budget and its state (warning from 80%, exhausted at 100%). `months` adds the months before it ' +
      'as `history`, newest first; `events` are the budget notices and changes, newest first.',
    query: z.object({
      month: MONTH.optional(),
      months: z.coerce.number().int().min(1).max(24).default(1),
    }),
    handler: async ({ principal, params, query }) => usageOf(ctx, principal.workspaceId, params.id as string, query),
  });

  api.add({
    method: 'put',
    path: '/channel-accounts/:id/budget',
    tag: 'channels',
    role: 'admin',
    summary:
      "Sets a metered account's monthly budget (null: none) and, when given, its unit prices by usage kind in place of the list " +
      'prices (a kind left out costs its list price). When the month is no longer exhausted, replies held for the budget go out at once.',
    body: z.strictObject({
      monthlyBudget: AMOUNT.nullable(),
      unitPrices: z.record(z.string().min(1).max(50), AMOUNT).optional(),
    }),
    async handler({ principal, params, body }) {
      const { account, adapter } = await accountOf(ctx, principal.workspaceId, params.id as string);
      const input = { monthlyBudget: body.monthlyBudget, unitPrices: body.unitPrices };
      const saved = await ctx.usage.setBudget(account, adapter, input, actorOf(principal));
      return {
        budget: { monthlyBudget: body.monthlyBudget, currency: saved.usage.currency, unitPrices: saved.unitPrices },
        usage: saved.usage,
        released: saved.released,
      };
    },
  });
}

/** What one conversation cost on metered channels, line by line, with totals per currency. */
async function costOf(ctx: AppContext, workspaceId: string, conversationId: string) {
  const lines = await conversationCost(ctx.db.kysely, workspaceId, conversationId);
  const kinds = new Map<string, string>();
  for (const id of new Set(lines.map((l) => l.channelAccountId))) {
    const account = await findChannelAccount(ctx.db.kysely, id);
    if (account) kinds.set(id, account.kind);
  }
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.currency, (totals.get(l.currency) ?? 0) + Math.round(l.cost * 1_000_000));
  return {
    conversationId,
    lines: lines.map((l) => {
      const metering = ctx.channels.adapter(kinds.get(l.channelAccountId) ?? '')?.metering;
      return { ...l, label: metering ? labelOf(metering, l.kind) : l.kind };
    }),
    totals: [...totals].map(([currency, micros]) => ({ currency, cost: micros / 1_000_000 })),
  };
}

/** The usage answer: the asked month at the top, with its history and notices. */
export async function usageOf(ctx: AppContext, workspaceId: string, id: string, query: { month?: string | undefined; months: number }) {
  const { account, adapter } = await accountOf(ctx, workspaceId, id);
  const month = query.month ?? usageMonth(ctx.clock());
  const report = await ctx.usage.report(account, adapter, monthsEnding(month, query.months));
  const [asked, ...earlier] = report.months;
  if (!asked) throw new Error('a usage report without its month');
  const summary = (m: typeof asked) => ({
    month: m.month,
    kinds: m.kinds,
    total: m.spent,
    budget: m.budget,
    currency: m.currency,
    state: m.state,
  });
  return {
    channelAccountId: account.id,
    ...summary(asked),
    unitPrices: report.unitPrices,
    history: [asked, ...earlier].map(summary),
    events: report.events.map((e) => ({ id: e.id, type: e.type, actor: e.actor, data: e.data, createdAt: e.createdAt })),
  };
}
