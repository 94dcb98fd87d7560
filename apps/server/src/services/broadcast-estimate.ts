import { type ChannelAdapter, formatMoney, fromMicros, renderTemplate, type TemplateChoice } from '@centralita/channel-kit';
import { CentralitaError, type Visibility } from '@centralita/core';
import {
  broadcastAudience,
  type ChannelAccountRecord,
  type Db,
  type Incident,
  listBudgetSettings,
  listChannelAccounts,
} from '@centralita/db';
import {
  type AccountTemplate,
  fits,
  laneRate,
  NO_ACCOUNT,
  type PlanAccount,
  type PlanContext,
  type PlannedRecipient,
  planRecipient,
  priceOf,
  refusesDuplicates,
} from './broadcast-plan.ts';
import { checkPlaceholders, recipientRef, recipientText, renderParameters } from './broadcast-text.ts';
import type { ReplyPlanner } from './reply-options.ts';
import type { TemplateCatalog } from './templates.ts';
import type { UsageService } from './usage.ts';

// A broadcast's plan and estimate: who gets what on which channel, at what pace and cost, and
// what a supervisor should know before sending (docs/incidents.md, "Broadcasts").

/** What a supervisor sends: the text (and variants), and the template for closed windows. */
export interface BroadcastInput {
  text: string;
  variants?: string[] | undefined;
  whatsappTemplate?: TemplateChoice | null | undefined;
  /** One standalone post from the brand's X account: not supported yet (the X channel only replies). */
  publicPost?: { channelAccountId: string; text?: string | undefined } | null | undefined;
  /** Messages a minute per channel account, over the defaults (broadcast-plan.ts DEFAULT_RATES). */
  rates?: Record<string, number> | undefined;
}

export interface PlanDeps {
  db: Db;
  clock(): Date;
  replies: Pick<ReplyPlanner, 'capabilities'>;
  templates: Pick<TemplateCatalog, 'resolve'>;
  usage: Pick<UsageService, 'statuses'>;
  adapter(kind: string): ChannelAdapter | undefined;
  parseConfig(account: ChannelAccountRecord, adapter: ChannelAdapter): unknown;
  settings: {
    /** Messages a minute by `kind` or `kind:visibility`, over DEFAULT_RATES (tests and benches go faster). */
    broadcastRates?: Record<string, number | null> | undefined;
    /** Recipients per fan-out transaction. @default 200 */
    broadcastChunk?: number | undefined;
  };
}

/** The workspace's active accounts whose channel is installed here and whose settings parse. */
export async function loadAccounts(deps: PlanDeps, workspaceId: string): Promise<Map<string, PlanAccount>> {
  const db = deps.db.kysely;
  const [list, budgets] = await Promise.all([listChannelAccounts(db, workspaceId), listBudgetSettings(db, workspaceId)]);
  const out = new Map<string, PlanAccount>();
  for (const account of list) {
    const adapter = deps.adapter(account.kind);
    if (!account.active || !adapter) continue;
    let config: unknown;
    try {
      config = deps.parseConfig(account, adapter);
    } catch {
      // Settings that no longer parse cannot send either: its recipients are skipped (NO_ACCOUNT).
      continue;
    }
    out.set(account.id, {
      account,
      adapter,
      caps: deps.replies.capabilities(account, adapter),
      config,
      prices: budgets.get(account.id)?.unitPrices ?? {},
    });
  }
  return out;
}

/** The chosen template on each account that has templates, or why it cannot be sent there. */
async function resolveTemplates(deps: PlanDeps, accounts: ReadonlyMap<string, PlanAccount>, choice: TemplateChoice | null | undefined) {
  const out = new Map<string, AccountTemplate>();
  if (!choice) return out;
  for (const a of accounts.values()) {
    if (!a.adapter.listTemplates) continue;
    try {
      const template = await deps.templates.resolve(a.account, choice);
      out.set(a.account.id, { template, choice: { ...choice, category: template.category } });
    } catch (err) {
      out.set(a.account.id, { error: `${a.account.name}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const errors = [...out.values()].flatMap((t) => ('error' in t ? [t.error] : []));
  // A template no account has is a mistake to say now, not thousands of skipped customers later.
  if (out.size > 0 && errors.length === out.size) {
    const message = `whatsappTemplate: ${errors.join(' ')}`;
    throw new CentralitaError('validation_failed', message, [{ field: 'whatsappTemplate', message }]);
  }
  return out;
}

/** Every live link planned, with the estimate of what it costs and how long it takes. */
export async function planBroadcast(
  deps: PlanDeps,
  incident: Incident,
  input: BroadcastInput,
): Promise<{ recipients: PlannedRecipient[]; estimate: BroadcastEstimate; templates: Map<string, AccountTemplate> }> {
  checkPlaceholders(input);
  const workspaceId = incident.workspaceId;
  const accounts = await loadAccounts(deps, workspaceId);
  for (const id of Object.keys(input.rates ?? {})) {
    if (!accounts.has(id)) {
      const message = `rates: ${id} is not an active channel account of this workspace.`;
      throw new CentralitaError('validation_failed', message, [{ field: `rates.${id}`, message }]);
    }
  }
  const templates = await resolveTemplates(deps, accounts, input.whatsappTemplate);
  const ctx: PlanContext = { accounts, templates, templateChosen: input.whatsappTemplate != null, now: deps.clock() };
  const audience = await broadcastAudience(deps.db.kysely, workspaceId, incident.id);
  const entries = audience.map((row, i): EstimatedRecipient => {
    const planned = planRecipient(row, ctx);
    const account = planned.channelAccountId ? accounts.get(planned.channelAccountId) : undefined;
    const none = { planned, account, micros: 0, currency: '', split: false };
    if (planned.skipReason || !account || !planned.visibility) return none;
    const t = planned.template ? templates.get(account.account.id) : undefined;
    const chosen = t && 'template' in t ? t : null;
    const facts = { name: row.name, ref: recipientRef(incident.number, i + 1), status: incident.statusText };
    const text = chosen
      ? renderTemplate(chosen.template, renderParameters(chosen.choice.parameters, facts))
      : recipientText(input, row.conversationId, facts, { unique: refusesDuplicates(account.account.kind, planned.visibility) });
    const fit = chosen ? ({ ok: true, split: false } as const) : fits(account, planned.visibility, text);
    if (!fit.ok) return { ...none, planned: { ...planned, skipReason: fit.reason } };
    const price = priceOf(account, { ...planned, visibility: planned.visibility, template: chosen?.choice ?? null, text });
    return { planned, account, micros: price.micros, currency: price.currency, split: fit.split };
  });
  const estimate = summarize(entries, (lane) => laneRate(lane, input.rates, deps.settings.broadcastRates));
  await budgetWarnings(deps, workspaceId, accounts, estimate);
  if ([input.text, ...(input.variants ?? [])].some((t) => t.includes('{status}')) && !incident.statusText.trim()) {
    estimate.warnings.push('The text uses {status}, but the incident has no status text yet: it would be left empty.');
  }
  return { recipients: entries.map((e) => e.planned), estimate, templates };
}

/** Accounts whose budget is spent, or would be by this broadcast: their messages wait until it is raised. */
async function budgetWarnings(
  deps: PlanDeps,
  workspaceId: string,
  accounts: ReadonlyMap<string, PlanAccount>,
  estimate: BroadcastEstimate,
) {
  const perAccount = new Map<string, number>();
  for (const l of estimate.byChannel)
    if (l.costMicros > 0) perAccount.set(l.channelAccountId, (perAccount.get(l.channelAccountId) ?? 0) + l.costMicros);
  if (perAccount.size === 0) return;
  const statuses = await deps.usage.statuses(
    workspaceId,
    [...perAccount.keys()].map((id) => ({ id, adapter: accounts.get(id)?.adapter })),
  );
  for (const [id, micros] of perAccount) {
    const s = statuses.get(id);
    const name = accounts.get(id)?.account.name ?? id;
    if (!s || s.budget === null) continue;
    if (s.state === 'exhausted')
      estimate.warnings.push(`${name}: the monthly budget is spent, so its messages wait until an admin raises it.`);
    else if (s.spent + fromMicros(micros) > s.budget) {
      const cost = formatMoney(fromMicros(micros), s.currency);
      estimate.warnings.push(
        `${name}: this broadcast (${cost}) goes over the monthly budget of ${formatMoney(s.budget, s.currency)}; the rest wait.`,
      );
    }
  }
}

/** One account and visibility of an estimate: how many, at what cost and pace. */
export interface EstimateLane {
  channelAccountId: string;
  kind: string;
  name: string;
  visibility: Visibility;
  count: number;
  /** How many of them get the template (the window was closed). */
  template: number;
  /** How many go as numbered parts (an X thread): the text is over the post's limit. */
  split: number;
  costMicros: number;
  currency: string;
  ratePerMinute: number | null;
  minutes: number;
}

/** What a broadcast would do, before it does it. */
export interface BroadcastEstimate {
  recipients: number;
  byChannel: EstimateLane[];
  skipped: { reason: string; count: number }[];
  /** The total per currency, in millionths. */
  costMicros: Record<string, number>;
  warnings: string[];
}

/** One recipient the estimate counts, with the account, price and shape of its message. */
interface EstimatedRecipient {
  planned: PlannedRecipient;
  account: PlanAccount | undefined;
  micros: number;
  currency: string;
  split: boolean;
}

/** Sums recipients by lane and skip reason; the pace comes from `rate`. */
function summarize(
  entries: readonly EstimatedRecipient[],
  rate: (lane: { channelAccountId: string; kind: string; visibility: Visibility }) => number | null,
): BroadcastEstimate {
  const lanes = new Map<string, EstimateLane>();
  const skipped = new Map<string, number>();
  const costMicros: Record<string, number> = {};
  let fellBack = 0;
  for (const e of entries) {
    const p = e.planned;
    if (p.skipReason || !e.account || !p.visibility) {
      const reason = p.skipReason ?? NO_ACCOUNT;
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      continue;
    }
    const key = `${p.channelAccountId}:${p.visibility}`;
    const a = e.account;
    const lane = lanes.get(key) ?? {
      channelAccountId: a.account.id,
      kind: a.account.kind,
      name: a.account.name,
      visibility: p.visibility,
      count: 0,
      template: 0,
      split: 0,
      costMicros: 0,
      currency: e.currency,
      ratePerMinute: rate({ channelAccountId: a.account.id, kind: a.account.kind, visibility: p.visibility }),
      minutes: 0,
    };
    lanes.set(key, lane);
    lane.count += 1;
    lane.template += p.template ? 1 : 0;
    lane.split += e.split ? 1 : 0;
    lane.costMicros += e.micros;
    if (e.micros > 0) costMicros[e.currency] = (costMicros[e.currency] ?? 0) + e.micros;
    fellBack += p.fellBack ? 1 : 0;
  }
  const warnings: string[] = [];
  for (const lane of lanes.values()) {
    lane.minutes = lane.ratePerMinute ? Math.ceil(lane.count / lane.ratePerMinute) : 0;
    if (lane.minutes > 60) {
      warnings.push(
        `${lane.name} (${lane.visibility}): ${lane.count} messages at ${lane.ratePerMinute} a minute take about ${Math.round(lane.minutes / 60)} h.`,
      );
    }
    if (lane.split > 0) warnings.push(`${lane.name}: the text is over the post limit, so ${lane.split} go as threads of numbered parts.`);
  }
  if (fellBack > 0) {
    warnings.push(`${fellBack} customers who wrote in public get a DM: the account's tier does not allow a public reply to their post.`);
  }
  const byChannel = [...lanes.values()].sort((a, b) => b.count - a.count);
  return {
    recipients: byChannel.reduce((n, l) => n + l.count, 0),
    byChannel,
    skipped: [...skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    costMicros,
    warnings,
  };
}
