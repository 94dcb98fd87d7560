import { DEFAULT_DETECTOR_TUNING, foldText, type IncidentProposal, regionCovers, type ServiceLabel, SYSTEM_ACTOR } from '@centralita/core';
import {
  appendIncidentEvent,
  type Database,
  type Incident,
  insertIncident,
  lockIncident,
  lockLatestBySignature,
  readIncidentSettings,
  updateIncident,
} from '@centralita/db';
import type { Kysely } from 'kysely';

/** An evidence update is stored and logged when the spike's size moved this much since the last one. */
const EVIDENCE_CHANGE = 0.25;

const totalOf = (evidence: Record<string, unknown> | null) => Number((evidence as { total?: unknown } | null)?.total ?? 0);

/** What the detector's proposal did: `changed` when supervisors should hear of it. */
export interface ProposalOutcome {
  incident: Incident;
  created: boolean;
  changed: boolean;
}

/**
 * The detector's proposal (see `Incidents.propose`), in one transaction serialised on its
 * signature: the same alarm already proposed gets its evidence brought up to date (stored and
 * logged when the spike grew or shrank by a quarter, so a detector running every minute does not
 * fill the log), already active is left alone, and dismissed or resolved within
 * `dismissMemoryHours` stays quiet unless it has doubled. Null when it stays quiet.
 */
export async function proposeIncident(
  db: Kysely<Database>,
  workspaceId: string,
  p: IncidentProposal,
  now: Date,
): Promise<ProposalOutcome | null> {
  const settings = await readIncidentSettings(db, workspaceId);
  const memoryHours = Number(settings.detector.dismissMemoryHours ?? DEFAULT_DETECTOR_TUNING.dismissMemoryHours);
  const evidence = p.evidence as unknown as Record<string, unknown>;
  const log = (
    trx: Kysely<Database>,
    incident: Incident,
    type: 'incident.proposed' | 'incident.evidence_updated',
    data: Record<string, unknown>,
  ) => appendIncidentEvent(trx, { workspaceId, incidentId: incident.id, type, actor: SYSTEM_ACTOR, data, at: now });
  return db.transaction().execute(async (trx) => {
    const prior = await lockLatestBySignature(trx, workspaceId, p.signature);
    if (prior?.status === 'active') return { incident: prior, created: false, changed: false };
    if (prior?.status === 'proposed') {
      const before = totalOf(prior.evidence);
      if (Math.abs(p.evidence.total - before) < EVIDENCE_CHANGE * Math.max(1, before))
        return { incident: prior, created: false, changed: false };
      const updated = await updateIncident(trx, prior.id, { evidence: JSON.stringify(evidence), updated_at: now });
      await log(trx, updated, 'incident.evidence_updated', summaryOf(p));
      return { incident: updated, created: false, changed: true };
    }
    const endedAt = prior?.dismissedAt ?? prior?.resolvedAt ?? null;
    if (prior && endedAt && now.getTime() - endedAt.getTime() < memoryHours * 3_600_000) {
      const before = totalOf(prior.evidence);
      if (before <= 0 || p.evidence.total < 2 * before) return null;
    }
    // Another signature of an alarm already raised: a declared incident (it has no signature), or
    // a proposal whose spike has spread to more regions since.
    const open = await trx
      .selectFrom('incidents')
      .select(['id', 'status', 'regions', 'services', 'keywords'])
      .where('workspace_id', '=', workspaceId)
      .where('status', 'in', ['active', 'proposed'])
      .orderBy('created_at')
      .execute();
    const same = open.find(
      (i) =>
        sameSubject(p, i, settings.services) && (i.status === 'active' ? covers(i.regions, p.regions) : overlaps(i.regions, p.regions)),
    );
    if (same) {
      const current = await lockIncident(trx, workspaceId, same.id);
      if (current.status === 'active') return { incident: current, created: false, changed: false };
      if (current.status === 'proposed') {
        const regions =
          current.regions.length === 0 || p.regions.length === 0 ? [] : [...new Set([...current.regions, ...p.regions])].sort();
        // It takes the new signature, so the detector's next run finds it as this alarm's.
        const updated = await updateIncident(trx, current.id, {
          evidence: JSON.stringify(evidence),
          regions,
          signature: p.signature,
          updated_at: now,
        });
        await log(trx, updated, 'incident.evidence_updated', { ...summaryOf(p), regions });
        return { incident: updated, created: false, changed: true };
      }
    }
    // The terms that are not the services' own words are the proposal's keywords.
    const serviceWords = new Set(settings.services.flatMap((s) => [s.label, ...s.terms]).map(foldText));
    const created = await insertIncident(trx, {
      workspaceId,
      status: 'proposed',
      title: p.title.slice(0, 200) || 'Spike',
      statusText: '',
      regions: p.regions,
      services: p.services,
      keywords: p.terms.filter((t) => !serviceWords.has(foldText(t))).slice(0, 100),
      languages: [],
      matching: {},
      startsAt: p.startsAt,
      evidence,
      signature: p.signature,
      declaredBy: null,
      now,
    });
    await log(trx, created, 'incident.proposed', { ...summaryOf(p), previousId: prior?.id ?? null });
    return { incident: created, created: true, changed: true };
  });
}

/**
 * The same alarm by what it is about: every service the spike names is the incident's, or (no
 * service named) one of its words is the incident's keyword or a word of the incident's services.
 */
function sameSubject(p: IncidentProposal, i: { services: string[]; keywords: string[] }, services: readonly ServiceLabel[]): boolean {
  const theirs = new Set(i.services.map(foldText));
  if (p.services.length > 0) return p.services.every((s) => theirs.has(foldText(s)));
  const words = new Set([
    ...i.keywords.map(foldText),
    ...services.filter((s) => theirs.has(foldText(s.label))).flatMap((s) => [s.label, ...s.terms].map(foldText)),
  ]);
  return p.terms.some((t) => words.has(foldText(t)));
}

/** Every region of the spike is inside one of the incident's (an incident with none is everywhere). */
function covers(incident: readonly string[], spike: readonly string[]): boolean {
  if (incident.length === 0) return true;
  return spike.length > 0 && spike.every((r) => incident.some((mine) => regionCovers(mine, r)));
}

/** The spike and the proposal share a place (either with none is everywhere). */
function overlaps(proposal: readonly string[], spike: readonly string[]): boolean {
  if (proposal.length === 0 || spike.length === 0) return true;
  return spike.some((r) => proposal.some((mine) => regionCovers(mine, r) || regionCovers(r, mine)));
}

function summaryOf(p: IncidentProposal): Record<string, unknown> {
  return {
    signature: p.signature,
    total: p.evidence.total,
    keys: p.evidence.keys.map((k) => `${k.kind}:${k.key}`),
    viralPost: p.evidence.viralPost,
    startsAt: p.startsAt.toISOString(),
  };
}
