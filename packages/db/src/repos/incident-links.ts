import { type Actor, applyStatusAction, CentralitaError } from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { ConversationsTable, Database } from '../schema.ts';
import { appendEvents, type NewEvent } from './events.ts';

// Which conversations belong to which incident (0019 `incident_links`), kept together with
// `conversations.incident_id`, the one incident a conversation belongs to now. Every write here
// runs in its caller's transaction and logs the conversation's own event beside the change.

/** An incident as a link names it in events and texts. */
export interface LinkTarget {
  workspaceId: string;
  incidentId: string;
  /** "INC-7" */
  ref: string;
}

/** One conversation matched automatically, and why (the terms and region verdict of the match). */
export interface AutoLink {
  conversationId: string;
  reasons: Record<string, unknown>;
}

/** A conversation counts as in an incident only while that incident is active. */
const NOT_IN_ACTIVE = sql<boolean>`(c.incident_id IS NULL OR NOT EXISTS (
  SELECT 1 FROM incidents i WHERE i.id = c.incident_id AND i.status = 'active'))`;

/**
 * Links matched conversations in one statement: those already in an active incident, or ever
 * linked to this one before (a person unlinked it: never undone automatically), are left alone.
 * Returns the conversations as they are after the link.
 */
export async function linkAutomatically(
  trx: Kysely<Database>,
  target: LinkTarget,
  links: readonly AutoLink[],
  at: Date,
): Promise<Selectable<ConversationsTable>[]> {
  if (links.length === 0) return [];
  const ids = links.map((l) => l.conversationId);
  const reasons = links.map((l) => JSON.stringify(l.reasons));
  const { rows } = await sql<Selectable<ConversationsTable>>`
    WITH cand AS (
      SELECT * FROM unnest(${ids}::uuid[], ${reasons}::jsonb[]) AS u(conversation_id, reasons)
    ), eligible AS (
      SELECT c.id FROM conversations c JOIN cand ON cand.conversation_id = c.id
      WHERE c.workspace_id = ${target.workspaceId} AND ${NOT_IN_ACTIVE}
      FOR UPDATE OF c
    ), ins AS (
      INSERT INTO incident_links (incident_id, conversation_id, workspace_id, linked_by, linked_at, reasons)
      SELECT ${target.incidentId}::uuid, cand.conversation_id, ${target.workspaceId}::uuid, 'auto', ${at}::timestamptz, cand.reasons
      FROM cand JOIN eligible e ON e.id = cand.conversation_id
      ON CONFLICT (incident_id, conversation_id) DO NOTHING
      RETURNING conversation_id, reasons
    ), logged AS (
      INSERT INTO events (workspace_id, conversation_id, type, actor_type, actor_id, data)
      SELECT ${target.workspaceId}::uuid, ins.conversation_id, 'conversation.incident_linked', 'system', NULL,
        jsonb_build_object('incidentId', ${target.incidentId}::text, 'ref', ${target.ref}::text, 'by', 'auto') || ins.reasons
      FROM ins
    )
    UPDATE conversations c SET incident_id = ${target.incidentId}::uuid
    FROM ins WHERE c.id = ins.conversation_id
    RETURNING c.*`.execute(trx);
  return rows;
}

/**
 * Links conversations by a person's decision: one unlinked before is linked again, and one in
 * another open incident moves here (its link there is ended, with an event saying where it went).
 * A link to a resolved incident stays as history. Returns the conversations whose link changed.
 */
export async function linkByHand(
  trx: Transaction<Database>,
  target: LinkTarget,
  conversationIds: readonly string[],
  actor: Actor,
  at: Date,
): Promise<Selectable<ConversationsTable>[]> {
  if (conversationIds.length === 0) return [];
  const rows = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', target.workspaceId)
    .where('id', 'in', [...conversationIds])
    .forUpdate()
    .execute();
  const moving = rows.filter((r) => r.incident_id !== target.incidentId);
  if (moving.length === 0) return [];
  const userId = actor.type === 'user' ? actor.id : null;
  const events: NewEvent[] = [];
  const others = moving.filter((r) => r.incident_id !== null);
  if (others.length > 0) {
    const ended = await trx
      .updateTable('incident_links')
      .set({ unlinked_at: at, unlinked_by: userId })
      .where(
        'conversation_id',
        'in',
        others.map((r) => r.id),
      )
      .where('incident_id', '<>', target.incidentId)
      .where('unlinked_at', 'is', null)
      .where('incident_id', 'in', (eb) => eb.selectFrom('incidents').select('id').where('status', 'in', ['proposed', 'active']))
      .returning(['conversation_id', 'incident_id'])
      .execute();
    for (const e of ended) {
      events.push({
        workspaceId: target.workspaceId,
        conversationId: e.conversation_id,
        type: 'conversation.incident_unlinked',
        actor,
        data: { incidentId: e.incident_id, movedTo: target.incidentId, ref: target.ref },
      });
    }
  }
  const ids = moving.map((r) => r.id);
  await trx
    .insertInto('incident_links')
    .values(
      ids.map((id) => ({
        incident_id: target.incidentId,
        conversation_id: id,
        workspace_id: target.workspaceId,
        linked_by: 'user' as const,
        linked_by_user: userId,
        linked_at: at,
        reasons: JSON.stringify({ by: 'user' }),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['incident_id', 'conversation_id']).doUpdateSet({
        linked_by: 'user',
        linked_by_user: userId,
        linked_at: at,
        unlinked_at: null,
        unlinked_by: null,
        reasons: JSON.stringify({ by: 'user' }),
      }),
    )
    .execute();
  const updated = await trx
    .updateTable('conversations')
    .set({ incident_id: target.incidentId })
    .where('id', 'in', ids)
    .returningAll()
    .execute();
  for (const id of ids) {
    events.push({
      workspaceId: target.workspaceId,
      conversationId: id,
      type: 'conversation.incident_linked',
      actor,
      data: { incidentId: target.incidentId, ref: target.ref, by: 'user' },
    });
  }
  await appendEvents(trx, events);
  return updated;
}

/**
 * Ends a conversation's link to the incident and clears its mark. The link row stays, with who
 * ended it, so automatic linking never brings the conversation back to this incident.
 */
export async function unlinkConversation(
  trx: Transaction<Database>,
  target: LinkTarget,
  conversationId: string,
  actor: Actor,
  at: Date,
): Promise<Selectable<ConversationsTable>> {
  const ended = await trx
    .updateTable('incident_links')
    .set({ unlinked_at: at, unlinked_by: actor.type === 'user' ? actor.id : null })
    .where('incident_id', '=', target.incidentId)
    .where('conversation_id', '=', conversationId)
    .where('workspace_id', '=', target.workspaceId)
    .where('unlinked_at', 'is', null)
    .returning('conversation_id')
    .executeTakeFirst();
  if (!ended) throw new CentralitaError('not_found', `Conversation ${conversationId} is not linked to ${target.ref}.`);
  const row = await trx
    .updateTable('conversations')
    .set({ incident_id: sql<string | null>`CASE WHEN incident_id = ${target.incidentId}::uuid THEN NULL ELSE incident_id END` })
    .where('id', '=', conversationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvents(trx, [
    {
      workspaceId: target.workspaceId,
      conversationId,
      type: 'conversation.incident_unlinked',
      actor,
      data: { incidentId: target.incidentId, ref: target.ref },
    },
  ]);
  return row;
}

/** Opts a linked conversation out of (or back into) being resolved with the incident. */
export async function setKeepOpen(trx: Kysely<Database>, target: LinkTarget, conversationId: string, keepOpen: boolean): Promise<void> {
  const row = await trx
    .updateTable('incident_links')
    .set({ keep_open: keepOpen })
    .where('incident_id', '=', target.incidentId)
    .where('conversation_id', '=', conversationId)
    .where('workspace_id', '=', target.workspaceId)
    .where('unlinked_at', 'is', null)
    .returning('conversation_id')
    .executeTakeFirst();
  if (!row) throw new CentralitaError('not_found', `Conversation ${conversationId} is not linked to ${target.ref}.`);
}

/**
 * Claims the one automatic acknowledgement of a linked conversation: true for exactly one caller
 * on any node (the link row's lock orders them), false when it was already claimed or the link
 * has ended.
 */
export async function claimAcknowledgement(db: Kysely<Database>, incidentId: string, conversationId: string, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('incident_links')
    .set({ reasons: sql`reasons || jsonb_build_object('acknowledgedAt', ${at.toISOString()}::text)` })
    .where('incident_id', '=', incidentId)
    .where('conversation_id', '=', conversationId)
    .where('unlinked_at', 'is', null)
    .where(sql<boolean>`NOT (reasons ? 'acknowledgedAt')`)
    .returning('conversation_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** A conversation the declare-time scan looks at, with its customer's messages since the window opened. */
export interface ScanCandidate {
  id: string;
  subject: string | null;
  language: string | null;
  region: string | null;
  messages: { id: string; text: string; createdAt: Date }[];
}

/**
 * The next `limit` conversations (by id, after `afterId`) the customer wrote to since `since`
 * that are not resolved, not in an active incident and never linked to this one, with their
 * inbound messages since then (automatic replies left out).
 */
export async function scanCandidates(
  db: Kysely<Database>,
  target: Pick<LinkTarget, 'workspaceId' | 'incidentId'>,
  since: Date,
  afterId: string | null,
  limit: number,
): Promise<ScanCandidate[]> {
  const { rows } = await sql<{ id: string; subject: string | null; language: string | null; region: string | null }>`
    SELECT c.id, c.subject, c.language, c.region FROM conversations c
    WHERE c.workspace_id = ${target.workspaceId} AND c.status <> 'resolved' AND c.last_inbound_at >= ${since}
      AND ${NOT_IN_ACTIVE}
      AND NOT EXISTS (SELECT 1 FROM incident_links l WHERE l.incident_id = ${target.incidentId} AND l.conversation_id = c.id)
      ${afterId ? sql`AND c.id > ${afterId}::uuid` : sql``}
    ORDER BY c.id LIMIT ${limit}`.execute(db);
  if (rows.length === 0) return [];
  const messages = await db
    .selectFrom('messages')
    .select(['id', 'conversation_id', sql<string>`left(text, 4000)`.as('text'), 'created_at'])
    .where(
      'conversation_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('direction', '=', 'inbound')
    .where('automated', 'is', null)
    .where('created_at', '>=', since)
    .orderBy('created_at')
    .execute();
  const byConversation = new Map<string, ScanCandidate>(rows.map((r) => [r.id, { ...r, messages: [] }]));
  for (const m of messages) byConversation.get(m.conversation_id)?.messages.push({ id: m.id, text: m.text, createdAt: m.created_at });
  return [...byConversation.values()];
}

/**
 * Which of these conversations were ever linked to which of these incidents (live or ended):
 * `incidentId:conversationId` keys. Ingest skips a pair found here, so an unlink is remembered.
 */
export async function knownLinks(
  db: Kysely<Database>,
  incidentIds: readonly string[],
  conversationIds: readonly string[],
): Promise<Set<string>> {
  if (incidentIds.length === 0 || conversationIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('incident_links')
    .select(['incident_id', 'conversation_id'])
    .where('conversation_id', 'in', [...conversationIds])
    .where('incident_id', 'in', [...incidentIds])
    .execute();
  return new Set(rows.map((r) => `${r.incident_id}:${r.conversation_id}`));
}

/** The next linked conversations to resolve with the incident: live links, not kept open, not resolved. */
export async function linkedToResolve(
  db: Kysely<Database>,
  target: Pick<LinkTarget, 'workspaceId' | 'incidentId'>,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  let q = db
    .selectFrom('incident_links as l')
    .innerJoin('conversations as c', 'c.id', 'l.conversation_id')
    .select('l.conversation_id')
    .where('l.workspace_id', '=', target.workspaceId)
    .where('l.incident_id', '=', target.incidentId)
    .where('l.unlinked_at', 'is', null)
    .where('l.keep_open', '=', false)
    .where('c.status', '<>', 'resolved')
    .where('c.incident_id', '=', target.incidentId)
    .orderBy('l.conversation_id')
    .limit(limit);
  if (afterId) q = q.where('l.conversation_id', '>', afterId);
  return (await q.execute()).map((r) => r.conversation_id);
}

/**
 * Resolves linked conversations together, as a person's resolve would one by one (the same
 * status rule from core, the same columns and `conversation.status_changed` event, by the same
 * actor), plus `conversation.incident_resolved`; set-based, since an outage resolves thousands.
 */
export async function resolveLinked(
  trx: Transaction<Database>,
  target: LinkTarget,
  conversationIds: readonly string[],
  actor: Actor,
  now: Date,
): Promise<Selectable<ConversationsTable>[]> {
  if (conversationIds.length === 0) return [];
  const locked = await trx
    .selectFrom('conversations')
    .select(['id', 'status', 'snoozed_until', 'resolved_at'])
    .where('workspace_id', '=', target.workspaceId)
    .where('id', 'in', [...conversationIds])
    .where('incident_id', '=', target.incidentId)
    .where('status', '<>', 'resolved')
    .forUpdate()
    .execute();
  if (locked.length === 0) return [];
  const patch = applyStatusAction({ status: 'open', snoozedUntil: null, resolvedAt: null }, { type: 'resolve' }, now);
  const updated = await trx
    .updateTable('conversations')
    .set({ status: patch.status, snoozed_until: patch.snoozedUntil, resolved_at: patch.resolvedAt })
    .where(
      'id',
      'in',
      locked.map((r) => r.id),
    )
    .returningAll()
    .execute();
  const events: NewEvent[] = locked.flatMap((r) => [
    {
      workspaceId: target.workspaceId,
      conversationId: r.id,
      type: 'conversation.status_changed' as const,
      actor,
      data: { from: r.status, to: patch.status, snoozedUntil: null },
    },
    {
      workspaceId: target.workspaceId,
      conversationId: r.id,
      type: 'conversation.incident_resolved' as const,
      actor,
      data: { incidentId: target.incidentId, ref: target.ref },
    },
  ]);
  await appendEvents(trx, events);
  return updated;
}
