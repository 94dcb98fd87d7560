import { type Actor, CentralitaError, type IncidentEventType } from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../schema.ts';
import type { IncidentsTable, StoredService } from '../schema-incidents.ts';

export type IncidentStatus = IncidentsTable['status'];

/** An incident as the server works with it (a row of `incidents`, mapped). */
export interface Incident {
  id: string;
  workspaceId: string;
  number: number;
  /** "INC-7": how people and texts name it. */
  ref: string;
  status: IncidentStatus;
  title: string;
  statusText: string;
  regions: string[];
  services: string[];
  keywords: string[];
  languages: string[];
  /** This incident's own linking tuning, over the workspace's (keys as core's MatchTuning). */
  matching: Record<string, unknown>;
  startsAt: Date;
  evidence: Record<string, unknown> | null;
  signature: string | null;
  proposedAt: Date | null;
  declaredAt: Date | null;
  declaredBy: string | null;
  dismissedAt: Date | null;
  dismissedBy: string | null;
  dismissReason: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  firstUpdateAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toIncident(r: Selectable<IncidentsTable>): Incident {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    number: r.number,
    ref: `INC-${r.number}`,
    status: r.status,
    title: r.title,
    statusText: r.status_text,
    regions: r.regions,
    services: r.services,
    keywords: r.keywords,
    languages: r.languages,
    matching: r.matching ?? {},
    startsAt: r.starts_at,
    evidence: r.evidence ?? null,
    signature: r.signature,
    proposedAt: r.proposed_at,
    declaredAt: r.declared_at,
    declaredBy: r.declared_by,
    dismissedAt: r.dismissed_at,
    dismissedBy: r.dismissed_by,
    dismissReason: r.dismiss_reason,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    firstUpdateAt: r.first_update_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewIncident {
  workspaceId: string;
  status: 'proposed' | 'active';
  title: string;
  statusText: string;
  regions: string[];
  services: string[];
  keywords: string[];
  languages: string[];
  matching: Record<string, unknown>;
  startsAt: Date;
  evidence: Record<string, unknown> | null;
  signature: string | null;
  declaredBy: string | null;
  now: Date;
}

/**
 * Inserts an incident with the workspace's next number. The number comes from the highest one
 * under a per-workspace transaction lock, so two nodes declaring at once get 7 and 8, not a
 * unique violation; numbers are never reused, even of a dismissed proposal.
 */
export async function insertIncident(trx: Transaction<Database>, i: NewIncident): Promise<Incident> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`incidents:${i.workspaceId}`}, 0))`.execute(trx);
  const row = await trx
    .insertInto('incidents')
    .values({
      workspace_id: i.workspaceId,
      number: sql<number>`(SELECT COALESCE(MAX(number), 0) + 1 FROM incidents WHERE workspace_id = ${i.workspaceId})`,
      status: i.status,
      title: i.title,
      status_text: i.statusText,
      regions: i.regions,
      services: i.services,
      keywords: i.keywords,
      languages: i.languages,
      matching: JSON.stringify(i.matching),
      starts_at: i.startsAt,
      evidence: i.evidence ? JSON.stringify(i.evidence) : null,
      signature: i.signature,
      proposed_at: i.status === 'proposed' ? i.now : null,
      declared_at: i.status === 'active' ? i.now : null,
      declared_by: i.status === 'active' ? i.declaredBy : null,
      created_at: i.now,
      updated_at: i.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toIncident(row);
}

export async function findIncident(db: Kysely<Database>, workspaceId: string, id: string): Promise<Incident | null> {
  const row = await db.selectFrom('incidents').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toIncident(row) : null;
}

/** The incident, locked until the transaction ends; `not_found` when it is not this workspace's. */
export async function lockIncident(trx: Transaction<Database>, workspaceId: string, id: string): Promise<Incident> {
  const row = await trx
    .selectFrom('incidents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new CentralitaError('not_found', `No incident ${id} in this workspace.`);
  return toIncident(row);
}

/**
 * Serialises resolving one incident across nodes until the transaction ends. An advisory lock,
 * not the row's: the closing broadcast is started on another connection meanwhile, and it may
 * read or lock the incident row itself.
 */
export async function lockIncidentResolve(trx: Transaction<Database>, incidentId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`incident-resolve:${incidentId}`}, 0))`.execute(trx);
}

/** The incident's closing broadcast, if one was ever started: an incident gets at most one. */
export async function findClosingBroadcast(db: Kysely<Database>, incidentId: string): Promise<string | null> {
  const row = await db
    .selectFrom('incident_broadcasts')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'closing')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function updateIncident(
  trx: Kysely<Database>,
  id: string,
  patch: Updateable<IncidentsTable> & { updated_at: Date },
): Promise<Incident> {
  const row = await trx.updateTable('incidents').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toIncident(row);
}

/** The workspace's incidents, newest first; one status or all. */
export async function listIncidents(
  db: Kysely<Database>,
  workspaceId: string,
  options: { status?: IncidentStatus; limit: number },
): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll().where('workspace_id', '=', workspaceId);
  if (options.status) q = q.where('status', '=', options.status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('number', 'desc').limit(options.limit).execute();
  return rows.map(toIncident);
}

/**
 * The newest incident carrying the detector's signature, locked: proposals of one alarm are
 * serialised on it (with a transaction lock on the signature for the first one), so two nodes
 * detecting the same spike make one proposal.
 */
export async function lockLatestBySignature(trx: Transaction<Database>, workspaceId: string, signature: string): Promise<Incident | null> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`incident-signature:${workspaceId}:${signature}`}, 0))`.execute(trx);
  const row = await trx
    .selectFrom('incidents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('signature', '=', signature)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  return row ? toIncident(row) : null;
}

/** What linking needs at once: the workspace's active incidents and its service words and tuning. */
export interface LinkingContext {
  incidents: Incident[];
  services: StoredService[];
  matching: Record<string, unknown>;
}

/**
 * The active incidents of a workspace with its settings, in one statement: it runs on every
 * inbound batch, and most batches find none.
 */
export async function linkingContext(db: Kysely<Database>, workspaceId: string): Promise<LinkingContext> {
  const { rows } = await sql<
    Selectable<IncidentsTable> & { s_services: StoredService[] | null; s_matching: Record<string, unknown> | null }
  >`
    SELECT i.*, s.services AS s_services, s.matching AS s_matching
    FROM incidents i
    LEFT JOIN incident_settings s ON s.workspace_id = i.workspace_id
    WHERE i.workspace_id = ${workspaceId} AND i.status = 'active'
    ORDER BY i.starts_at DESC, i.number DESC`.execute(db);
  const first = rows[0];
  return {
    incidents: rows.map((r) => {
      const { s_services: _s, s_matching: _m, ...row } = r;
      return toIncident(row);
    }),
    services: first?.s_services ?? [],
    matching: first?.s_matching ?? {},
  };
}

/** Active incidents the catch-up pass looks at again: those whose criteria changed since `since`. */
export async function recentlyChangedActive(db: Kysely<Database>, since: Date): Promise<Incident[]> {
  const rows = await db
    .selectFrom('incidents')
    .selectAll()
    .where('status', '=', 'active')
    .where('updated_at', '>=', since)
    .orderBy('workspace_id')
    .execute();
  return rows.map(toIncident);
}

/** The workspace's incident settings as stored (a workspace that never saved any has the defaults). */
export interface IncidentSettingsRecord {
  services: StoredService[];
  detector: Record<string, unknown>;
  matching: Record<string, unknown>;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export async function readIncidentSettings(db: Kysely<Database>, workspaceId: string): Promise<IncidentSettingsRecord> {
  const row = await db.selectFrom('incident_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return {
    services: row?.services ?? [],
    detector: row?.detector ?? {},
    matching: row?.matching ?? {},
    updatedAt: row?.updated_at ?? null,
    updatedBy: row?.updated_by ?? null,
  };
}

export async function writeIncidentSettings(
  db: Kysely<Database>,
  workspaceId: string,
  s: { services: StoredService[]; detector: Record<string, unknown>; matching: Record<string, unknown> },
  userId: string | null,
  now: Date,
): Promise<IncidentSettingsRecord> {
  const values = {
    services: JSON.stringify(s.services),
    detector: JSON.stringify(s.detector),
    matching: JSON.stringify(s.matching),
    updated_by: userId,
    updated_at: now,
  };
  const row = await db
    .insertInto('incident_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { services: row.services, detector: row.detector, matching: row.matching, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/** One entry of an incident's own log. */
export interface IncidentEvent {
  id: string;
  seq: string;
  incidentId: string;
  type: IncidentEventType;
  actor: Actor;
  data: Record<string, unknown>;
  createdAt: Date;
}

export interface NewIncidentEvent {
  workspaceId: string;
  incidentId: string;
  type: IncidentEventType;
  actor: Actor;
  data: Record<string, unknown>;
  at: Date;
}

/** Appends to the incident's log; call it inside the change's own transaction. */
export async function appendIncidentEvent(db: Kysely<Database>, e: NewIncidentEvent): Promise<void> {
  await db
    .insertInto('incident_events')
    .values({
      workspace_id: e.workspaceId,
      incident_id: e.incidentId,
      type: e.type,
      // A contact never acts on an incident; the column's check has no place for one.
      actor_type: e.actor.type === 'contact' ? 'system' : e.actor.type,
      actor_id: e.actor.id,
      data: JSON.stringify(e.data),
      created_at: e.at,
    })
    .execute();
}

/** The incident's log in the order it happened, after the `afterSeq` cursor. */
export async function listIncidentEvents(
  db: Kysely<Database>,
  workspaceId: string,
  incidentId: string,
  options: { afterSeq?: string; limit: number },
): Promise<IncidentEvent[]> {
  let q = db
    .selectFrom('incident_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('incident_id', '=', incidentId)
    .orderBy('seq', 'asc')
    .limit(options.limit);
  if (options.afterSeq) q = q.where('seq', '>', options.afterSeq);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    seq: String(r.seq),
    incidentId: r.incident_id,
    type: r.type as IncidentEventType,
    actor: { type: r.actor_type, id: r.actor_id },
    data: r.data,
    createdAt: r.created_at,
  }));
}
