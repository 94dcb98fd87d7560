import { type Actor, CentralitaError, type IncidentEventType, type IncidentProposal, type ServiceLabel } from '@centralita/core';
import {
  appendIncidentEvent,
  type Database,
  findClosingBroadcast,
  findIncident,
  type Incident,
  type IncidentEvent,
  type IncidentSettingsRecord,
  type IncidentStatus,
  type IngestItem,
  type IngestResult,
  incidentCounts,
  incidentMetrics,
  insertIncident,
  type LinkedConversationRow,
  type LinkedFilter,
  linkedToResolve,
  listIncidentEvents,
  listIncidents,
  listLinkedConversations,
  lockIncident,
  lockIncidentResolve,
  type Page,
  readIncidentSettings,
  resolveLinked,
  setKeepOpen,
  toConversation,
  unlinkConversation,
  updateIncident,
  writeIncidentSettings,
} from '@centralita/db';
import type { Kysely, Transaction } from 'kysely';
import { validate } from '../http/errors.ts';
import type { AppLogger } from '../logger.ts';
import { type Change, type CommitStream, conversationChanged } from '../pipeline/commits.ts';
import type { BroadcastInput } from './broadcasts.ts';
import { IncidentAcknowledger, type ReplyPoster } from './incident-ack.ts';
import { CRITERIA, checkChanges, checkDeclare, columnsOf, type DeclareInput, fieldsOf, settingsSchema } from './incident-input.ts';
import { IncidentLinker, targetOf } from './incident-linking.ts';
import { proposeIncident } from './incident-proposals.ts';
import { type IncidentMetrics, type IncidentView, metricsOf, viewOf } from './incident-view.ts';

export type { DeclareInput } from './incident-input.ts';
export type { IncidentMetrics, IncidentView } from './incident-view.ts';

export interface IncidentsDeps {
  db: Kysely<Database>;
  clock(): Date;
  logger: AppLogger;
  commits: CommitStream;
  /** Tells the workspace's supervisors and admins (socket.io `incident.updated`). */
  emit(workspaceId: string, name: string, payload: Record<string, unknown>): void;
  /** Routes the workspace's waiting conversations again (linking may change which rule they match). */
  kick(workspaceId: string): void;
  /** Built after this service: the inbox (acknowledgements) and the broadcasts (the closing update). */
  inbox(): ReplyPoster;
  broadcasts(): ClosingSender;
}

/** What resolving needs of the broadcasts (`Broadcasts.start`), without importing them (a cycle through the context). */
export interface ClosingSender {
  start(workspaceId: string, incidentId: string, input: BroadcastInput & { kind: 'closing' }, actor: Actor): Promise<{ id: string }>;
}

/** Conversations resolved with their incident per transaction. */
const RESOLVE_CHUNK = 500;
/** The bucket of GET /incidents/:id/metrics' contacts over time. */
const METRICS_BUCKET_MINUTES = 15;

const userOf = (actor: Actor) => (actor.type === 'user' ? actor.id : null);
/**
 * Mass incidents (docs/incidents.md): declared by a supervisor or proposed by the spike detector
 * and accepted; conversations link to an active one automatically (at ingest, and over those
 * written before it was known) or by hand; resolving it sends the closing update and resolves
 * the linked conversations together, except those kept open.
 */
export class Incidents {
  readonly #linker: IncidentLinker;
  readonly #ack: IncidentAcknowledger;

  constructor(private readonly deps: IncidentsDeps) {
    this.#linker = new IncidentLinker(deps);
    this.#ack = new IncidentAcknowledger(deps);
    deps.commits.subscribe((changes) => this.#ack.onCommit(changes));
  }

  /** The workspace's service labels and the words that name them. */
  async services(workspaceId: string): Promise<ServiceLabel[]> {
    return (await readIncidentSettings(this.deps.db, workspaceId)).services;
  }

  async settings(workspaceId: string): Promise<IncidentSettingsRecord> {
    return readIncidentSettings(this.deps.db, workspaceId);
  }

  async saveSettings(workspaceId: string, input: unknown, actor: Actor): Promise<IncidentSettingsRecord> {
    const s = validate(settingsSchema, input, 'incident settings');
    return writeIncidentSettings(this.deps.db, workspaceId, s, userOf(actor), this.deps.clock());
  }

  async list(workspaceId: string, status?: IncidentStatus): Promise<IncidentView[]> {
    const rows = await listIncidents(this.deps.db, workspaceId, { ...(status ? { status } : {}), limit: 200 });
    return rows.map((i) => viewOf(i));
  }

  /** One incident with the counts of its linked conversations. */
  async get(workspaceId: string, id: string): Promise<IncidentView> {
    const incident = await this.#find(workspaceId, id);
    return viewOf(incident, await incidentCounts(this.deps.db, workspaceId, id));
  }

  /**
   * The detector's proposal: a new incident in `proposed` with its evidence, or the evidence of
   * the same alarm (its signature) brought up to date. Null while a dismissed or resolved alarm
   * of that signature is remembered (`dismissMemoryHours`), unless the spike has doubled since.
   */
  async propose(workspaceId: string, p: IncidentProposal): Promise<{ id: string; created: boolean } | null> {
    const outcome = await proposeIncident(this.deps.db, workspaceId, p, this.deps.clock());
    if (!outcome) return null;
    if (outcome.changed) this.#announce(outcome.incident);
    return { id: outcome.incident.id, created: outcome.created };
  }

  /** A supervisor declares an incident; the conversations that already match link at once. */
  async declare(workspaceId: string, input: DeclareInput, actor: Actor): Promise<IncidentView> {
    const d = checkDeclare(input, await this.services(workspaceId));
    const now = this.deps.clock();
    const incident = await this.deps.db.transaction().execute(async (trx) => {
      const made = await insertIncident(trx, {
        workspaceId,
        status: 'active',
        title: d.title,
        statusText: d.statusText ?? '',
        regions: d.regions ?? [],
        services: d.services ?? [],
        keywords: d.keywords ?? [],
        languages: d.languages ?? [],
        matching: d.matching ?? {},
        startsAt: d.startsAt ?? now,
        evidence: null,
        signature: null,
        declaredBy: userOf(actor),
        now,
      });
      await this.#log(trx, made, 'incident.declared', actor, fieldsOf(d), now);
      return made;
    });
    return this.#activated(incident);
  }

  /** A proposal becomes active (with any changes the supervisor made); matching conversations link. */
  async accept(workspaceId: string, id: string, changes: Partial<DeclareInput>, actor: Actor): Promise<IncidentView> {
    const c = checkChanges(changes, await this.services(workspaceId));
    const now = this.deps.clock();
    const incident = await this.#change(workspaceId, id, ['proposed'], 'accept', async (trx, current) => {
      const updated = await updateIncident(trx, current.id, {
        ...columnsOf(c),
        status: 'active',
        declared_at: now,
        declared_by: userOf(actor),
        updated_at: now,
      });
      await this.#log(trx, updated, 'incident.accepted', actor, fieldsOf(c), now);
      return updated;
    });
    return this.#activated(incident);
  }

  /** A proposal was a false alarm: it is kept, with its signature, so the same alarm stays quiet. */
  async dismiss(workspaceId: string, id: string, reason: string | null, actor: Actor): Promise<IncidentView> {
    const now = this.deps.clock();
    const incident = await this.#change(workspaceId, id, ['proposed'], 'dismiss', async (trx, current) => {
      const updated = await updateIncident(trx, current.id, {
        status: 'dismissed',
        dismissed_at: now,
        dismissed_by: userOf(actor),
        dismiss_reason: reason,
        updated_at: now,
      });
      await this.#log(trx, updated, 'incident.dismissed', actor, { reason }, now);
      return updated;
    });
    this.#announce(incident);
    return viewOf(incident);
  }

  /** Changes a proposed or active incident; new criteria link what now matches (no link is undone). */
  async update(workspaceId: string, id: string, changes: Partial<DeclareInput>, actor: Actor): Promise<IncidentView> {
    const c = checkChanges(changes, await this.services(workspaceId));
    if (Object.keys(c).length === 0) throw new CentralitaError('validation_failed', 'Invalid changes: give at least one field to change.');
    const now = this.deps.clock();
    const incident = await this.#change(workspaceId, id, ['proposed', 'active'], 'change', async (trx, current) => {
      const updated = await updateIncident(trx, current.id, { ...columnsOf(c), updated_at: now });
      await this.#log(trx, updated, 'incident.updated', actor, fieldsOf(c), now);
      return updated;
    });
    this.#announce(incident);
    if (incident.status === 'active' && CRITERIA.some((k) => c[k] !== undefined)) await this.#scan(incident);
    return this.get(workspaceId, id);
  }

  /**
   * Resolves an active incident: the closing update first (a broadcast to every linked
   * conversation, when given), then the incident, then every linked conversation not kept open
   * and not resolved yet, in chunks, as the acting supervisor. Serialised per incident across
   * nodes; an incident gets at most one closing broadcast, and resolving one already resolved
   * resolves what an interrupted resolve left open, sending nothing.
   */
  async resolve(workspaceId: string, id: string, input: { closing?: BroadcastInput | null }, actor: Actor): Promise<IncidentView> {
    const { incident, changed } = await this.deps.db.transaction().execute(async (trx) => {
      await lockIncidentResolve(trx, id);
      const current = await findIncident(trx, workspaceId, id);
      if (!current) throw new CentralitaError('not_found', `No incident ${id} in this workspace.`);
      if (current.status === 'resolved') return { incident: current, changed: false };
      if (current.status !== 'active') throw this.#refusal(current, 'resolve');
      // A closing started by a resolve that died before committing counts: it is not sent again.
      let closingId = await findClosingBroadcast(trx, id);
      if (!closingId && input.closing) {
        closingId = (await this.deps.broadcasts().start(workspaceId, id, { ...input.closing, kind: 'closing' }, actor)).id;
      }
      const locked = await lockIncident(trx, workspaceId, id);
      if (locked.status !== 'active') throw this.#refusal(locked, 'resolve');
      const now = this.deps.clock();
      const updated = await updateIncident(trx, locked.id, {
        status: 'resolved',
        resolved_at: now,
        resolved_by: userOf(actor),
        updated_at: now,
      });
      await this.#log(trx, updated, 'incident.resolved', actor, { closingBroadcastId: closingId }, now);
      return { incident: updated, changed: true };
    });
    if (changed) this.#announce(incident);
    await this.#resolveConversations(incident, actor);
    return this.get(workspaceId, id);
  }

  /** See `IncidentLinker.inIngest`: called inside every inbound batch's transaction. */
  linkInIngest(
    trx: Transaction<Database>,
    workspaceId: string,
    items: readonly IngestItem[],
    stored: readonly { index: number; outcome: IngestResult }[],
  ): Promise<void> {
    return this.#linker.inIngest(trx, workspaceId, items, stored);
  }

  /** The once-a-minute catch-up pass (job `incident_catch_up`). */
  catchUp(): Promise<number> {
    return this.#linker.catchUp();
  }

  /** Links conversations by hand (the caller checked the person may see them). */
  async link(workspaceId: string, id: string, conversationIds: readonly string[], actor: Actor): Promise<{ linked: number }> {
    const incident = await this.#find(workspaceId, id);
    if (incident.status !== 'active') throw this.#refusal(incident, 'link conversations to');
    return { linked: await this.#linker.byHand(incident, [...new Set(conversationIds)], actor) };
  }

  /** Unlinks by hand: remembered, so automatic linking never brings it back to this incident. */
  async unlink(workspaceId: string, id: string, conversationId: string, actor: Actor): Promise<void> {
    const incident = await this.#find(workspaceId, id);
    const row = await this.deps.db
      .transaction()
      .execute((trx) => unlinkConversation(trx, targetOf(incident), conversationId, actor, this.deps.clock()));
    this.deps.commits.publish(conversationChanged(toConversation(row), 'agent'));
  }

  /** Opts a conversation out of (or back into) being resolved with the incident. */
  async keepOpen(workspaceId: string, id: string, conversationId: string, keepOpen: boolean, actor: Actor): Promise<void> {
    const incident = await this.#find(workspaceId, id);
    const now = this.deps.clock();
    await this.deps.db.transaction().execute(async (trx) => {
      await setKeepOpen(trx, targetOf(incident), conversationId, keepOpen);
      await this.#log(trx, incident, 'incident.updated', actor, { conversationId, keepOpen }, now);
    });
  }

  async conversations(
    workspaceId: string,
    id: string,
    filter: LinkedFilter,
    page: { cursor?: string; limit: number; previewText?: (text: string, pii: unknown) => string },
  ): Promise<Page<LinkedConversationRow>> {
    await this.#find(workspaceId, id);
    return listLinkedConversations(this.deps.db, workspaceId, id, filter, page);
  }

  async metrics(workspaceId: string, id: string): Promise<IncidentMetrics> {
    const incident = await this.#find(workspaceId, id);
    return metricsOf(incident, await incidentMetrics(this.deps.db, workspaceId, id, METRICS_BUCKET_MINUTES));
  }

  async events(workspaceId: string, id: string, page: { afterSeq?: string; limit: number }): Promise<IncidentEvent[]> {
    await this.#find(workspaceId, id);
    return listIncidentEvents(this.deps.db, workspaceId, id, page);
  }

  /** Waits for acknowledgements under way (tests, a stopping node). */
  settled(): Promise<void> {
    return this.#ack.settled();
  }

  async #find(workspaceId: string, id: string): Promise<Incident> {
    const incident = await findIncident(this.deps.db, workspaceId, id);
    if (!incident) throw new CentralitaError('not_found', `No incident ${id} in this workspace.`);
    return incident;
  }

  /** A change under the incident's row lock, refused unless it is in one of `from`. */
  async #change(
    workspaceId: string,
    id: string,
    from: readonly IncidentStatus[],
    verb: string,
    apply: (trx: Transaction<Database>, current: Incident) => Promise<Incident>,
  ): Promise<Incident> {
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await lockIncident(trx, workspaceId, id);
      if (!from.includes(current.status)) throw this.#refusal(current, verb);
      return apply(trx, current);
    });
  }

  #refusal(i: Incident, verb: string): CentralitaError {
    const hint =
      i.status === 'proposed'
        ? 'accept or dismiss it first'
        : i.status === 'active'
          ? 'resolve it instead'
          : `a ${i.status} incident does not change any more`;
    return new CentralitaError('conflict', `Cannot ${verb} ${i.ref}: it is ${i.status}; ${hint}.`);
  }

  async #log(db: Kysely<Database>, i: Incident, type: IncidentEventType, actor: Actor, data: Record<string, unknown>, at: Date) {
    await appendIncidentEvent(db, { workspaceId: i.workspaceId, incidentId: i.id, type, actor, data, at });
  }

  #announce(i: Incident): void {
    this.deps.emit(i.workspaceId, 'incident.updated', { incident: viewOf(i) });
  }

  /** Just active (declared or accepted): told to supervisors, then the conversations written before are linked. */
  async #activated(incident: Incident): Promise<IncidentView> {
    this.#announce(incident);
    await this.#scan(incident);
    return this.get(incident.workspaceId, incident.id);
  }

  /**
   * The scan after a declaration or change. The incident is committed by now, so a failure here
   * is logged, not thrown: a retried request would declare it twice. Ingest links what comes next.
   */
  async #scan(incident: Incident): Promise<void> {
    try {
      const linked = await this.#linker.scan(incident);
      this.deps.logger.info({ incidentId: incident.id, linked }, 'incident linked the conversations written before it');
    } catch (error) {
      this.deps.logger.error(
        { incidentId: incident.id, error: error instanceof Error ? error.message : String(error) },
        'linking the conversations written before the incident failed',
      );
    }
  }

  async #resolveConversations(incident: Incident, actor: Actor): Promise<void> {
    const target = targetOf(incident);
    let after: string | null = null;
    for (;;) {
      const ids = await linkedToResolve(this.deps.db, target, after, RESOLVE_CHUNK);
      if (ids.length === 0) break;
      after = ids[ids.length - 1] ?? null;
      const now = this.deps.clock();
      const rows = await this.deps.db.transaction().execute((trx) => resolveLinked(trx, target, ids, actor, now));
      // Published as a status change, as a person's resolve is: routing frees the places.
      const changes: Change[] = rows.map((r) => ({
        kind: 'conversation',
        conversation: toConversation(r),
        created: false,
        cause: 'status',
      }));
      this.deps.commits.publish(changes);
      if (ids.length < RESOLVE_CHUNK) break;
    }
  }
}
