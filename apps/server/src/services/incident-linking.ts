import {
  type Actor,
  type Conversation,
  DEFAULT_MATCH_TUNING,
  type IncidentCriteria,
  type MatchFacts,
  type MatchTuning,
  matchIncident,
  type ServiceLabel,
} from '@centralita/core';
import {
  type AutoLink,
  type ConversationsTable,
  type Database,
  type Incident,
  type IngestItem,
  type IngestResult,
  knownLinks,
  type LinkingContext,
  type LinkTarget,
  linkAutomatically,
  linkByHand,
  linkingContext,
  readIncidentSettings,
  recentlyChangedActive,
  scanCandidates,
  toConversation,
} from '@centralita/db';
import { detectLanguage } from '@centralita/routing';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { AppLogger } from '../logger.ts';
import type { Change, CommitStream } from '../pipeline/commits.ts';

/** Conversations the declare-time scan reads and links per transaction. */
const SCAN_CHUNK = 500;

/**
 * How far back the catch-up pass looks from an incident's last change: further than any inbound
 * batch takes to commit, so a batch that read the incidents just before a declaration committed
 * and committed just after its scan is found.
 */
const CATCH_UP_MARGIN_MS = 10 * 60_000;
/** Incidents changed this recently get the catch-up pass; later ones are linked at ingest alone. */
const CATCH_UP_FOR_MS = 15 * 60_000;

export interface LinkingDeps {
  db: Kysely<Database>;
  clock(): Date;
  logger: AppLogger;
  commits: CommitStream;
  /** Routes the workspace's waiting conversations again: linked ones may now match other rules. */
  kick(workspaceId: string): void;
}

export function criteriaOf(i: Incident): IncidentCriteria {
  return {
    id: i.id,
    regions: i.regions,
    services: i.services,
    keywords: i.keywords,
    languages: i.languages,
    startsAt: i.startsAt,
    resolvedAt: i.resolvedAt,
  };
}

export function targetOf(i: Incident): LinkTarget {
  return { workspaceId: i.workspaceId, incidentId: i.id, ref: i.ref };
}

/** The incident's own tuning over the workspace's over core's defaults. */
export function tuningOf(workspace: Record<string, unknown>, incident: Incident): MatchTuning {
  return { ...DEFAULT_MATCH_TUNING, ...(workspace as Partial<MatchTuning>), ...(incident.matching as Partial<MatchTuning>) };
}

/** What a link keeps of the match that made it (shown on the incident's conversation list). */
function reasonsOf(result: ReturnType<typeof matchIncident>, message: { id: string; at: Date }): Record<string, unknown> {
  return { terms: result.terms, region: result.region, messageId: message.id, messageAt: message.at.toISOString() };
}

interface Candidate {
  conversationId: string;
  language: string | null;
  region: string | null;
  messages: { id: string; text: string; at: Date }[];
}

/**
 * The first incident (newest first) one of the conversation's messages matches, and the match.
 * The language is detected from the text only when an incident limits languages and the channel
 * did not say one (routing detects it later, after ingest).
 */
function firstMatch(
  c: Candidate,
  incidents: readonly { incident: Incident; tuning: MatchTuning }[],
  services: readonly ServiceLabel[],
  skip: (incidentId: string) => boolean,
): { incident: Incident; link: AutoLink } | null {
  let language = c.language;
  let detected = false;
  for (const { incident, tuning } of incidents) {
    if (skip(incident.id)) continue;
    for (const m of c.messages) {
      if (!language && !detected && incident.languages.length > 0) {
        language = detectLanguage(m.text);
        detected = true;
      }
      const facts: MatchFacts = { text: m.text, language, region: c.region, at: m.at };
      const result = matchIncident(criteriaOf(incident), facts, services, tuning);
      if (result.matched) return { incident, link: { conversationId: c.conversationId, reasons: reasonsOf(result, m) } };
    }
  }
  return null;
}

/**
 * Automatic linking (docs/incidents.md#linking): at ingest, inside the batch's transaction, and
 * when an incident becomes active or its criteria change, over the conversations written before.
 */
export class IncidentLinker {
  constructor(private readonly deps: LinkingDeps) {}

  /**
   * Links the batch's conversations to the workspace's active incidents, in the batch's own
   * transaction, and marks them in memory (`routing.incidentId`) so routing and consoles see it.
   * One query when the workspace has no active incident; a conversation already in an active one,
   * or ever unlinked from the incident by a person, is left alone.
   */
  async inIngest(
    trx: Transaction<Database>,
    workspaceId: string,
    items: readonly IngestItem[],
    stored: readonly { index: number; outcome: IngestResult }[],
  ): Promise<void> {
    const fresh = stored.filter((s) => !s.outcome.duplicate && s.outcome.message && s.outcome.message.automated === null);
    if (fresh.length === 0) return;
    const context = await linkingContext(trx, workspaceId);
    if (context.incidents.length === 0) return;
    const active = new Set(context.incidents.map((i) => i.id));
    const byConversation = new Map<string, { candidate: Candidate; outcomes: IngestResult[] }>();
    for (const { index, outcome } of fresh) {
      const conv = outcome.conversation;
      if (conv.routing.incidentId && active.has(conv.routing.incidentId)) continue;
      const message = outcome.message;
      const event = items[index]?.event;
      if (!message || !event) continue;
      let entry = byConversation.get(conv.id);
      if (!entry) {
        entry = { candidate: { conversationId: conv.id, language: conv.language, region: conv.region, messages: [] }, outcomes: [] };
        byConversation.set(conv.id, entry);
      }
      const subject = event.subject ?? conv.subject;
      entry.candidate.messages.push({
        id: message.id,
        text: subject ? `${subject}\n${message.text}` : message.text,
        at: message.createdAt,
      });
      entry.outcomes.push(outcome);
    }
    if (byConversation.size === 0) return;
    // Behind a savepoint: a linking failure must cost the links, never the customers' messages
    // (a batch that fails is retried in halves until each message fails alone).
    await sql`SAVEPOINT incident_links`.execute(trx);
    let marks: [Conversation, string][];
    try {
      marks = await this.#linkBatch(trx, context, active, byConversation);
      await sql`RELEASE SAVEPOINT incident_links`.execute(trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT incident_links`.execute(trx);
      this.deps.logger.error(
        { workspaceId, conversations: byConversation.size, error: error instanceof Error ? error.message : String(error) },
        'linking an inbound batch to incidents failed; its messages are stored unlinked',
      );
      return;
    }
    for (const [conversation, incidentId] of marks) markLinked(conversation, incidentId);
  }

  /** The matching and the links of one batch; answers which in-memory conversations to mark. */
  async #linkBatch(
    trx: Transaction<Database>,
    context: LinkingContext,
    active: ReadonlySet<string>,
    byConversation: ReadonlyMap<string, { candidate: Candidate; outcomes: IngestResult[] }>,
  ): Promise<[Conversation, string][]> {
    const known = await knownLinks(trx, [...active], [...byConversation.keys()]);
    const incidents = context.incidents.map((incident) => ({ incident, tuning: tuningOf(context.matching, incident) }));
    const grouped = new Map<string, { incident: Incident; links: AutoLink[] }>();
    for (const [conversationId, { candidate }] of byConversation) {
      const hit = firstMatch(candidate, incidents, context.services, (id) => known.has(`${id}:${conversationId}`));
      if (!hit) continue;
      const group = grouped.get(hit.incident.id) ?? { incident: hit.incident, links: [] };
      group.links.push(hit.link);
      grouped.set(hit.incident.id, group);
    }
    const now = this.deps.clock();
    const marks: [Conversation, string][] = [];
    for (const { incident, links } of grouped.values()) {
      for (const row of await linkAutomatically(trx, targetOf(incident), links, now)) {
        for (const outcome of byConversation.get(row.id)?.outcomes ?? []) marks.push([outcome.conversation, incident.id]);
      }
    }
    return marks;
  }

  /**
   * Links the conversations written before the incident was known (or before its criteria
   * changed): every one not resolved whose customer wrote since `since` (by default the start
   * less the tuning's window), in chunks of 500, each chunk's links in one transaction.
   * Returns how many it linked.
   */
  async scan(incident: Incident, since?: Date): Promise<number> {
    if (incident.status !== 'active') return 0;
    const settings = await readIncidentSettings(this.deps.db, incident.workspaceId);
    const tuning = tuningOf(settings.matching, incident);
    const from = since ?? new Date(incident.startsAt.getTime() - tuning.windowBeforeMinutes * 60_000);
    const incidents = [{ incident, tuning }];
    const target = targetOf(incident);
    let after: string | null = null;
    let linked = 0;
    for (;;) {
      const chunk = await scanCandidates(this.deps.db, target, from, after, SCAN_CHUNK);
      if (chunk.length === 0) break;
      after = chunk[chunk.length - 1]?.id ?? null;
      const links: AutoLink[] = [];
      for (const c of chunk) {
        const candidate: Candidate = {
          conversationId: c.id,
          language: c.language,
          region: c.region,
          messages: c.messages.map((m) => ({ id: m.id, text: c.subject ? `${c.subject}\n${m.text}` : m.text, at: m.createdAt })),
        };
        const hit = firstMatch(candidate, incidents, settings.services, () => false);
        if (hit) links.push(hit.link);
      }
      if (links.length > 0) {
        const now = this.deps.clock();
        const rows = await this.deps.db.transaction().execute((trx) => linkAutomatically(trx, target, links, now));
        linked += rows.length;
        this.#publish(rows);
      }
      if (chunk.length < SCAN_CHUNK) break;
    }
    if (linked > 0) this.deps.kick(incident.workspaceId);
    return linked;
  }

  /**
   * Once a minute (the `incident_catch_up` job): incidents activated or changed in the last 15
   * minutes are scanned again over the messages of the 10 minutes before that change, for inbound
   * batches that read the incidents before it and committed after its scan.
   */
  async catchUp(): Promise<number> {
    const now = this.deps.clock();
    let linked = 0;
    for (const incident of await recentlyChangedActive(this.deps.db, new Date(now.getTime() - CATCH_UP_FOR_MS))) {
      try {
        const settings = await readIncidentSettings(this.deps.db, incident.workspaceId);
        const window = tuningOf(settings.matching, incident).windowBeforeMinutes * 60_000;
        const since = Math.max(incident.startsAt.getTime() - window, incident.updatedAt.getTime() - CATCH_UP_MARGIN_MS);
        linked += await this.scan(incident, new Date(since));
      } catch (error) {
        // One incident's trouble must not stop the others' catch-up.
        this.deps.logger.error(
          { incidentId: incident.id, error: error instanceof Error ? error.message : String(error) },
          'incident catch-up failed',
        );
      }
    }
    return linked;
  }

  /** A person links conversations (they may have been unlinked before, or be in another incident). */
  async byHand(incident: Incident, conversationIds: readonly string[], actor: Actor): Promise<number> {
    const now = this.deps.clock();
    const rows = await this.deps.db.transaction().execute((trx) => linkByHand(trx, targetOf(incident), conversationIds, actor, now));
    this.#publish(rows);
    if (rows.length > 0) this.deps.kick(incident.workspaceId);
    return rows.length;
  }

  #publish(rows: readonly Selectable<ConversationsTable>[]): void {
    const changes: Change[] = rows.map((r) => ({ kind: 'conversation', conversation: toConversation(r), created: false, cause: 'agent' }));
    this.deps.commits.publish(changes);
  }
}

/** The in-memory conversation of an ingest outcome, as the link just made it. */
function markLinked(conversation: Conversation, incidentId: string): void {
  conversation.routing.incidentId = incidentId;
}
