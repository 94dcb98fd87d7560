import { CentralitaError } from '@centralita/core';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { FoldedLink, FoldRecord } from '../schema-identity.ts';

// Folding one conversation into another (a handoff code used from another identity, accepted as
// a merge) and unfolding it on undo. The caller holds both conversations' locks.

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Moves every message, thread key and identity link of `from` into `into`, and resolves `from`
 * (its log keeps its history and says where it went). Returns exactly what moved.
 */
export async function foldConversation(
  trx: Transaction<Database>,
  workspaceId: string,
  fromId: string,
  intoId: string,
): Promise<FoldRecord> {
  if (fromId === intoId) throw new CentralitaError('bad_request', 'A conversation cannot be folded into itself.');
  const from = await trx
    .selectFrom('conversations')
    .select(['id', 'status', 'snoozed_until', 'resolved_at', 'last_message_at', 'last_inbound_at', 'awaiting_reply_since'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', fromId)
    .executeTakeFirst();
  if (!from) throw new CentralitaError('not_found', `No conversation ${fromId} in this workspace.`);
  const messages = await trx
    .updateTable('messages')
    .set({ conversation_id: intoId })
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', fromId)
    .returning('id')
    .execute();
  const threadKeys = await trx
    .updateTable('conversation_threads')
    .set({ conversation_id: intoId })
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', fromId)
    .returning(['channel_account_id', 'external_thread_id'])
    .execute();
  // Removed from the folded conversation, or the identity's next message would thread into it.
  const links = await trx
    .deleteFrom('conversation_identities')
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', fromId)
    .returning(['channel_account_id', 'kind', 'external_id', 'created_at'])
    .execute();
  const added =
    links.length === 0
      ? []
      : await trx
          .insertInto('conversation_identities')
          .values(
            links.map((l) => ({
              workspace_id: workspaceId,
              conversation_id: intoId,
              channel_account_id: l.channel_account_id,
              kind: l.kind,
              external_id: l.external_id,
              created_at: l.created_at,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning(['channel_account_id', 'kind', 'external_id', 'created_at'])
          .execute();
  await trx
    .updateTable('conversations')
    .set({
      last_message_at: sql`GREATEST(last_message_at, ${from.last_message_at}::timestamptz)`,
      last_inbound_at: sql`GREATEST(last_inbound_at, ${from.last_inbound_at}::timestamptz)`,
    })
    .where('id', '=', intoId)
    .execute();
  if (from.awaiting_reply_since) {
    // A customer still waiting for an answer keeps waiting in the conversation they join: it
    // opens (if it was resolved) and its clock runs from the earlier of the two waits.
    await trx
      .updateTable('conversations')
      .set({
        status: 'open',
        resolved_at: null,
        snoozed_until: null,
        awaiting_reply_since: sql`LEAST(COALESCE(awaiting_reply_since, ${from.awaiting_reply_since}::timestamptz), ${from.awaiting_reply_since}::timestamptz)`,
      })
      .where('id', '=', intoId)
      .execute();
  }
  await trx
    .updateTable('conversations')
    .set({ status: 'resolved', snoozed_until: null, resolved_at: sql`COALESCE(resolved_at, clock_timestamp())` })
    .where('id', '=', fromId)
    .execute();
  const toLink = (l: (typeof links)[number]): FoldedLink => ({
    channelAccountId: l.channel_account_id,
    kind: l.kind,
    externalId: l.external_id,
    createdAt: l.created_at.toISOString(),
  });
  return {
    from: fromId,
    into: intoId,
    messageIds: messages.map((m) => m.id),
    threadKeys: threadKeys.map((k) => ({ channelAccountId: k.channel_account_id, externalThreadId: k.external_thread_id })),
    links: links.map(toLink),
    addedLinks: added.map(toLink),
    previous: { status: from.status, snoozedUntil: iso(from.snoozed_until), resolvedAt: iso(from.resolved_at) },
  };
}

/**
 * Puts back what `foldConversation` moved that is still where it put it, and the folded
 * conversation's status if it is still the resolved one the fold left.
 */
export async function unfoldConversation(trx: Transaction<Database>, workspaceId: string, fold: FoldRecord): Promise<void> {
  if (fold.messageIds.length > 0) {
    await trx
      .updateTable('messages')
      .set({ conversation_id: fold.from })
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', '=', fold.into)
      .where('id', '=', sql<string>`ANY(${fold.messageIds}::uuid[])`)
      .execute();
  }
  if (fold.threadKeys.length > 0) {
    await sql`UPDATE conversation_threads t SET conversation_id = ${fold.from}
      FROM unnest(${fold.threadKeys.map((k) => k.channelAccountId)}::uuid[], ${fold.threadKeys.map((k) => k.externalThreadId)}::text[])
        AS k(channel_account_id, external_thread_id)
      WHERE t.channel_account_id = k.channel_account_id AND t.external_thread_id = k.external_thread_id
        AND t.conversation_id = ${fold.into}`.execute(trx);
  }
  if (fold.addedLinks.length > 0) {
    const a = fold.addedLinks;
    await sql`DELETE FROM conversation_identities ci
      USING unnest(${a.map((l) => l.channelAccountId)}::uuid[], ${a.map((l) => l.kind)}::text[], ${a.map((l) => l.externalId)}::text[])
        AS k(channel_account_id, kind, external_id)
      WHERE ci.conversation_id = ${fold.into} AND ci.channel_account_id = k.channel_account_id
        AND ci.kind = k.kind AND ci.external_id = k.external_id`.execute(trx);
  }
  if (fold.links.length > 0) {
    await trx
      .insertInto('conversation_identities')
      .values(
        fold.links.map((l) => ({
          workspace_id: workspaceId,
          conversation_id: fold.from,
          channel_account_id: l.channelAccountId,
          kind: l.kind,
          external_id: l.externalId,
          created_at: new Date(l.createdAt),
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const p = fold.previous;
  await trx
    .updateTable('conversations')
    .set({ status: p.status as 'open', snoozed_until: p.snoozedUntil, resolved_at: p.resolvedAt })
    .where('id', '=', fold.from)
    .where('status', '=', 'resolved')
    .execute();
  // The target's latest message may have been one of the folded ones.
  for (const id of [fold.from, fold.into]) {
    await sql`UPDATE conversations c SET
        last_message_at = COALESCE((SELECT max(created_at) FROM messages m WHERE m.conversation_id = c.id), c.last_message_at),
        last_inbound_at = (SELECT max(created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound')
      WHERE c.id = ${id}`.execute(trx);
  }
}
