import { renderTemplate } from '@centralita/channel-kit';
import { CentralitaError, type Conversation } from '@centralita/core';
import {
  type BroadcastMessage,
  type BroadcastRecord,
  broadcastAudience,
  claimPendingRecipients,
  type Database,
  fanOutCounters,
  hasPendingRecipients,
  type Incident,
  lockIncidentFanOut,
  queueBroadcastMessages,
  type StoredMessage,
  skipRecipients,
} from '@centralita/db';
import { type Kysely, sql } from 'kysely';
import { loadAccounts, type PlanDeps } from './broadcast-estimate.ts';
import {
  type AccountTemplate,
  fits,
  laneRate,
  NO_ACCOUNT,
  type PlanAccount,
  type PlanContext,
  refusesDuplicates,
  sendOn,
} from './broadcast-plan.ts';
import { recipientRef, recipientText, renderParameters, type TextFacts } from './broadcast-text.ts';
import type { PrivacyGuard } from './privacy.ts';

export const BROADCAST_FANOUT_TASK = 'broadcast_fanout';

export interface FanOutPayload {
  workspaceId: string;
  broadcastId: string;
}

export interface FanOutDeps extends PlanDeps {
  privacy: Pick<PrivacyGuard, 'checkReply'>;
}

const UNLINKED = 'The conversation was unlinked from the incident before the update went out.';

/** The fan-out's next chunk; one job per broadcast by its key, ahead of the sends it creates. */
export async function addFanOutJob(trx: Kysely<Database>, p: FanOutPayload): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${BROADCAST_FANOUT_TASK}, json_build_object('workspaceId', ${p.workspaceId}::text, 'broadcastId', ${p.broadcastId}::text),
    job_key => ${`broadcast:${p.broadcastId}`}, max_attempts => 25, priority => -1000)`.execute(trx);
}

/**
 * One chunk of the fan-out: the most urgent pending recipients become queued messages with their
 * send jobs, paced per lane (account and visibility), in one transaction with the job that does
 * the next chunk, so a crash leaves the chunk wholly done or still pending. Null when nothing
 * was pending: the fan-out is over; empty when another run holds what is left.
 */
export async function fanOutChunk(
  deps: FanOutDeps,
  b: BroadcastRecord,
  incident: Incident,
): Promise<{ message: StoredMessage; conversation: Conversation }[] | null> {
  const { workspaceId } = b;
  const accounts = await loadAccounts(deps, workspaceId);
  const stored = (b.options.templates ?? {}) as Record<string, AccountTemplate>;
  const now = deps.clock();
  const ctx: PlanContext = {
    accounts,
    templates: new Map(Object.entries(stored)),
    templateChosen: b.options.whatsappTemplate != null,
    now,
  };
  const rates = (b.options.rates ?? {}) as Record<string, number>;
  const pacedFrom = new Date(String(b.options.pacedFrom)).getTime();
  return deps.db.kysely.transaction().execute(async (trx) => {
    await lockIncidentFanOut(trx, b.incidentId);
    const claimed = await claimPendingRecipients(trx, b.id, deps.settings.broadcastChunk ?? 200);
    // None free: either the fan-out is over, or another run holds the rest and queues the next chunk.
    if (claimed.length === 0) return (await hasPendingRecipients(trx, b.id)) ? [] : null;
    const counters = await fanOutCounters(trx, b);
    const audience = await broadcastAudience(
      trx,
      workspaceId,
      b.incidentId,
      claimed.map((c) => c.conversationId),
    );
    const rows = new Map(audience.map((r) => [r.conversationId, r]));
    const items: BroadcastMessage[] = [];
    const skipped: { conversationId: string; reason: string }[] = [];
    const slots = new Map(counters.lanes);
    let failure: unknown = null;
    let thrown = 0;
    for (const r of claimed) {
      const skip = (reason: string) => skipped.push({ conversationId: r.conversationId, reason });
      const row = rows.get(r.conversationId);
      const a = accounts.get(r.channelAccountId);
      if (!row || !a) {
        skip(row ? NO_ACCOUNT : UNLINKED);
        continue;
      }
      // Decided again: a window may have closed since the broadcast started.
      const verdict = sendOn(a, row, r.visibility, ctx);
      if (!verdict.ok) {
        skip(verdict.reason);
        continue;
      }
      const facts: TextFacts = {
        name: row.name,
        ref: recipientRef(incident.number, counters.incidentQueued + items.length + 1),
        status: incident.statusText,
      };
      const template = verdict.template ? ctx.templates.get(a.account.id) : undefined;
      // One recipient that cannot be composed (a template that will not render, a check that
      // throws) is skipped with the reason; it must not hold back the chunk's others for ever.
      const message = await compose(deps, b, a, { visibility: r.visibility, template, facts, conversationId: r.conversationId }).catch(
        (err: unknown) => {
          failure = err;
          thrown += 1;
          return { reason: `The message could not be prepared: ${err instanceof Error ? err.message : String(err)}` };
        },
      );
      if ('reason' in message) {
        skip(message.reason);
        continue;
      }
      const lane = `${r.channelAccountId}:${r.visibility}`;
      const slot = slots.get(lane) ?? 0;
      slots.set(lane, slot + 1);
      const rate = laneRate(
        { channelAccountId: a.account.id, kind: a.account.kind, visibility: r.visibility },
        rates,
        deps.settings.broadcastRates,
      );
      items.push({
        conversationId: r.conversationId,
        channelAccountId: r.channelAccountId,
        visibility: r.visibility,
        text: message.text,
        metadata: message.metadata,
        // A slot per message and lane, the most urgent first; a slot already past runs at once.
        runAt: new Date(pacedFrom + (rate ? Math.floor((slot * 60_000) / rate) : 0)),
        priority: r.priority,
      });
    }
    // Every one failed the same way: more likely the database or a setting than these recipients,
    // so the chunk is retried (the job's last attempt skips what is left).
    if (thrown > 0 && thrown === claimed.length) throw failure;
    await skipRecipients(trx, b.id, skipped);
    const made = await queueBroadcastMessages(trx, { workspaceId, broadcastId: b.id }, items, now);
    await addFanOutJob(trx, { workspaceId, broadcastId: b.id });
    return made;
  });
}

/** One recipient's message: the filled text (or template), and what it carries; or why it cannot go. */
async function compose(
  deps: FanOutDeps,
  b: BroadcastRecord,
  a: PlanAccount,
  m: { visibility: 'public' | 'private'; template: AccountTemplate | undefined; facts: TextFacts; conversationId: string },
): Promise<{ text: string; metadata: Record<string, unknown> } | { reason: string }> {
  const metadata: Record<string, unknown> = { broadcast: { broadcastId: b.id, incidentId: b.incidentId } };
  if (m.template && 'template' in m.template) {
    const { template, choice } = m.template;
    const parameters = renderParameters(choice.parameters, m.facts);
    metadata.template = { name: choice.name, language: choice.language, parameters, category: template.category };
    return { text: renderTemplate(template, parameters), metadata };
  }
  const text = recipientText({ text: b.text, variants: b.variants }, m.conversationId, m.facts, {
    unique: refusesDuplicates(a.account.kind, m.visibility),
  });
  const fit = fits(a, m.visibility, text);
  if (!fit.ok) return { reason: fit.reason };
  if (fit.split) metadata.allowSplit = true;
  try {
    // A name filled into a public reply is checked like any public reply.
    await deps.privacy.checkReply(b.workspaceId, { visibility: m.visibility, text });
  } catch (err) {
    if (err instanceof CentralitaError) return { reason: err.message };
    throw err;
  }
  return { text, metadata };
}
