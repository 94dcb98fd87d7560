import {
  type Actor,
  applyStatusAction,
  CentralitaError,
  type Conversation,
  type ConversationOrigin,
  type ConversationStatus,
  type StatusAction,
} from '@centralita/core';
import { type ExpressionBuilder, type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { ConversationsTable, Database } from '../schema.ts';
import { decodeCursor, type Page, toPage } from './cursor.ts';
import { appendEvent } from './events.ts';

/** Maps a row to the core model. */
export function toConversation(r: Selectable<ConversationsTable>): Conversation {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    contactId: r.contact_id,
    channelAccountId: r.channel_account_id,
    status: r.status,
    snoozedUntil: r.snoozed_until,
    priority: r.priority,
    subject: r.subject,
    language: r.language,
    region: r.region,
    teamId: r.team_id,
    assigneeId: r.assignee_id,
    tags: r.tags,
    lastMessageAt: r.last_message_at,
    lastInboundAt: r.last_inbound_at,
    resolvedAt: r.resolved_at,
    createdAt: r.created_at,
    origin: r.origin,
    routing: {
      channelKind: r.channel_kind,
      waitingSince: r.waiting_since,
      offeredTo: r.offered_to,
      offerExpiresAt: r.offer_expires_at,
      assignedAt: r.assigned_at,
      rule: r.routing_rule,
      escalationLevel: r.escalation_level,
      requestedPriority: r.requested_priority,
      explanation: r.routing_explanation,
      awaitingReplySince: r.awaiting_reply_since,
      firstRespondedAt: r.first_responded_at,
      firstResponseDueAt: r.first_response_due_at,
      nextResponseDueAt: r.next_response_due_at,
      slaBreached: r.sla_breached,
      incidentId: r.incident_id,
    },
  };
}

export interface ConversationFilter {
  status?: ConversationStatus;
  channelKind?: string;
  channelAccountId?: string;
  /** A user id, or 'none' for unassigned. */
  assigneeId?: string;
  /** Restricts to these teams' conversations plus unteamed ones (what an agent may see). */
  visibleTeamIds?: string[] | null;
  teamId?: string;
  /** Only these teams' conversations (an agent's "My teams"); an empty list matches none. */
  teamIds?: string[];
  contactId?: string;
  tag?: string;
  minPriority?: number;
  /** Only conversations that began this way (`proactive`: found by a saved search). */
  origin?: ConversationOrigin;
  /**
   * Words in any message (Spanish and English stemming, accents ignored), or part of the
   * contact's name or address.
   */
  q?: string;
}

/**
 * The search condition: message text through the full-text index, contact names and addresses
 * through trigram indexes (LIKE wildcards in the query are taken literally).
 */
function matchesSearch(workspaceId: string, text: string) {
  const like = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`(
    conversations.id IN (SELECT conversation_id FROM messages
      WHERE workspace_id = ${workspaceId} AND centralita_search_vector(subject, text) @@ centralita_search_query(${text}))
    OR conversations.contact_id IN (SELECT id FROM contacts
      WHERE workspace_id = ${workspaceId} AND centralita_unaccent(lower(coalesce(name, ''))) LIKE centralita_unaccent(${like}))
    OR conversations.contact_id IN (SELECT contact_id FROM identities
      WHERE workspace_id = ${workspaceId} AND lower(external_id) LIKE ${like})
  )`;
}

/** Conversations of these teams, and those of no team: what an agent may see. */
export function visibleTo(teams: string[]) {
  return (eb: ExpressionBuilder<Database, 'conversations'>) =>
    teams.length > 0 ? eb.or([eb('team_id', 'is', null), eb('team_id', 'in', teams)]) : eb('team_id', 'is', null);
}

/** Live conversations (not resolved) by status: assigned to `userId`, unassigned, and all visible. */
export async function countLiveConversations(
  db: Kysely<Database>,
  workspaceId: string,
  userId: string | null,
  visibleTeamIds: string[] | null,
  myTeamIds: string[] = [],
): Promise<Record<'open' | 'pending' | 'snoozed', { mine: number; unassigned: number; teams: number; all: number }>> {
  // Reads only the partial index of live conversations: the resolved history is never counted.
  let q = db
    .selectFrom('conversations')
    .select((eb) => [
      'status',
      eb.fn.countAll<string>().as('all'),
      sql<string>`count(*) FILTER (WHERE assignee_id IS NULL)`.as('unassigned'),
      sql<string>`count(*) FILTER (WHERE assignee_id = ${userId})`.as('mine'),
      sql<string>`count(*) FILTER (WHERE team_id = ANY(${myTeamIds}::uuid[]))`.as('teams'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('status', '<>', 'resolved');
  if (visibleTeamIds) q = q.where(visibleTo(visibleTeamIds));
  const rows = await q.groupBy('status').execute();
  const zero = () => ({ mine: 0, unassigned: 0, teams: 0, all: 0 });
  const out = { open: zero(), pending: zero(), snoozed: zero() };
  for (const r of rows) {
    if (r.status === 'resolved') continue;
    out[r.status] = { mine: Number(r.mine), unassigned: Number(r.unassigned), teams: Number(r.teams), all: Number(r.all) };
  }
  return out;
}

/** Narrows a query over conversations to those the filter names (the same for every sort). */
export function filterConversations<O>(
  query: SelectQueryBuilder<Database, 'conversations', O>,
  workspaceId: string,
  filter: ConversationFilter,
): SelectQueryBuilder<Database, 'conversations', O> {
  let q = query.where('conversations.workspace_id', '=', workspaceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.channelAccountId) q = q.where('channel_account_id', '=', filter.channelAccountId);
  if (filter.channelKind) {
    const kind = filter.channelKind;
    q = q.where('channel_account_id', 'in', (eb) =>
      eb.selectFrom('channel_accounts').select('id').where('workspace_id', '=', workspaceId).where('kind', '=', kind),
    );
  }
  if (filter.assigneeId === 'none') q = q.where('assignee_id', 'is', null);
  else if (filter.assigneeId) q = q.where('assignee_id', '=', filter.assigneeId);
  if (filter.teamId) q = q.where('team_id', '=', filter.teamId);
  if (filter.teamIds) q = filter.teamIds.length > 0 ? q.where('team_id', 'in', filter.teamIds) : q.where(sql<boolean>`false`);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.tag) q = q.where(sql<boolean>`(${filter.tag} = ANY(tags))`);
  if (filter.minPriority !== undefined) q = q.where('priority', '>=', filter.minPriority);
  if (filter.origin) q = q.where('origin', '=', filter.origin);
  if (filter.q?.trim()) q = q.where(matchesSearch(workspaceId, filter.q.trim()));
  if (filter.visibleTeamIds) q = q.where(visibleTo(filter.visibleTeamIds));
  return q;
}

/** Conversations newest activity first, one page at a time. */
export async function listConversations(
  db: Kysely<Database>,
  workspaceId: string,
  filter: ConversationFilter,
  page: { cursor?: string; limit: number },
): Promise<Page<Conversation>> {
  let q = filterConversations(db.selectFrom('conversations').selectAll('conversations'), workspaceId, filter);
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    q = q.where(sql<boolean>`(last_message_at, id) < (${new Date(c.at)}, ${c.id}::uuid)`);
  }
  const rows = await q
    .orderBy('last_message_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toConversation, (c) => c.lastMessageAt);
}

/** One conversation of the workspace, or a `not_found` error. */
export async function getConversation(db: Kysely<Database>, workspaceId: string, id: string): Promise<Conversation> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new CentralitaError('not_found', `No conversation ${id} in this workspace.`);
  return toConversation(row);
}

/**
 * The conversation's row, locked until the transaction ends (so concurrent changes to it queue
 * up), or `not_found` if it is not in this workspace.
 */
export async function lockConversation(trx: Kysely<Database>, workspaceId: string, id: string): Promise<Selectable<ConversationsTable>> {
  const row = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new CentralitaError('not_found', `No conversation ${id} in this workspace.`);
  return row;
}

/**
 * Changes a conversation's status under a row lock, so two agents pressing "resolve" at once get
 * one change and one clear refusal. Returns the updated conversation.
 */
export async function changeStatus(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  action: StatusAction,
  actor: Actor,
  now: Date,
): Promise<Conversation> {
  return db.transaction().execute(async (trx) => {
    const row = await lockConversation(trx, workspaceId, id);
    const patch = applyStatusAction({ status: row.status, snoozedUntil: row.snoozed_until, resolvedAt: row.resolved_at }, action, now);
    const updated = await trx
      .updateTable('conversations')
      .set({ status: patch.status, snoozed_until: patch.snoozedUntil, resolved_at: patch.resolvedAt })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvent(trx, {
      workspaceId,
      conversationId: id,
      type: 'conversation.status_changed',
      actor,
      data: { from: row.status, to: patch.status, snoozedUntil: patch.snoozedUntil?.toISOString() ?? null },
    });
    if (action.type === 'snooze') {
      await sql`SELECT graphile_worker.add_job('wake_snoozed', json_build_object('conversationId', ${id}::text, 'workspaceId', ${workspaceId}::text), run_at => ${action.until}, job_key => ${`wake:${id}`}, job_key_mode => 'replace')`.execute(
        trx,
      );
    }
    return toConversation(updated);
  });
}
