import { type Actor, CentralitaError } from '@centralita/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { MergeEvidence, MergeReason, MergeSuggestionsTable } from '../schema-identity.ts';
import { appendContactEvents } from './contact-events.ts';
import { appendEvent } from './events.ts';
import { currentContact, deciderOf } from './merge-locks.ts';
import { type MergeOutcome, mergeContacts } from './merges.ts';

// Possible matches between contacts, with their evidence, for a person to decide. Nothing here
// merges on its own: accepting is a person's act (docs/identity.md).

export type { MergeEvidence, MergeReason } from '../schema-identity.ts';

/** A suggestion as the API shows it. */
export interface MergeSuggestion {
  id: string;
  status: 'open' | 'accepted' | 'dismissed';
  reason: MergeReason;
  contact: { id: string; name: string | null };
  other: { id: string; name: string | null };
  evidence: MergeEvidence[];
  /** The conversation a handoff code belongs to. */
  conversationId: string | null;
  /** The new conversation that folds into `conversationId` when accepted. */
  joinConversationId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  mergeId: string | null;
}

export interface SuggestMergeInput {
  workspaceId: string;
  contactId: string;
  otherContactId: string;
  reason: MergeReason;
  evidence: MergeEvidence[];
  conversationId?: string | null;
  joinConversationId?: string | null;
}

/** Evidence items kept per suggestion; quotes are cut to this many characters. */
const MAX_EVIDENCE = 20;
const MAX_QUOTE = 500;

/**
 * Records that two contacts may be one person, inside the caller's transaction (ingest's, for a
 * handoff code used from another identity). Returns the new suggestion's id, or null when there
 * is nothing to suggest: the same contact (after following tombstones), a pair already open for
 * this reason, or one a person dismissed for this reason before (never suggested again).
 */
export async function suggestMerge(trx: Kysely<Database>, input: SuggestMergeInput): Promise<string | null> {
  const ws = input.workspaceId;
  const contactId = await currentContact(trx, ws, input.contactId);
  const otherId = await currentContact(trx, ws, input.otherContactId);
  if (!contactId || !otherId || contactId === otherId) return null;
  const evidence = input.evidence.slice(0, MAX_EVIDENCE).map((e) => ({ ...e, text: e.text.slice(0, MAX_QUOTE) }));
  const made = await trx
    .insertInto('merge_suggestions')
    .values({
      workspace_id: ws,
      contact_id: contactId,
      other_contact_id: otherId,
      reason: input.reason,
      evidence: JSON.stringify(evidence),
      conversation_id: input.conversationId ?? null,
      join_conversation_id: input.joinConversationId ?? null,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'pair_low', 'pair_high', 'reason']).where('status', 'in', ['open', 'dismissed']).doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!made) return null;
  const where = evidence.find((e) => e.conversationId)?.conversationId ?? input.joinConversationId ?? input.conversationId ?? null;
  if (where) {
    await appendEvent(trx, {
      workspaceId: ws,
      conversationId: where,
      type: 'contact.merge_suggested',
      actor: { type: 'system', id: null },
      data: { suggestionId: made.id, reason: input.reason, contactId, otherContactId: otherId },
    });
  }
  return made.id;
}

type Row = Selectable<MergeSuggestionsTable> & { contact_name: string | null; other_name: string | null };

function toSuggestion(r: Row): MergeSuggestion {
  return {
    id: r.id,
    status: r.status,
    reason: r.reason,
    contact: { id: r.contact_id, name: r.contact_name },
    other: { id: r.other_contact_id, name: r.other_name },
    evidence: r.evidence,
    conversationId: r.conversation_id,
    joinConversationId: r.join_conversation_id,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    mergeId: r.merge_id,
  };
}

function suggestions(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('merge_suggestions as s')
    .innerJoin('contacts as c', 'c.id', 's.contact_id')
    .innerJoin('contacts as o', 'o.id', 's.other_contact_id')
    .selectAll('s')
    .select(['c.name as contact_name', 'o.name as other_name', 'c.merged_into as contact_merged', 'o.merged_into as other_merged'])
    .where('s.workspace_id', '=', workspaceId);
}

/**
 * Suggestions of the workspace, newest first (at most 200). Open ones whose contacts have since
 * been merged away are left out: they come back if that merge is undone.
 */
export async function listMergeSuggestions(
  db: Kysely<Database>,
  workspaceId: string,
  filter: { status?: MergeSuggestion['status']; contactId?: string },
): Promise<MergeSuggestion[]> {
  let q = suggestions(db, workspaceId);
  if (filter.status) q = q.where('s.status', '=', filter.status);
  if (filter.status === 'open' || !filter.status) {
    q = q.where((eb) => eb.or([eb('s.status', '<>', 'open'), eb.and([eb('c.merged_into', 'is', null), eb('o.merged_into', 'is', null)])]));
  }
  if (filter.contactId) {
    const id = filter.contactId;
    q = q.where((eb) => eb.or([eb('s.contact_id', '=', id), eb('s.other_contact_id', '=', id)]));
  }
  const rows = await q.orderBy('s.created_at', 'desc').orderBy('s.id', 'desc').limit(200).execute();
  return rows.map(toSuggestion);
}

/** One suggestion of the workspace, or `not_found`. */
export async function getMergeSuggestion(db: Kysely<Database>, workspaceId: string, id: string): Promise<MergeSuggestion> {
  const row = await suggestions(db, workspaceId).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw new CentralitaError('not_found', `No merge suggestion ${id} in this workspace.`);
  return toSuggestion(row);
}

/**
 * Dismisses an open suggestion, recording who and when; the pair is never suggested again for
 * this reason. Refused (409) when already decided.
 */
export async function dismissMergeSuggestion(
  db: Kysely<Database>,
  input: { workspaceId: string; suggestionId: string; actor: Actor },
): Promise<MergeSuggestion> {
  const by = deciderOf(input.actor);
  await db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom('merge_suggestions')
      .select(['id', 'status', 'contact_id', 'other_contact_id', 'reason'])
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.suggestionId)
      .forUpdate()
      .executeTakeFirst();
    if (!s) throw new CentralitaError('not_found', `No merge suggestion ${input.suggestionId} in this workspace.`);
    if (s.status !== 'open') throw new CentralitaError('conflict', `Merge suggestion ${s.id} was already ${s.status}.`);
    await trx
      .updateTable('merge_suggestions')
      .set({ status: 'dismissed', decided_at: sql<Date>`clock_timestamp()`, decided_by_type: by.type, decided_by: by.id })
      .where('id', '=', s.id)
      .execute();
    const data = { suggestionId: s.id, reason: s.reason, contactId: s.contact_id, otherContactId: s.other_contact_id };
    await appendContactEvents(
      trx,
      [s.contact_id, s.other_contact_id].map((contactId) => ({
        workspaceId: input.workspaceId,
        contactId,
        type: 'contact.merge_dismissed',
        actor: input.actor,
        data,
      })),
    );
  });
  return getMergeSuggestion(db, input.workspaceId, input.suggestionId);
}

/**
 * Accepts an open suggestion: the newer contact merges into the older one (the older keeps its
 * id, which links and earlier events already hold), and a handoff conversation
 * (`joinConversationId`) folds into the one its code belongs to. Refused (409) when decided
 * already or when either contact has since been merged into someone else.
 */
export async function acceptMergeSuggestion(
  db: Kysely<Database>,
  input: { workspaceId: string; suggestionId: string; actor: Actor },
): Promise<MergeOutcome> {
  const s = await getMergeSuggestion(db, input.workspaceId, input.suggestionId);
  if (s.status !== 'open') throw new CentralitaError('conflict', `Merge suggestion ${s.id} was already ${s.status}.`);
  const contacts = await db
    .selectFrom('contacts')
    .select(['id', 'created_at', 'merged_into'])
    .where('workspace_id', '=', input.workspaceId)
    .where('id', 'in', [s.contact.id, s.other.id])
    .execute();
  for (const c of contacts) {
    if (c.merged_into) {
      throw new CentralitaError(
        'conflict',
        `Contact ${c.id} has since been merged into ${c.merged_into}; dismiss this suggestion or merge from that contact.`,
      );
    }
  }
  const [older, newer] = [...contacts].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
  if (!older || !newer) throw new CentralitaError('not_found', `The contacts of merge suggestion ${s.id} are gone.`);
  return mergeContacts(db, {
    workspaceId: input.workspaceId,
    sourceContactId: newer.id,
    targetContactId: older.id,
    actor: input.actor,
    suggestionId: s.id,
  });
}

/**
 * The contacts whose verified identities are among `values` (a phone as E.164, a lowercase
 * address), in one query for a whole batch.
 */
export async function verifiedOwners(
  db: Kysely<Database>,
  workspaceId: string,
  values: readonly { kind: string; externalId: string }[],
): Promise<{ kind: string; externalId: string; contactId: string; name: string | null }[]> {
  if (values.length === 0) return [];
  const rows = await sql<{ kind: string; external_id: string; contact_id: string; name: string | null }>`
    SELECT i.kind, i.external_id, i.contact_id, c.name FROM identities i
    JOIN unnest(${values.map((v) => v.kind)}::text[], ${values.map((v) => v.externalId)}::text[]) AS v(kind, external_id)
      USING (kind, external_id)
    JOIN contacts c ON c.id = i.contact_id
    WHERE i.workspace_id = ${workspaceId} AND i.verified AND c.merged_into IS NULL`.execute(db);
  return rows.rows.map((r) => ({ kind: r.kind, externalId: r.external_id, contactId: r.contact_id, name: r.name }));
}
