import {
  type ChannelAdapter,
  type ChannelCapabilities,
  type MessageTemplate,
  phoneCountry,
  type ReplyAlternative,
  type ReplyDecision,
  type ReplyTarget,
  type TemplateChoice,
  textLimitFor,
  toMicros,
  unitPriceFor,
} from '@centralita/channel-kit';
import { usageKindOf } from '@centralita/channel-whatsapp';
import type { Visibility } from '@centralita/core';
import type { AudienceRow, ChannelAccountRecord, NewRecipient } from '@centralita/db';

// Who gets a broadcast on which channel, at what pace and cost (docs/incidents.md, "Broadcasts"):
// each linked conversation is answered where its customer wrote last, the way a reply would be.

/** One active account a broadcast may send on, with what its adapter says about it. */
export interface PlanAccount {
  account: ChannelAccountRecord;
  adapter: ChannelAdapter;
  caps: ChannelCapabilities;
  config: unknown;
  /** The account's own unit prices (`kind` or `kind@MARKET`); empty for list prices. */
  prices: Record<string, number>;
}

/** The template a broadcast sends on one account where free text is not allowed, or why it cannot. */
export type AccountTemplate = { template: MessageTemplate; choice: TemplateChoice } | { error: string };

export interface PlanContext {
  accounts: ReadonlyMap<string, PlanAccount>;
  /** By account id, for accounts with templates when the broadcast chose one. */
  templates: ReadonlyMap<string, AccountTemplate>;
  templateChosen: boolean;
  now: Date;
}

/** A recipient's plan: the stored row, and what the estimate prices it by. */
export interface PlannedRecipient extends NewRecipient {
  template: boolean;
  market: string | null;
  /** X: the post answered @mentioned the brand (priced as a reply to a summons). */
  summoned: boolean;
  /** A public reply the tier refused goes as a DM instead. */
  fellBack: boolean;
}

export const NO_ACCOUNT = 'The channel account is inactive or its channel is not installed on this server.';
export const NO_TEMPLATE = 'The reply window is closed and no template was chosen for this broadcast.';

/** The message a reply of this visibility would answer, from the customer's latest one (see latestInbound). */
function targetOf(row: AudienceRow, accountId: string, visibility: Visibility): ReplyTarget | null {
  const l = row.latest;
  if (!l || l.channelAccountId !== accountId || l.visibility !== visibility || !l.externalId) return null;
  return { externalId: l.externalId, visibility, metadata: l.metadata, receivedAt: l.createdAt };
}

function decide(
  a: PlanAccount,
  row: AudienceRow,
  visibility: Visibility,
  now: Date,
  template: TemplateChoice | null = null,
): { decision: ReplyDecision; target: ReplyTarget | null } {
  const target = targetOf(row, a.account.id, visibility);
  const decision = a.adapter.replyPolicy?.({ config: a.config, visibility, target, now, template }) ?? { allowed: true as const };
  return { decision, target };
}

/** Whether an update can go on this account and visibility now, with free text or the chosen template. */
export type LaneVerdict =
  | { ok: true; template: boolean; summoned: boolean }
  | { ok: false; reason: string; alternatives: readonly ReplyAlternative[] };

export function sendOn(a: PlanAccount, row: AudienceRow, visibility: Visibility, ctx: PlanContext): LaneVerdict {
  const first = decide(a, row, visibility, ctx.now);
  if (first.decision.allowed) return { ok: true, template: false, summoned: first.target?.metadata.summonsBrand === true };
  const { reason, alternatives } = first.decision;
  if (!alternatives.some((alt) => alt.kind === 'template')) return { ok: false, reason, alternatives };
  // The window is closed: only the template the broadcast chose for this account can go.
  const chosen = ctx.templates.get(a.account.id);
  if (!ctx.templateChosen) return { ok: false, reason: NO_TEMPLATE, alternatives: [] };
  if (!chosen) return { ok: false, reason: `${a.account.name} has no message templates: ${reason}`, alternatives: [] };
  if ('error' in chosen) return { ok: false, reason: chosen.error, alternatives: [] };
  const withTemplate = decide(a, row, visibility, ctx.now, chosen.choice);
  return withTemplate.decision.allowed
    ? { ok: true, template: true, summoned: false }
    : { ok: false, reason: withTemplate.decision.reason, alternatives: [] };
}

/**
 * Where one conversation's update goes: the customer's latest account, with the visibility a reply
 * would take by default when the channel allows it now; a public reply the tier refuses goes as a
 * DM on the same account when the customer takes DMs; a closed window takes the chosen template;
 * anything else is skipped with the channel's reason.
 */
export function planRecipient(row: AudienceRow, ctx: PlanContext): PlannedRecipient {
  const accountId = row.latest?.channelAccountId ?? row.conversationAccountId;
  const base = { conversationId: row.conversationId, priority: row.priority, template: false, summoned: false, fellBack: false };
  const a = ctx.accounts.get(accountId);
  if (!a) return { ...base, market: null, channelAccountId: accountId, channelKind: null, visibility: null, skipReason: NO_ACCOUNT };
  const latest = row.latest?.channelAccountId === accountId ? row.latest : null;
  const visibility: Visibility =
    latest && a.caps.visibilities.includes(latest.visibility) ? latest.visibility : (a.caps.visibilities[0] ?? 'private');
  const lane = { ...base, channelAccountId: accountId, channelKind: a.account.kind, market: marketOf(latest?.metadata) };
  const first = sendOn(a, row, visibility, ctx);
  if (first.ok) return { ...lane, visibility, skipReason: null, template: first.template, summoned: first.summoned };
  for (const alt of first.alternatives) {
    if (alt.kind !== 'visibility' || !a.caps.visibilities.includes(alt.visibility)) continue;
    const other = sendOn(a, row, alt.visibility, ctx);
    if (other.ok) return { ...lane, visibility: alt.visibility, skipReason: null, template: other.template, fellBack: true };
  }
  return { ...lane, visibility, skipReason: first.reason };
}

/**
 * Whether a text fits the channel (measured its own way): over the limit it goes as numbered
 * parts where the channel splits (an X thread), else it cannot go.
 */
export function fits(a: PlanAccount, visibility: Visibility, text: string): { ok: true; split: boolean } | { ok: false; reason: string } {
  const limit = textLimitFor(a.caps, visibility);
  const length = limit === null ? 0 : a.adapter.measureText(text);
  if (limit === null || length <= limit) return { ok: true, split: false };
  if (a.caps.splitLongText) return { ok: true, split: true };
  return { ok: false, reason: `The update has ${length} characters; ${a.adapter.displayName} takes ${limit}.` };
}

/** The market a WhatsApp message is priced in: the country of the number the customer wrote from. */
function marketOf(metadata: Record<string, unknown> | undefined): string | null {
  const waId = metadata?.waId;
  return typeof waId === 'string' && /^\d{6,15}$/.test(waId) ? phoneCountry(`+${waId}`) : null;
}

/**
 * How many messages a minute a broadcast sends on one account and visibility when nobody said:
 * X's published budget for posts is 100 per user per 15 minutes (6 a minute) and 1,440 DMs per app
 * a day (1 a minute; the adapter's own caps still hold back a DM over them); WhatsApp Cloud takes
 * 80 messages a second per number; email goes at 60 a minute so a shared SMTP server does not
 * throttle us; the web form has no cap. A server setting (`settings.broadcastRates`, by `kind` or
 * `kind:visibility`) and the broadcast's own `rates` (by account) override them.
 */
export const DEFAULT_RATES: Readonly<Record<string, number | null>> = {
  'twitter:public': 6,
  'twitter:private': 1,
  whatsapp: 4_800,
  email: 60,
  webform: null,
};

export function laneRate(
  lane: { channelAccountId: string; kind: string; visibility: Visibility },
  own: Readonly<Record<string, number>> | undefined,
  server: Readonly<Record<string, number | null>> | undefined,
): number | null {
  const keys = [`${lane.kind}:${lane.visibility}`, lane.kind];
  const fromOwn = own?.[lane.channelAccountId];
  if (fromOwn !== undefined) return fromOwn;
  for (const table of [server ?? {}, DEFAULT_RATES]) {
    for (const k of keys) if (k in table) return table[k] ?? null;
  }
  return null;
}

/**
 * What the ledger will charge for one message, by the kinds the adapters declare: X prices a
 * public reply by whether it carries a link and whether the post summoned the brand, and a DM
 * alike; WhatsApp by the template's category (a service reply otherwise) in the recipient's
 * market. Null where the channel is not metered.
 */
export function meteredKind(
  kind: string,
  m: { visibility: Visibility; template: { category?: string } | null; summoned: boolean; text: string },
): string | null {
  if (kind === 'twitter') {
    if (m.visibility === 'private') return 'dm_create';
    return /https?:\/\//i.test(m.text) ? 'post_create_url' : m.summoned ? 'reply_create' : 'post_create';
  }
  if (kind === 'whatsapp') return usageKindOf(m.template);
  return null;
}

/** One message's price in millionths, and the currency; zero for an unmetered channel. */
export function priceOf(
  a: PlanAccount,
  m: { visibility: Visibility; template: { category?: string } | null; summoned: boolean; text: string; market: string | null },
): { micros: number; currency: string } {
  const metering = a.adapter.metering;
  const kind = metering ? meteredKind(a.account.kind, m) : null;
  if (!metering || !kind || !(kind in metering.kinds)) return { micros: 0, currency: metering?.currency ?? '' };
  return { micros: toMicros(unitPriceFor(kind, m.market, metering.kinds[kind], a.prices)), currency: metering.currency };
}

/** Channels that refuse two identical posts from one account (X answers 403 "duplicate content"). */
export function refusesDuplicates(kind: string, visibility: Visibility): boolean {
  return kind === 'twitter' && visibility === 'public';
}
