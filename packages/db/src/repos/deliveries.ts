import type { DeliveryState } from '@centralita/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { listAttachments } from './attachments.ts';
import { appendEvent, appendEvents, type NewEvent } from './events.ts';
import { type StoredMessage, toMessage, withFiles } from './messages.ts';

// What became of the messages we sent: the send job's own outcome, and the channel's receipts
// (sent, delivered, read, failed), which may name any part of a split message and may arrive
// before the send job has recorded the ids.

const ORDER: Record<DeliveryState, number> = { received: 0, queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/**
 * Records a delivery outcome. States only move forward (a late "sent" never overwrites "read"),
 * and a failure keeps its reason. A channel's receipt may name any part of a split message. The
 * ids a send returns are kept, one per part, so a customer's answer to any part threads. Returns
 * the message when it changed.
 */
export async function recordDelivery(
  db: Kysely<Database>,
  where: { workspaceId: string } & ({ messageId: string } | { channelAccountId: string; externalId: string }),
  update: { state: DeliveryState; externalIds?: readonly string[]; reason?: string },
): Promise<StoredMessage | null> {
  return db.transaction().execute(async (trx) => {
    const messageId = 'messageId' in where ? where.messageId : await messageIdByExternalId(trx, where);
    if (!messageId) return null;
    const row = await trx
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', where.workspaceId)
      .where('id', '=', messageId)
      .forUpdate()
      .executeTakeFirst();
    if (row?.direction !== 'outbound') return null;
    const [firstId, ...laterIds] = update.externalIds ?? [];
    const forward = ORDER[update.state] > ORDER[row.delivery_state] || (update.state === 'failed' && row.delivery_state !== 'failed');
    if (!forward && !firstId) return null;
    const next = await trx
      .updateTable('messages')
      .set({
        delivery_state: forward ? update.state : row.delivery_state,
        external_id: row.external_id ?? firstId ?? null,
        failure_reason: update.state === 'failed' ? (update.reason ?? 'unknown failure') : row.failure_reason,
        // A reply that went out (or failed) waits for nothing any more.
        ...(forward ? { hold_reason: null } : {}),
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.external_id === null && laterIds.length > 0) {
      await trx
        .insertInto('message_parts')
        .values(
          laterIds.map((externalId, i) => ({
            workspace_id: row.workspace_id,
            channel_account_id: row.channel_account_id,
            external_id: externalId,
            message_id: row.id,
            part: i + 1,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await appendEvent(trx, {
      workspaceId: where.workspaceId,
      conversationId: row.conversation_id,
      type: 'message.delivery_updated',
      actor: { type: 'system', id: null },
      data: { messageId: row.id, from: row.delivery_state, to: next.delivery_state, reason: update.reason ?? null },
    });
    return withFiles(trx, next);
  });
}

async function messageIdByExternalId(
  db: Kysely<Database>,
  where: { workspaceId: string; channelAccountId: string; externalId: string },
): Promise<string | null> {
  // The whole message's id, or a later part's, or a part a send in progress already delivered
  // (the channel's receipt can come before the send job records the ids): one round trip.
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('channel_account_id', '=', where.channelAccountId)
    .where('external_id', '=', where.externalId)
    .where('workspace_id', '=', where.workspaceId)
    .unionAll(
      db
        .selectFrom('message_parts')
        .select('message_id as id')
        .where('channel_account_id', '=', where.channelAccountId)
        .where('external_id', '=', where.externalId)
        .where('workspace_id', '=', where.workspaceId),
    )
    .unionAll(
      db
        .selectFrom('send_progress as p')
        .innerJoin('messages as m', 'm.id', 'p.message_id')
        .select('p.message_id as id')
        .where('m.channel_account_id', '=', where.channelAccountId)
        .where('p.workspace_id', '=', where.workspaceId)
        .where(sql<boolean>`${where.externalId} = ANY(p.parts)`),
    )
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** One channel receipt: the external id it names, the state it reports and, for a failure, why. */
export interface DeliveryReceipt {
  externalId: string;
  state: DeliveryState;
  reason?: string;
}

/**
 * Applies a run of channel receipts of one account in one transaction (a WhatsApp delivery brings
 * fifty), with the same rule as `recordDelivery` applied one receipt after another in the order
 * given: states only move forward, a failure keeps its reason. One result per receipt: the
 * message as it stands after the run when that receipt changed it, else null (unknown id, not
 * ours, or a state it was already past).
 */
export async function recordDeliveries(
  db: Kysely<Database>,
  where: { workspaceId: string; channelAccountId: string },
  receipts: readonly DeliveryReceipt[],
): Promise<(StoredMessage | null)[]> {
  if (receipts.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const ids = await messageIdsByExternalIds(trx, where, [...new Set(receipts.map((r) => r.externalId))]);
    const messageIds = [...new Set(ids.values())].sort();
    if (messageIds.length === 0) return receipts.map(() => null);
    // Locked in id order, as every other writer of these rows does, so runs never deadlock.
    const rows = await trx
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', where.workspaceId)
      .where('id', 'in', messageIds)
      .orderBy('id')
      .forUpdate()
      .execute();
    const current = new Map(rows.map((r) => [r.id, { ...r }]));
    const changedBy: (string | null)[] = [];
    const events: NewEvent[] = [];
    for (const receipt of receipts) {
      const id = ids.get(receipt.externalId);
      const row = id ? current.get(id) : undefined;
      const forward =
        row?.direction === 'outbound' &&
        (ORDER[receipt.state] > ORDER[row.delivery_state] || (receipt.state === 'failed' && row.delivery_state !== 'failed'));
      if (!row || !forward) {
        changedBy.push(null);
        continue;
      }
      events.push({
        workspaceId: where.workspaceId,
        conversationId: row.conversation_id,
        type: 'message.delivery_updated',
        actor: { type: 'system', id: null },
        data: { messageId: row.id, from: row.delivery_state, to: receipt.state, reason: receipt.reason ?? null },
      });
      row.delivery_state = receipt.state;
      if (receipt.state === 'failed') row.failure_reason = receipt.reason ?? 'unknown failure';
      // A reply that went out (or failed) waits for nothing any more.
      row.hold_reason = null;
      changedBy.push(row.id);
    }
    const changed = [...new Set(changedBy.filter((id): id is string => id !== null))].map((id) => current.get(id) as (typeof rows)[number]);
    if (changed.length === 0) return receipts.map(() => null);
    await sql`UPDATE messages AS m SET delivery_state = v.state, failure_reason = v.reason, hold_reason = NULL
      FROM unnest(${changed.map((r) => r.id)}::uuid[], ${changed.map((r) => r.delivery_state)}::text[], ${changed.map((r) => r.failure_reason)}::text[])
        AS v(id, state, reason)
      WHERE m.id = v.id AND m.workspace_id = ${where.workspaceId}`.execute(trx);
    await appendEvents(trx, events);
    const files = await listAttachments(
      trx,
      where.workspaceId,
      changed.map((r) => r.id),
    );
    const stored = new Map(
      changed.map((r) => {
        const m = toMessage(r);
        m.attachments = files.filter((f) => f.messageId === r.id).map(({ storageKey: _key, ...info }) => info);
        return [r.id, m] as const;
      }),
    );
    return changedBy.map((id) => (id ? (stored.get(id) ?? null) : null));
  });
}

/** Message ids by the external ids that name them: the message's own, a later part's, or a send in progress. */
async function messageIdsByExternalIds(
  db: Kysely<Database>,
  where: { workspaceId: string; channelAccountId: string },
  externalIds: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await sql<{ external_id: string; id: string }>`
    SELECT m.external_id, m.id FROM messages m
      WHERE m.channel_account_id = ${where.channelAccountId} AND m.workspace_id = ${where.workspaceId}
        AND m.external_id = ANY(${externalIds}::text[])
    UNION ALL
    SELECT p.external_id, p.message_id FROM message_parts p
      WHERE p.channel_account_id = ${where.channelAccountId} AND p.workspace_id = ${where.workspaceId}
        AND p.external_id = ANY(${externalIds}::text[])
    UNION ALL
    SELECT x.part, sp.message_id FROM send_progress sp
      JOIN messages m ON m.id = sp.message_id AND m.channel_account_id = ${where.channelAccountId}
      CROSS JOIN LATERAL unnest(sp.parts) AS x(part)
      WHERE sp.workspace_id = ${where.workspaceId} AND x.part = ANY(${externalIds}::text[])`.execute(db);
  const out = new Map<string, string>();
  for (const r of rows) if (!out.has(r.external_id)) out.set(r.external_id, r.id);
  return out;
}
