import { isDeepStrictEqual } from 'node:util';
import { SYSTEM_ACTOR } from '@centralita/core';
import type { ConversationsTable, Database, NewEvent } from '@centralita/db';
import { compactExplanation, type Decision, pickSlaPolicy, queueKey, slaDueAt } from '@centralita/routing';
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { ClaimedRow } from './queue.ts';
import type { Snapshot, TeamRouting } from './snapshot.ts';

/** What one routing run did with the queue. */
export interface DispatchResult {
  assigned: number;
  offered: number;
  waiting: number;
}

/**
 * What a routing decision writes: the conversation's columns, its events, the timers it needs,
 * and the agent's place, taken in the same statement that assigns.
 */

/** The database's clock, for "looked at in this run" (see Dispatcher.dispatch). */
export const DB_NOW = sql<Date>`clock_timestamp()`;

function event(snap: Snapshot, conversationId: string, type: NewEvent['type'], data: Record<string, unknown>): NewEvent {
  return { workspaceId: snap.workspaceId, conversationId, type, actor: SYSTEM_ACTOR, data };
}

/**
 * Deadlines the conversation does not have yet: the first response from its first message, the
 * next from the customer's oldest unanswered one, in the team's business hours.
 */
export function slaDeadlines(
  row: {
    awaiting_reply_since: Date | null;
    first_responded_at: Date | null;
    first_response_due_at: Date | null;
    next_response_due_at: Date | null;
    created_at: Date;
  },
  snap: Pick<Snapshot, 'policies' | 'timezone'>,
  team: TeamRouting | undefined,
  decision: Pick<Decision, 'priority' | 'teamId'>,
): { first_response_due_at?: Date; next_response_due_at?: Date } {
  if (!row.awaiting_reply_since) return {};
  const policy = pickSlaPolicy(snap.policies, decision.teamId, decision.priority);
  if (!policy) return {};
  const hours = { hours: team?.hours ?? null, timezone: team?.timezone ?? snap.timezone };
  if (!row.first_responded_at && !row.first_response_due_at) {
    const due = slaDueAt(policy, 'first', row.created_at, hours);
    return due ? { first_response_due_at: due } : {};
  }
  if (row.first_responded_at && !row.next_response_due_at) {
    const due = slaDueAt(policy, 'next', row.awaiting_reply_since, hours);
    return due ? { next_response_due_at: due } : {};
  }
  return {};
}

/** A wait decision that changes nothing a console shows (same explanation, order and clocks). */
export function unchanged(row: ClaimedRow, plan: WritePlan): boolean {
  const u = plan.update;
  // The escalation timer is left out: with the same level and wait it is the one already set.
  return (
    plan.events.length === 0 &&
    u.first_response_due_at === undefined &&
    u.next_response_due_at === undefined &&
    u.language === undefined &&
    u.team_id === row.team_id &&
    u.priority === row.priority &&
    (u.queue_key as Date | undefined)?.getTime() === row.queue_key?.getTime() &&
    isDeepStrictEqual(JSON.parse(String(u.routing_explanation)), row.routing_explanation)
  );
}

export interface WritePlan {
  kind: keyof DispatchResult;
  update: Updateable<ConversationsTable>;
  events: NewEvent[];
  timers: [string, Date][];
}

/** What a decision changes: the conversation's columns, its events and the timers it needs. */
export function planWrite(row: ClaimedRow, snap: Snapshot, decision: Decision, detectedLanguage: string | null, now: Date): WritePlan {
  const team = decision.teamId ? snap.teams.get(decision.teamId) : undefined;
  const compact = compactExplanation(decision);
  const sla = slaDeadlines(row, snap, team, decision);
  const due = sla.first_response_due_at ?? row.first_response_due_at ?? sla.next_response_due_at ?? row.next_response_due_at ?? null;
  const timers: [string, Date][] = [];
  for (const d of [sla.first_response_due_at, sla.next_response_due_at]) if (d) timers.push([`sla:${row.id}:${d.getTime()}`, d]);
  const base: Updateable<ConversationsTable> = {
    team_id: decision.teamId,
    priority: decision.priority,
    routing_rule: decision.ruleId,
    escalation_level: decision.escalationLevel,
    routing_explanation: JSON.stringify(compact),
    queue_key: queueKey(row.waiting_since, decision.priority, snap.ruleSet.agingMinutes, due),
    ...(detectedLanguage ? { language: detectedLanguage } : {}),
    ...sla,
  };
  if (decision.agentId && team?.assignment === 'offer') {
    const expires = new Date(now.getTime() + team.offerTimeoutSeconds * 1000);
    timers.push([`offer:${row.id}`, expires]);
    return {
      kind: 'offered',
      update: { ...base, offered_to: decision.agentId, offer_expires_at: expires },
      events: [
        event(snap, row.id, 'conversation.offered', { agentId: decision.agentId, expiresAt: expires.toISOString(), routing: compact }),
      ],
      timers,
    };
  }
  if (decision.agentId) {
    return {
      kind: 'assigned',
      update: { ...base, assignee_id: decision.agentId, assigned_at: now, declined_by: [] },
      events: [event(snap, row.id, 'conversation.assigned', { agentId: decision.agentId, by: 'routing', routing: compact })],
      timers,
    };
  }
  if (decision.nextEscalationAt) timers.push([`escalate:${row.id}`, decision.nextEscalationAt]);
  // One event when it starts waiting and one per escalation, not one per pass.
  const changed = row.routing_rule === null || row.escalation_level !== decision.escalationLevel || row.routing_rule !== decision.ruleId;
  return {
    kind: 'waiting',
    update: base,
    events: changed ? [event(snap, row.id, 'conversation.queued', { routing: compact })] : [],
    timers,
  };
}

/**
 * The decision's writes in one statement. With an agent, the statement first claims a place with
 * them: an UPDATE of their profile row that only matches while they are online with room on this
 * channel and in total. PostgreSQL re-checks that condition on the row's newest version after
 * waiting for any other transaction holding it, and the load lives on that row (kept by a
 * trigger), so two nodes cannot both take an agent's last place. If it does not match, nothing
 * is written and null comes back.
 */
export async function writeDecision(
  trx: Kysely<Database>,
  conversationId: string,
  plan: WritePlan,
  agentId: string | null,
  channel: string,
  now: Date,
  markSeen: boolean,
): Promise<Selectable<ConversationsTable> | null> {
  const seen = markSeen ? { routed_at: DB_NOW } : {};
  // The events go in the same statement as the update (a CTE), not in one of their own: without
  // an agent that halved the statements of each routed web-form post.
  const logged = (where: ReturnType<typeof sql>) =>
    sql`SELECT * FROM (VALUES ${sql.join(
      plan.events.map(
        (e) =>
          sql`(${e.workspaceId}::uuid, ${e.conversationId}::uuid, ${e.type}, ${e.actor.type}, ${e.actor.id}::uuid, ${JSON.stringify(e.data)}::jsonb)`,
      ),
    )}) AS v ${where}`;
  const eventColumns = ['workspace_id', 'conversation_id', 'type', 'actor_type', 'actor_id', 'data'] as const;
  if (!agentId) {
    if (plan.events.length === 0) {
      return trx
        .updateTable('conversations')
        .set({ ...plan.update, ...seen })
        .where('id', '=', conversationId)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    return trx
      .with('logged', (db) =>
        db
          .insertInto('events')
          .columns([...eventColumns])
          .expression(logged(sql``)),
      )
      .updateTable('conversations')
      .set({ ...plan.update, ...seen })
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  let q = trx.with('place', (db) =>
    db
      .updateTable('agent_profiles')
      .set({ last_assigned_at: now })
      .where('user_id', '=', agentId)
      .where('status', '=', 'online')
      .where(sql<boolean>`load_total < capacity_total`)
      .where(
        sql<boolean>`((capacity_channels ->> ${channel}) IS NULL OR COALESCE((load_channels ->> ${channel})::int, 0) < (capacity_channels ->> ${channel})::int)`,
      )
      .returning('user_id'),
  );
  if (plan.events.length > 0) {
    q = q.with('logged', (db) =>
      db
        .insertInto('events')
        .columns([...eventColumns])
        .expression(logged(sql`WHERE EXISTS (SELECT 1 FROM place)`)),
    ) as unknown as typeof q;
  }
  const row = await q
    .updateTable('conversations')
    .set({ ...plan.update, ...seen })
    .where('id', '=', conversationId)
    .where(sql<boolean>`EXISTS (SELECT 1 FROM place)`)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Several conversations' decisions to wait (no agent to take a place with) in one statement: each
 * row gets exactly the columns its plan sets (`routed_at` too) and every plan's events are
 * inserted, as `writeDecision` would write them one by one. A surge of new conversations with no
 * agent free made that one statement per conversation, the largest share of routing's time.
 * Returns the updated rows by id.
 */
export async function writeWaitingDecisions(
  trx: Kysely<Database>,
  writes: { conversationId: string; plan: WritePlan }[],
): Promise<Map<string, Selectable<ConversationsTable>>> {
  const written = new Map<string, Selectable<ConversationsTable>>();
  if (writes.length === 0) return written;
  const columns = [...new Set(writes.flatMap((w) => Object.keys(w.plan.update)))];
  const patches = writes.map((w) => {
    const set: Record<string, unknown> = { ...w.plan.update };
    // The one jsonb column a decision writes arrives serialised, as kysely takes it; here it goes inside JSON.
    if (typeof set.routing_explanation === 'string') set.routing_explanation = JSON.parse(set.routing_explanation);
    return { id: w.conversationId, patch: set };
  });
  // A column some plans leave out (a language already known, deadlines already set) keeps its value in those rows.
  const assignments = columns.map(
    (c) =>
      sql`${sql.id(c)} = CASE WHEN v.patch ? ${c} THEN (jsonb_populate_record(NULL::conversations, v.patch)).${sql.id(c)} ELSE c.${sql.id(c)} END`,
  );
  const events = writes.flatMap((w) => w.plan.events);
  const logged =
    events.length === 0
      ? sql``
      : sql`, logged AS (
          INSERT INTO events (workspace_id, conversation_id, type, actor_type, actor_id, data)
          VALUES ${sql.join(
            events.map(
              (e) =>
                sql`(${e.workspaceId}::uuid, ${e.conversationId}::uuid, ${e.type}, ${e.actor.type}, ${e.actor.id}::uuid, ${JSON.stringify(e.data)}::jsonb)`,
            ),
          )}
        )`;
  const rows = await sql<Selectable<ConversationsTable>>`
    WITH v AS (SELECT (x ->> 'id')::uuid AS id, x -> 'patch' AS patch FROM jsonb_array_elements(${JSON.stringify(patches)}::jsonb) AS x)${logged}
    UPDATE conversations AS c SET ${sql.join(assignments)}, routed_at = ${DB_NOW}
    FROM v WHERE c.id = v.id
    RETURNING c.*`.execute(trx);
  for (const r of rows.rows) written.set(r.id, r);
  return written;
}
