import { type Actor, CentralitaError } from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { ContactMergesTable, FoldRecord } from '../schema-identity.ts';
import { appendContactEvents } from './contact-events.ts';
import { appendEvents, type NewEvent } from './events.ts';
import { foldConversation } from './merge-fold.ts';
import { deciderOf, inRetriedTransaction, lockContacts, lockConversations } from './merge-locks.ts';

// Merging one contact into another (docs/identity.md): every contact-keyed row moves, the source
// stays as a tombstone, and the record keeps exactly what moved so `undoMerge` can put it back.

/** A merge as the API shows it. */
export interface ContactMerge {
  id: string;
  sourceContactId: string;
  targetContactId: string;
  suggestionId: string | null;
  /** How many identities and conversations moved. */
  identities: number;
  conversations: number;
  folded: { from: string; into: string }[];
  createdAt: Date;
  createdBy: string | null;
  undoneAt: Date | null;
  undoneBy: string | null;
}

/** What a merge or an undo did: its record, and every conversation whose consoles should refresh. */
export interface MergeOutcome {
  merge: ContactMerge;
  conversationIds: string[];
  /** Conversations a fold resolved (routing frees their place). */
  resolvedConversationIds: string[];
}

export interface MergeInput {
  workspaceId: string;
  /** The contact that goes away (its id stays, as a tombstone saying where it went). */
  sourceContactId: string;
  /** The contact that stays and receives everything. */
  targetContactId: string;
  actor: Actor;
  /** The open suggestion this merge accepts; its handoff conversation, if any, is folded. */
  suggestionId?: string;
}

/** The profile fields a merge fills on the target when the target has none. */
export const PROFILE_FIELDS = ['name', 'locale', 'country', 'timezone'] as const;

/** Maps a record row to the API's shape. */
export function toContactMerge(r: Selectable<ContactMergesTable>): ContactMerge {
  return {
    id: r.id,
    sourceContactId: r.source_contact_id,
    targetContactId: r.target_contact_id,
    suggestionId: r.suggestion_id,
    identities: r.identity_ids.length,
    conversations: r.conversation_ids.length,
    folded: r.folded.map((f) => ({ from: f.from, into: f.into })),
    createdAt: r.created_at,
    createdBy: r.created_by,
    undoneAt: r.undone_at,
    undoneBy: r.undone_by,
  };
}

/**
 * Merges the source contact into the target in one transaction: identities, conversations,
 * the author of the source's inbound messages, notes and the target's empty profile fields; the
 * source becomes a tombstone; both logs and each moved conversation's log record it. Refuses a
 * contact merged into itself (400), one not in the workspace (404) and one already merged (409).
 * Two merges of the same contacts at once queue behind each other: the second is refused.
 */
export async function mergeContacts(db: Kysely<Database>, input: MergeInput): Promise<MergeOutcome> {
  if (input.sourceContactId === input.targetContactId) {
    throw new CentralitaError('bad_request', 'A contact cannot be merged into itself; choose two different contacts.');
  }
  const by = deciderOf(input.actor);
  return inRetriedTransaction(db, (trx) => mergeIn(trx, input, by));
}

async function mergeIn(trx: Transaction<Database>, input: MergeInput, by: ReturnType<typeof deciderOf>): Promise<MergeOutcome> {
  const ws = input.workspaceId;
  const { sourceContactId: sourceId, targetContactId: targetId } = input;
  const contacts = await lockContacts(trx, ws, [sourceId, targetId]);
  const source = contacts.get(sourceId) as NonNullable<ReturnType<typeof contacts.get>>;
  const target = contacts.get(targetId) as NonNullable<ReturnType<typeof contacts.get>>;
  if (source.merged_into) {
    throw new CentralitaError('conflict', `Contact ${sourceId} was already merged into ${source.merged_into}; open that contact instead.`);
  }
  if (target.merged_into) {
    throw new CentralitaError('conflict', `Contact ${targetId} was merged into ${target.merged_into}; merge into that contact instead.`);
  }
  const fold = input.suggestionId ? await openSuggestionFold(trx, ws, input.suggestionId, sourceId, targetId) : null;

  const conversationIds = await lockConversations(trx, ws, { contactId: sourceId, ids: fold ? [fold.from, fold.into] : [] });
  const identities = await trx
    .updateTable('identities')
    .set({ contact_id: targetId })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', sourceId)
    .returning('id')
    .execute();
  const moved = await trx
    .updateTable('conversations')
    .set({ contact_id: targetId })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', sourceId)
    .returning('id')
    .execute();
  // The source's messages in the conversations the target now has (its own included), found by
  // conversation so no index on authors is needed.
  const messages = await sql<{ id: string }>`
    UPDATE messages SET author_id = ${targetId}
    WHERE workspace_id = ${ws} AND direction = 'inbound' AND author_type = 'contact' AND author_id = ${sourceId}
      AND conversation_id IN (SELECT id FROM conversations WHERE contact_id = ${targetId})
    RETURNING id`.execute(trx);
  const notes = await trx
    .updateTable('contact_notes')
    .set({ contact_id: targetId })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', sourceId)
    .returning('id')
    .execute();
  const profile: Record<string, { from: string | null; to: string | null }> = {};
  for (const f of PROFILE_FIELDS) {
    if (target[f] === null && source[f] !== null) profile[f] = { from: null, to: source[f] };
  }
  if (Object.keys(profile).length > 0) {
    await trx
      .updateTable('contacts')
      .set(Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, v.to])))
      .where('id', '=', targetId)
      .execute();
  }
  await trx.updateTable('contacts').set({ merged_into: targetId }).where('id', '=', sourceId).execute();
  const folded: FoldRecord[] = fold ? [await foldConversation(trx, ws, fold.from, fold.into)] : [];

  const record = await trx
    .insertInto('contact_merges')
    .values({
      workspace_id: ws,
      source_contact_id: sourceId,
      target_contact_id: targetId,
      suggestion_id: input.suggestionId ?? null,
      identity_ids: identities.map((i) => i.id),
      conversation_ids: moved.map((c) => c.id),
      message_ids: messages.rows.map((m) => m.id),
      note_ids: notes.map((n) => n.id),
      folded: JSON.stringify(folded),
      profile: JSON.stringify(profile),
      created_by_type: by.type,
      created_by: by.id,
      // The wall clock after the locks, not the transaction's start: merges of one contact are
      // ordered as they committed, which is what undo's "later merge" check relies on.
      created_at: sql<Date>`clock_timestamp()`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // Suggestions for this pair are answered by this merge, whichever reason they gave.
  const [low, high] = [sourceId, targetId].sort() as [string, string];
  await trx
    .updateTable('merge_suggestions')
    .set({ status: 'accepted', decided_at: record.created_at, decided_by_type: by.type, decided_by: by.id, merge_id: record.id })
    .where('workspace_id', '=', ws)
    .where('status', '=', 'open')
    .where('pair_low', '=', low)
    .where('pair_high', '=', high)
    .execute();

  const data = { mergeId: record.id, sourceContactId: sourceId, targetContactId: targetId };
  const events: NewEvent[] = moved.map((c) => ({
    workspaceId: ws,
    conversationId: c.id,
    type: 'contact.merged',
    actor: input.actor,
    data,
  }));
  for (const f of folded) {
    events.push(
      { workspaceId: ws, conversationId: f.from, type: 'contact.merged', actor: input.actor, data: { ...data, foldedInto: f.into } },
      {
        workspaceId: ws,
        conversationId: f.into,
        type: 'contact.merged',
        actor: input.actor,
        data: { ...data, folded: f.from, messages: f.messageIds.length },
      },
    );
  }
  await appendEvents(trx, events);
  const summary = { ...data, identities: identities.length, conversations: moved.length, folded: folded.map((f) => f.from) };
  await appendContactEvents(trx, [
    { workspaceId: ws, contactId: sourceId, type: 'contact.merged', actor: input.actor, data: summary },
    { workspaceId: ws, contactId: targetId, type: 'contact.merged', actor: input.actor, data: summary },
  ]);
  return {
    merge: toContactMerge(record),
    conversationIds: [...new Set([...conversationIds, ...moved.map((c) => c.id)])],
    resolvedConversationIds: folded.map((f) => f.from),
  };
}

/**
 * Locks the open suggestion a merge accepts and checks it is about these two contacts; returns
 * the conversation it folds (a handoff code's new conversation into the code's), if any.
 */
async function openSuggestionFold(
  trx: Transaction<Database>,
  workspaceId: string,
  suggestionId: string,
  sourceId: string,
  targetId: string,
): Promise<{ from: string; into: string } | null> {
  const s = await trx
    .selectFrom('merge_suggestions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', suggestionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new CentralitaError('not_found', `No merge suggestion ${suggestionId} in this workspace.`);
  if (s.status !== 'open') throw new CentralitaError('conflict', `Merge suggestion ${suggestionId} was already ${s.status}.`);
  const pair = [s.contact_id, s.other_contact_id].sort().join();
  if (pair !== [sourceId, targetId].sort().join()) {
    throw new CentralitaError('bad_request', `Merge suggestion ${suggestionId} is about other contacts than ${sourceId} and ${targetId}.`);
  }
  if (!s.join_conversation_id || !s.conversation_id || s.join_conversation_id === s.conversation_id) return null;
  const owners = await trx
    .selectFrom('conversations')
    .select(['id', 'contact_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [s.join_conversation_id, s.conversation_id])
    .execute();
  // Both must still be one of the two contacts' (a later merge or undo may have moved them).
  if (owners.length !== 2 || owners.some((o) => o.contact_id !== sourceId && o.contact_id !== targetId)) {
    throw new CentralitaError(
      'conflict',
      `The conversations of merge suggestion ${suggestionId} no longer belong to these contacts; merge them from the contact instead.`,
    );
  }
  return { from: s.join_conversation_id, into: s.conversation_id };
}

/** A merge record of the workspace, or `not_found`. */
export async function getMerge(db: Kysely<Database>, workspaceId: string, id: string): Promise<ContactMerge> {
  const row = await db
    .selectFrom('contact_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new CentralitaError('not_found', `No contact merge ${id} in this workspace.`);
  return toContactMerge(row);
}

/** Every merge a contact took part in, as source or target, newest first. */
export async function listMerges(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<ContactMerge[]> {
  const rows = await db
    .selectFrom('contact_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('source_contact_id', '=', contactId), eb('target_contact_id', '=', contactId)]))
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map(toContactMerge);
}
