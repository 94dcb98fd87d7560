import { type Conversation, SYSTEM_ACTOR } from '@centralita/core';
import { appendEvents, type ConversationsTable, type Database, type NewEvent, toConversation } from '@centralita/db';
import { LocalClock } from '@centralita/routing';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dispatcher } from './dispatch.ts';
import { loadAgents, loadTeams } from './snapshot.ts';

export interface SweepResult {
  offersExpired: number;
  rerouted: number;
  breaches: number;
}

type Row = Selectable<ConversationsTable> & { previous_agent: string };

/**
 * Everything time makes due in a workspace, by the dispatcher's clock: expired offers go to the
 * next agent; conversations held by agents who went offline or whose shift ended, or who did not
 * answer in the team's time, go back to the queue; passed SLA deadlines become breach events.
 * Then the queue is routed. Idempotent: a timer that fires twice does nothing the second time.
 */
export async function sweep(
  dispatcher: Dispatcher,
  workspaceId: string,
  notify: (c: Conversation, previousHolder: string | null) => void,
  options: { dueAt?: Date } = {},
): Promise<SweepResult> {
  const db = dispatcher.db;
  // A timer fires by the database's clock; a node whose clock is a little behind must still treat
  // what the timer was for as due, or it would wait for the next sweep.
  const clockNow = dispatcher.now();
  const now = options.dueAt && options.dueAt > clockNow ? options.dueAt : clockNow;
  const result: SweepResult = { offersExpired: 0, rerouted: 0, breaches: 0 };
  const changed: [Conversation, string | null][] = [];

  await db.transaction().execute(async (trx) => {
    const expired = await release(
      trx,
      sql`workspace_id = ${workspaceId} AND offered_to IS NOT NULL AND offer_expires_at <= ${now}`,
      'offered_to',
      sql`offered_to = NULL, offer_expires_at = NULL, routed_at = NULL, declined_by = array_append(c.declined_by, due.previous_agent)`,
    );
    await appendEvents(
      trx,
      expired.map((r) => ev(r, 'conversation.offer_declined', { agentId: r.previous_agent, reason: 'timeout' })),
    );
    result.offersExpired = expired.length;
    changed.push(...expired.map((r): [Conversation, string] => [toConversation(r), r.previous_agent]));
  });

  const [agents, teams] = await Promise.all([loadAgents(db, workspaceId), loadTeams(db, workspaceId)]);
  const clock = new LocalClock(now);
  const shiftEnded: string[] = [];
  for (const a of agents) {
    if (a.status === 'offline' || !a.schedule) continue;
    const t = clock.tryIn(a.schedule.timezone ?? a.timezone);
    if (t && !a.schedule.covers(t).on) shiftEnded.push(a.id);
  }
  const keep = [...teams.values()].filter((t) => !t.rerouteWhenUnavailable).map((t) => t.id);
  await db.transaction().execute(async (trx) => {
    // Offline (or deactivated) is read in the statement itself, so an agent who came back online
    // meanwhile keeps their conversations. They are not marked as having declined: once back,
    // they may get them again.
    const released = await release(
      trx,
      sql`workspace_id = ${workspaceId} AND status = 'open' AND (team_id IS NULL OR NOT (team_id = ANY(${keep}::uuid[])))
        AND (assignee_id = ANY(${shiftEnded}::uuid[]) OR assignee_id IN (
          SELECT p.user_id FROM agent_profiles p JOIN users u ON u.id = p.user_id
          WHERE p.workspace_id = ${workspaceId} AND (p.status = 'offline' OR NOT u.active)))`,
      'assignee_id',
      sql`assignee_id = NULL, assigned_at = NULL, routed_at = NULL, waiting_since = ${now}`,
    );
    await appendEvents(
      trx,
      released.map((r) =>
        ev(r, 'conversation.unassigned', {
          agentId: r.previous_agent,
          reason: shiftEnded.includes(r.previous_agent) ? 'shift_ended' : 'offline',
        }),
      ),
    );
    result.rerouted += released.length;
    changed.push(...released.map((r): [Conversation, string] => [toConversation(r), r.previous_agent]));
    for (const team of teams.values()) {
      if (!team.reassignUnansweredMinutes) continue;
      const cutoff = new Date(now.getTime() - team.reassignUnansweredMinutes * 60_000);
      const released = await release(
        trx,
        sql`team_id = ${team.id} AND status = 'open' AND assignee_id IS NOT NULL AND awaiting_reply_since IS NOT NULL
          AND GREATEST(assigned_at, awaiting_reply_since) <= ${cutoff}`,
        'assignee_id',
        sql`assignee_id = NULL, assigned_at = NULL, routed_at = NULL, waiting_since = ${now}, declined_by = array_append(c.declined_by, due.previous_agent)`,
      );
      await appendEvents(
        trx,
        released.map((r) =>
          ev(r, 'conversation.unassigned', { agentId: r.previous_agent, reason: 'no_answer', minutes: team.reassignUnansweredMinutes }),
        ),
      );
      result.rerouted += released.length;
      changed.push(...released.map((r): [Conversation, string] => [toConversation(r), r.previous_agent]));
    }
  });

  await db.transaction().execute(async (trx) => {
    const first = await sql<Selectable<ConversationsTable>>`
      UPDATE conversations SET sla_breached = array_append(sla_breached, 'first_response')
      WHERE workspace_id = ${workspaceId} AND first_response_due_at <= ${now} AND first_responded_at IS NULL
        AND NOT ('first_response' = ANY(sla_breached)) AND status <> 'resolved'
      RETURNING *`.execute(trx);
    const next = await sql<Selectable<ConversationsTable>>`
      UPDATE conversations SET sla_breached = array_append(sla_breached, 'next_response:' || (extract(epoch FROM next_response_due_at) * 1000)::bigint)
      WHERE workspace_id = ${workspaceId} AND next_response_due_at <= ${now} AND awaiting_reply_since IS NOT NULL
        AND NOT (('next_response:' || (extract(epoch FROM next_response_due_at) * 1000)::bigint) = ANY(sla_breached)) AND status <> 'resolved'
      RETURNING *`.execute(trx);
    await appendEvents(trx, [
      ...first.rows.map((r) =>
        ev(r, 'conversation.sla_breached', { kind: 'first_response', dueAt: r.first_response_due_at?.toISOString() }),
      ),
      ...next.rows.map((r) => ev(r, 'conversation.sla_breached', { kind: 'next_response', dueAt: r.next_response_due_at?.toISOString() })),
    ]);
    result.breaches = first.rows.length + next.rows.length;
    changed.push(...[...first.rows, ...next.rows].map((r): [Conversation, null] => [toConversation(r), null]));
  });

  for (const [c, previous] of changed) notify(c, previous);
  await dispatcher.kick(workspaceId);
  return result;
}

/**
 * Takes conversations away from whoever holds them, skipping rows another node is changing right
 * now (they are caught by the next sweep), and returns them with who held them.
 */
async function release(
  trx: Kysely<Database>,
  where: ReturnType<typeof sql>,
  holder: 'offered_to' | 'assignee_id',
  set: ReturnType<typeof sql>,
): Promise<Row[]> {
  const out = await sql<Row>`
    WITH due AS (
      SELECT id, ${sql.ref(holder)} AS previous_agent FROM conversations WHERE ${where} FOR NO KEY UPDATE SKIP LOCKED
    )
    UPDATE conversations c SET ${set}
    FROM due WHERE c.id = due.id
    RETURNING c.*, due.previous_agent`.execute(trx);
  return out.rows;
}

function ev(r: Selectable<ConversationsTable>, type: NewEvent['type'], data: Record<string, unknown>): NewEvent {
  return { workspaceId: r.workspace_id, conversationId: r.id, type, actor: SYSTEM_ACTOR, data };
}
