import type { Actor, Conversation } from '@centralita/core';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import { toConversation } from './conversations.ts';
import { appendEvents } from './events.ts';
import { type StoredMessage, toMessage } from './messages.ts';

// The fan-out of a broadcast (repos/broadcasts.ts): chunks of pending recipients become queued
// messages with their send jobs, one transaction per chunk; a sent one answers its conversation.

/** A pending recipient, locked by the fan-out chunk that claimed it. */
export interface ClaimedRecipient {
  conversationId: string;
  priority: number;
  channelAccountId: string;
  channelKind: string;
  visibility: 'public' | 'private';
}

/**
 * Serialises the fan-out chunks of one incident's broadcasts until the transaction ends: each
 * chunk numbers its messages' `{ref}` after the ones already queued, so two chunks at once (a
 * retry racing a slow run, an update and the closing) must not count the same ones.
 */
export async function lockIncidentFanOut(trx: Transaction<Database>, incidentId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`broadcast-fanout:${incidentId}`}, 0))`.execute(trx);
}

/** Whether any recipient is still pending, locked by another fan-out run or not. */
export async function hasPendingRecipients(db: Kysely<Database>, broadcastId: string): Promise<boolean> {
  const row = await db
    .selectFrom('broadcast_recipients')
    .select('conversation_id')
    .where('broadcast_id', '=', broadcastId)
    .where('state', '=', 'pending')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The most urgent pending recipients, locked for this transaction. SKIP LOCKED: a second fan-out
 * run (a retry racing a slow first one) takes other rows instead of waiting for these.
 */
export async function claimPendingRecipients(trx: Transaction<Database>, broadcastId: string, limit: number): Promise<ClaimedRecipient[]> {
  const rows = await trx
    .selectFrom('broadcast_recipients')
    .select(['conversation_id', 'priority', 'channel_account_id', 'channel_kind', 'visibility'])
    .where('broadcast_id', '=', broadcastId)
    .where('state', '=', 'pending')
    .orderBy('priority', 'desc')
    .orderBy('conversation_id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => ({
    conversationId: r.conversation_id,
    priority: r.priority,
    channelAccountId: r.channel_account_id as string,
    channelKind: r.channel_kind as string,
    visibility: r.visibility ?? 'private',
  }));
}

/**
 * How many recipients each lane (account and visibility) has queued so far, and how many messages
 * the incident's broadcasts have queued: the next pacing slot, and the next `{ref}` counter.
 */
export async function fanOutCounters(
  trx: Transaction<Database>,
  broadcast: { id: string; incidentId: string },
): Promise<{ lanes: Map<string, number>; incidentQueued: number }> {
  const lanes = await trx
    .selectFrom('broadcast_recipients')
    .select(['channel_account_id', 'visibility', (eb) => eb.fn.countAll<string>().as('n')])
    .where('broadcast_id', '=', broadcast.id)
    .where('state', '=', 'queued')
    .groupBy(['channel_account_id', 'visibility'])
    .execute();
  const total = await trx
    .selectFrom('broadcast_recipients as r')
    .innerJoin('incident_broadcasts as b', 'b.id', 'r.broadcast_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('b.incident_id', '=', broadcast.incidentId)
    .where('r.state', '=', 'queued')
    .executeTakeFirstOrThrow();
  return {
    lanes: new Map(lanes.map((l) => [`${l.channel_account_id}:${l.visibility}`, Number(l.n)])),
    incidentQueued: Number(total.n),
  };
}

/**
 * A broadcast send's job priority (graphile-worker runs lower numbers first): behind every
 * reply and timer (their priority is -conversation priority, within -1000..1000, or 0), and among
 * broadcast sends the most urgent conversation first.
 */
export function broadcastJobPriority(conversationPriority: number): number {
  return 3_000 - Math.max(-1_000, Math.min(1_000, conversationPriority));
}

/** One message the fan-out queues, with when its send job may run. */
export interface BroadcastMessage {
  conversationId: string;
  channelAccountId: string;
  visibility: 'public' | 'private';
  text: string;
  metadata: Record<string, unknown>;
  runAt: Date;
  /** The conversation's priority: its job goes ahead of less urgent ones. */
  priority: number;
}

/**
 * Queues a chunk's messages as a system author, each with its `send_message` job (the same key
 * and attempts as any reply), and marks their recipients queued: one transaction, so a crash
 * leaves the chunk either wholly queued or still pending, never sent twice.
 */
export async function queueBroadcastMessages(
  trx: Transaction<Database>,
  where: { workspaceId: string; broadcastId: string },
  items: readonly BroadcastMessage[],
  now: Date,
): Promise<{ message: StoredMessage; conversation: Conversation }[]> {
  if (items.length === 0) return [];
  const rows = await trx
    .insertInto('messages')
    .values(
      items.map((m) => ({
        workspace_id: where.workspaceId,
        conversation_id: m.conversationId,
        channel_account_id: m.channelAccountId,
        direction: 'outbound' as const,
        visibility: m.visibility,
        author_type: 'system' as const,
        author_id: null,
        text: m.text,
        delivery_state: 'queued' as const,
        metadata: JSON.stringify(m.metadata),
        created_at: now,
      })),
    )
    .returningAll()
    .execute();
  const byConversation = new Map(rows.map((r) => [r.conversation_id, r]));
  // A system message answers nobody: the clocks keep running until it is sent (see markAnswered).
  const convs = await trx
    .updateTable('conversations')
    .set({ last_message_at: now })
    .where('workspace_id', '=', where.workspaceId)
    .where(
      'id',
      'in',
      rows.map((r) => r.conversation_id),
    )
    .returningAll()
    .execute();
  await appendEvents(
    trx,
    rows.map((r) => ({
      workspaceId: where.workspaceId,
      conversationId: r.conversation_id,
      type: 'message.queued' as const,
      actor: { type: 'system', id: null } satisfies Actor,
      data: { messageId: r.id, broadcastId: where.broadcastId },
    })),
  );
  const specs = items.map((m) => {
    const id = (byConversation.get(m.conversationId) as { id: string }).id;
    return {
      identifier: 'send_message',
      payload: { messageId: id, workspaceId: where.workspaceId },
      run_at: m.runAt.toISOString(),
      max_attempts: 10,
      job_key: `send:${id}`,
      priority: broadcastJobPriority(m.priority),
    };
  });
  await sql`SELECT count(*) FROM graphile_worker.add_jobs(
    array(SELECT json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json)))`.execute(trx);
  await sql`UPDATE broadcast_recipients r SET state = 'queued', message_id = x.message_id
    FROM unnest(${rows.map((r) => r.conversation_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[]) AS x(conversation_id, message_id)
    WHERE r.broadcast_id = ${where.broadcastId} AND r.conversation_id = x.conversation_id`.execute(trx);
  const convById = new Map(convs.map((c) => [c.id, toConversation(c)]));
  return rows.map((r) => ({ message: toMessage(r), conversation: convById.get(r.conversation_id) as Conversation }));
}

/** Recipients the fan-out found it cannot send to after all (the text is too long for the channel). */
export async function skipRecipients(
  trx: Transaction<Database>,
  broadcastId: string,
  skipped: readonly { conversationId: string; reason: string }[],
): Promise<void> {
  if (skipped.length === 0) return;
  await sql`UPDATE broadcast_recipients r SET state = 'skipped', skip_reason = x.reason
    FROM unnest(${skipped.map((s) => s.conversationId)}::uuid[], ${skipped.map((s) => s.reason)}::text[]) AS x(conversation_id, reason)
    WHERE r.broadcast_id = ${broadcastId} AND r.conversation_id = x.conversation_id AND r.state = 'pending'`.execute(trx);
}

/** Skips every recipient still pending with `reason` (a fan-out that gave up). Returns how many. */
export async function skipPendingRecipients(db: Kysely<Database>, broadcastId: string, reason: string): Promise<number> {
  const res = await db
    .updateTable('broadcast_recipients')
    .set({ state: 'skipped', skip_reason: reason })
    .where('broadcast_id', '=', broadcastId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * A broadcast message the channel accepted after a cancel had failed it (the send was already
 * with the channel): it went out, so it is sent, not failed. Null for any other message.
 */
export async function sentAfterCancel(
  db: Kysely<Database>,
  where: { workspaceId: string; messageId: string },
  state: 'sent' | 'delivered',
): Promise<StoredMessage | null> {
  const row = await db
    .updateTable('messages')
    .set({ delivery_state: state, failure_reason: null })
    .where('workspace_id', '=', where.workspaceId)
    .where('id', '=', where.messageId)
    .where('delivery_state', '=', 'failed')
    .where(sql<boolean>`metadata ? 'broadcast' AND failure_reason LIKE 'Cancelled by %'`)
    .returningAll()
    .executeTakeFirst();
  return row ? toMessage(row) : null;
}

/**
 * Marks a conversation answered by a broadcast message that was just sent, as a person's reply
 * would (the first response, the clocks stopped), unless someone answered first; and the
 * incident's first update. The reply clock stops only when the customer has not written since the
 * message was queued (`queuedAt`): an update planned hours ago does not answer what they wrote
 * after it. Idempotent (a send job's rerun calls it again). Null when the conversation is gone.
 */
export async function markAnsweredByBroadcast(
  db: Kysely<Database>,
  where: { workspaceId: string; conversationId: string; incidentId: string; queuedAt: Date },
  now: Date,
): Promise<Conversation | null> {
  const answered = sql<boolean>`awaiting_reply_since <= ${where.queuedAt}`;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('conversations')
      .set({
        first_responded_at: sql<Date>`COALESCE(first_responded_at, ${now})`,
        first_response_kind: sql<'agent' | 'broadcast'>`COALESCE(first_response_kind, 'broadcast')`,
        first_response_due_at: null,
        awaiting_reply_since: sql<Date | null>`CASE WHEN ${answered} THEN NULL ELSE awaiting_reply_since END`,
        next_response_due_at: sql<Date | null>`CASE WHEN ${answered} THEN NULL ELSE next_response_due_at END`,
      })
      .where('workspace_id', '=', where.workspaceId)
      .where('id', '=', where.conversationId)
      .returningAll()
      .executeTakeFirst();
    await trx
      .updateTable('incident_links')
      .set({ first_update_at: now })
      .where('incident_id', '=', where.incidentId)
      .where('conversation_id', '=', where.conversationId)
      .where('first_update_at', 'is', null)
      .execute();
    await trx
      .updateTable('incidents')
      .set({ first_update_at: now })
      .where('workspace_id', '=', where.workspaceId)
      .where('id', '=', where.incidentId)
      .where('first_update_at', 'is', null)
      .execute();
    return row ? toConversation(row) : null;
  });
}
