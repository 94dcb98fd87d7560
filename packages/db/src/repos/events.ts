import type { Actor, ConversationEvent, ConversationEventType } from '@centralita/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface NewEvent {
  workspaceId: string;
  conversationId: string;
  type: ConversationEventType;
  actor: Actor;
  data: Record<string, unknown>;
}

/** Appends one event to the conversation's log; call it inside the change's own transaction. */
export async function appendEvent(db: Kysely<Database>, e: NewEvent): Promise<void> {
  await appendEvents(db, [e]);
}

/** Appends several events in one statement, in the order given (their seq follows it). */
export async function appendEvents(db: Kysely<Database>, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('events')
    .values(
      events.map((e) => ({
        workspace_id: e.workspaceId,
        conversation_id: e.conversationId,
        type: e.type,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}

/** The conversation's events in the order they happened, after the `afterSeq` cursor. */
export async function listEvents(
  db: Kysely<Database>,
  workspaceId: string,
  conversationId: string,
  opts: { afterSeq?: string; limit: number },
): Promise<(ConversationEvent & { seq: string })[]> {
  let q = db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('seq', 'asc')
    .limit(opts.limit);
  if (opts.afterSeq) q = q.where('seq', '>', opts.afterSeq);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    seq: String(r.seq),
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    type: r.type as ConversationEventType,
    actor: { type: r.actor_type, id: r.actor_id },
    data: r.data,
    createdAt: r.created_at,
  }));
}
