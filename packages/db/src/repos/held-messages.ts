import type { Actor } from '@centralita/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { appendEvent } from './events.ts';
import { findMessage, type StoredMessage } from './messages.ts';

/**
 * Marks a queued reply as waiting, with the reason the agent reads ("Waiting for budget: ...").
 * It stays `queued`: held is not failed. Returns the message when the reason changed (a repeat of
 * the same hold writes nothing and says nothing), else null; a reply that is no longer queued is
 * left alone.
 */
export async function holdMessage(
  db: Kysely<Database>,
  where: { workspaceId: string; messageId: string },
  reason: string,
): Promise<StoredMessage | null> {
  const changed = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('messages')
      .set({ hold_reason: reason })
      .where('workspace_id', '=', where.workspaceId)
      .where('id', '=', where.messageId)
      .where('direction', '=', 'outbound')
      .where('delivery_state', '=', 'queued')
      .where(sql<boolean>`hold_reason IS DISTINCT FROM ${reason}`)
      .returning(['id', 'conversation_id'])
      .executeTakeFirst();
    if (!row) return false;
    await appendEvent(trx, {
      workspaceId: where.workspaceId,
      conversationId: row.conversation_id,
      type: 'message.held',
      actor: { type: 'system', id: null },
      data: { messageId: row.id, reason },
    });
    return true;
  });
  return changed ? findMessage(db, where.workspaceId, where.messageId) : null;
}

/**
 * Sends an account's held replies now (its budget was raised or removed): each loses its hold
 * and its `send_message` job is moved to now, keeping the attempts it had, so waiting used none
 * of them. A reply whose job is running is left to it; one whose job is missing gets a new one.
 * Returns the replies released, for the consoles.
 */
export async function releaseHeldMessages(
  db: Kysely<Database>,
  where: { workspaceId: string; channelAccountId: string },
  actor: Actor,
): Promise<StoredMessage[]> {
  const ids = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('messages')
      .set({ hold_reason: null })
      .where('workspace_id', '=', where.workspaceId)
      .where('channel_account_id', '=', where.channelAccountId)
      .where('hold_reason', 'is not', null)
      .where('delivery_state', '=', 'queued')
      .returning(['id', 'conversation_id'])
      .execute();
    if (rows.length === 0) return [];
    const keys = rows.map((r) => `send:${r.id}`);
    // reschedule_jobs skips a job a worker holds: that attempt is under way already.
    await sql`SELECT graphile_worker.reschedule_jobs(
        ARRAY(SELECT id FROM graphile_worker.jobs WHERE key = ANY(${keys}::text[]) AND task_identifier = 'send_message'),
        run_at => now())`.execute(trx);
    for (const r of rows) {
      // unsafe_dedupe adds the job only where none has the key (a job lost to a restore).
      await sql`SELECT graphile_worker.add_job('send_message',
          json_build_object('messageId', ${r.id}::text, 'workspaceId', ${where.workspaceId}::text),
          job_key => ${`send:${r.id}`}, max_attempts => 10, job_key_mode => 'unsafe_dedupe')`.execute(trx);
      await appendEvent(trx, {
        workspaceId: where.workspaceId,
        conversationId: r.conversation_id,
        type: 'message.queued',
        actor,
        data: { messageId: r.id, released: true },
      });
    }
    return rows.map((r) => r.id);
  });
  const messages = await Promise.all(ids.map((id) => findMessage(db, where.workspaceId, id)));
  return messages.filter((m): m is StoredMessage => m !== null);
}
