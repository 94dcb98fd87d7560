import { type Actor, CentralitaError } from '@centralita/core';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import { appendContactEvents } from './contact-events.ts';
import { appendEvents, type NewEvent } from './events.ts';
import { unfoldConversation } from './merge-fold.ts';
import { deciderOf, inRetriedTransaction, lockContacts, lockConversations } from './merge-locks.ts';
import { type MergeOutcome, toContactMerge } from './merges.ts';

// Undoing a merge: exactly the rows the merge moved go back, plus what the source's identities
// started since (a conversation whose every identity came from the source is the source's).

export interface UndoInput {
  workspaceId: string;
  mergeId: string;
  actor: Actor;
}

/**
 * Undoes a merge in one transaction: identities, conversations, message authors and notes the
 * merge moved go back to the source, with the conversations begun since by identities that all
 * came from the source; folded conversations are unfolded; profile fields the merge filled are
 * cleared unless edited since; the tombstone is lifted; the logs record it. Refused (409) when
 * already undone, or while a later merge involving either contact stands (undo that first).
 */
export async function undoMerge(db: Kysely<Database>, input: UndoInput): Promise<MergeOutcome> {
  const by = deciderOf(input.actor);
  const ws = input.workspaceId;
  const first = await db
    .selectFrom('contact_merges')
    .selectAll()
    .where('workspace_id', '=', ws)
    .where('id', '=', input.mergeId)
    .executeTakeFirst();
  if (!first) throw new CentralitaError('not_found', `No contact merge ${input.mergeId} in this workspace.`);
  return inRetriedTransaction(db, async (trx) => {
    await lockContacts(trx, ws, [first.source_contact_id, first.target_contact_id]);
    const m = await trx.selectFrom('contact_merges').selectAll().where('id', '=', first.id).forUpdate().executeTakeFirstOrThrow();
    if (m.undone_at) throw new CentralitaError('conflict', `This merge was already undone at ${m.undone_at.toISOString()}.`);
    const later = await trx
      .selectFrom('contact_merges')
      .select(['id', 'source_contact_id', 'target_contact_id'])
      .where('workspace_id', '=', ws)
      .where('undone_at', 'is', null)
      .where('id', '<>', m.id)
      // Compared in SQL: a Date parameter would drop the microseconds that order two quick merges.
      .where('created_at', '>', sql<Date>`(SELECT created_at FROM contact_merges WHERE id = ${m.id})`)
      .where((eb) =>
        eb.or([
          eb('source_contact_id', 'in', [m.source_contact_id, m.target_contact_id]),
          eb('target_contact_id', 'in', [m.source_contact_id, m.target_contact_id]),
        ]),
      )
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (later) {
      throw new CentralitaError(
        'conflict',
        `A later merge (${later.id}: contact ${later.source_contact_id} into ${later.target_contact_id}) involves these contacts; undo it first.`,
        { blockingMergeId: later.id },
      );
    }
    return undoIn(trx, m, input.actor, by);
  });
}

type MergeRow = Awaited<ReturnType<typeof loadRow>>;
const loadRow = (trx: Transaction<Database>, id: string) =>
  trx.selectFrom('contact_merges').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function undoIn(trx: Transaction<Database>, m: MergeRow, actor: Actor, by: ReturnType<typeof deciderOf>): Promise<MergeOutcome> {
  const ws = m.workspace_id;
  const sourceId = m.source_contact_id;
  const targetId = m.target_contact_id;
  const folds = [...m.folded].reverse();
  await lockConversations(trx, ws, { ids: [...m.conversation_ids, ...folds.flatMap((f) => [f.from, f.into])], contactId: targetId });
  for (const f of folds) await unfoldConversation(trx, ws, f);

  const identities = await trx
    .updateTable('identities')
    .set({ contact_id: sourceId })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', targetId)
    .where('id', '=', sql<string>`ANY(${m.identity_ids}::uuid[])`)
    .returning(['id', 'kind', 'external_id'])
    .execute();
  // Begun after the merge by the source's identities alone: the source's, though the merge never moved them.
  const begun =
    identities.length === 0
      ? []
      : (
          await sql<{ id: string }>`
            SELECT c.id FROM conversations c
            WHERE c.workspace_id = ${ws} AND c.contact_id = ${targetId} AND c.created_at > (SELECT created_at FROM contact_merges WHERE id = ${m.id})
              AND NOT (c.id = ANY(${m.conversation_ids}::uuid[]))
              AND EXISTS (SELECT 1 FROM conversation_identities ci WHERE ci.conversation_id = c.id)
              AND NOT EXISTS (
                SELECT 1 FROM conversation_identities ci
                WHERE ci.conversation_id = c.id AND (ci.kind, ci.external_id) NOT IN (
                  SELECT * FROM unnest(${identities.map((i) => i.kind)}::text[], ${identities.map((i) => i.external_id)}::text[])
                )
              )`.execute(trx)
        ).rows.map((r) => r.id);
  const back = await trx
    .updateTable('conversations')
    .set({ contact_id: sourceId })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', targetId)
    .where('id', '=', sql<string>`ANY(${[...m.conversation_ids, ...begun]}::uuid[])`)
    .returning('id')
    .execute();
  const backIds = back.map((c) => c.id);
  // The merge's own author changes, and what the source wrote since in what goes back.
  const authors = await sql<{ id: string }>`
    UPDATE messages SET author_id = ${sourceId}
    WHERE workspace_id = ${ws} AND direction = 'inbound' AND author_type = 'contact' AND author_id = ${targetId}
      AND (id = ANY(${m.message_ids}::uuid[])
           OR (conversation_id = ANY(${backIds}::uuid[]) AND created_at > (SELECT created_at FROM contact_merges WHERE id = ${m.id})))
    RETURNING id`.execute(trx);
  await trx
    .updateTable('contact_notes')
    .set({ contact_id: sourceId })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', targetId)
    .where('id', '=', sql<string>`ANY(${m.note_ids}::uuid[])`)
    .execute();
  const target = await trx.selectFrom('contacts').selectAll().where('id', '=', targetId).executeTakeFirstOrThrow();
  const restore: Record<string, string | null> = {};
  const kept: string[] = [];
  for (const [field, change] of Object.entries(m.profile)) {
    // A value someone edited since the merge is theirs, not the merge's: it stays.
    if (target[field as keyof typeof target] === change.to) restore[field] = change.from;
    else kept.push(field);
  }
  if (Object.keys(restore).length > 0) await trx.updateTable('contacts').set(restore).where('id', '=', targetId).execute();
  await trx.updateTable('contacts').set({ merged_into: null }).where('id', '=', sourceId).execute();

  const undone = await trx
    .updateTable('contact_merges')
    .set({
      undone_at: sql<Date>`clock_timestamp()`,
      undone_by_type: by.type,
      undone_by: by.id,
      undo: JSON.stringify({
        identityIds: identities.map((i) => i.id),
        conversationIds: backIds,
        begunAfter: begun,
        messageIds: authors.rows.map((r) => r.id),
        profileKept: kept,
      }),
    })
    .where('id', '=', m.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  const data = { mergeId: m.id, sourceContactId: sourceId, targetContactId: targetId };
  const events: NewEvent[] = backIds.map((id) => ({ workspaceId: ws, conversationId: id, type: 'contact.merge_undone', actor, data }));
  for (const f of folds) {
    events.push(
      { workspaceId: ws, conversationId: f.from, type: 'contact.merge_undone', actor, data: { ...data, unfoldedFrom: f.into } },
      { workspaceId: ws, conversationId: f.into, type: 'contact.merge_undone', actor, data: { ...data, unfolded: f.from } },
    );
  }
  await appendEvents(trx, events);
  const summary = { ...data, identities: identities.length, conversations: backIds.length, profileKept: kept };
  await appendContactEvents(trx, [
    { workspaceId: ws, contactId: sourceId, type: 'contact.merge_undone', actor, data: summary },
    { workspaceId: ws, contactId: targetId, type: 'contact.merge_undone', actor, data: summary },
  ]);
  return {
    merge: toContactMerge(undone),
    conversationIds: [...new Set([...backIds, ...folds.flatMap((f) => [f.from, f.into])])],
    resolvedConversationIds: [],
  };
}
