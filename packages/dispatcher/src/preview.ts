import { CentralitaError } from '@centralita/core';
import type { Database } from '@centralita/db';
import { customerTimezone, type Decision, decide, type RoutingConversation } from '@centralita/routing';
import type { Kysely } from 'kysely';
import { primaryLanguage, readRoutingRow, toRoutingConversation } from './queue.ts';
import { getDraft, getVersion, validateRuleSet } from './rulesets.ts';
import { loadSnapshot, withIncidents } from './snapshot.ts';

/** A conversation described by hand, for "who would get this?" before any customer writes. */
export interface DescribedConversation {
  channel: string;
  public?: boolean;
  language?: string | null;
  country?: string | null;
  region?: string | null;
  timezone?: string | null;
  text?: string;
  subject?: string | null;
  tags?: string[];
  priority?: number;
  followers?: number;
  verified?: boolean;
  incident?: boolean;
  /** With `incident`: what `incident.services`, `.regions` and `.title` are. */
  incidentServices?: string[];
  incidentRegions?: string[];
  incidentTitle?: string;
  /** Found by a saved search rather than written to the brand (conversation.proactive). */
  proactive?: boolean;
  teamId?: string | null;
  waitingMinutes?: number;
}

export type PreviewRules = { published: true } | { draft: true } | { version: number } | { document: unknown };

/**
 * Runs decide() for a real or described conversation against the published rules, the draft, an
 * earlier version or a document, with the agents as they are now. Changes nothing; returns the
 * full explanation, agents and teams named beside their ids.
 */
export async function previewDecision(
  db: Kysely<Database>,
  workspaceId: string,
  input: { conversationId: string } | { conversation: DescribedConversation },
  rules: PreviewRules,
  now: Date,
): Promise<{ decision: Decision; conversation: RoutingConversation; ruleSource: string }> {
  const snap = await loadSnapshot(db, workspaceId);
  let ruleSource = snap.ruleSetVersion ? `published version ${snap.ruleSetVersion}` : 'default (no rule set published)';
  if (!('published' in rules)) {
    let document: unknown;
    if ('draft' in rules) {
      const draft = await getDraft(db, workspaceId);
      if (!draft) throw new CentralitaError('not_found', 'There is no draft rule set.');
      document = draft.document;
      ruleSource = 'draft';
    } else if ('version' in rules) {
      const v = await getVersion(db, workspaceId, rules.version);
      if (!v) throw new CentralitaError('not_found', `There is no version ${rules.version}.`);
      document = v.document;
      ruleSource = `version ${rules.version}`;
    } else {
      document = rules.document;
      ruleSource = 'document in the request';
    }
    const out = await validateRuleSet(db, workspaceId, document);
    if (!out.ok)
      throw new CentralitaError('validation_failed', 'The rule set has problems, so it cannot be previewed.', { issues: out.issues });
    snap.ruleSet = out.ruleSet;
  }

  let conversation: RoutingConversation;
  if ('conversationId' in input) {
    const row = await readRoutingRow(db, workspaceId, input.conversationId);
    if (!row) throw new CentralitaError('not_found', `No conversation ${input.conversationId} in this workspace.`);
    await withIncidents(db, snap, [row.incident_id]);
    conversation = toRoutingConversation(row, snap).conversation;
  } else {
    const c = input.conversation;
    const team = c.teamId ? snap.teams.get(c.teamId) : undefined;
    const since = new Date(now.getTime() - (c.waitingMinutes ?? 0) * 60_000);
    conversation = {
      id: 'preview',
      channel: c.channel,
      public: c.public ?? false,
      language: primaryLanguage(c.language),
      country: c.country?.toUpperCase() ?? null,
      region: c.region?.toUpperCase() ?? null,
      timezone: customerTimezone({
        channel: c.timezone ?? null,
        // As for real conversations: the contact's country, else the conversation's region.
        country: c.country ?? c.region ?? null,
        team: team?.timezone ?? null,
        fallback: snap.timezone,
      }).timezone,
      text: c.text ?? '',
      subject: c.subject ?? null,
      tags: c.tags ?? [],
      priority: c.priority ?? 0,
      followers: c.followers ?? 0,
      verified: c.verified ?? false,
      incidentId: c.incident ? 'preview' : null,
      incident: c.incident
        ? { id: 'preview', services: c.incidentServices ?? [], regions: c.incidentRegions ?? [], title: c.incidentTitle ?? '' }
        : null,
      proactive: c.proactive ?? false,
      teamId: c.teamId ?? null,
      waitingSince: since,
      createdAt: since,
      declinedBy: [],
    };
  }
  return { decision: decide(conversation, snap.agents, snap.ruleSet, now, { teams: snap.teams }), conversation, ruleSource };
}
