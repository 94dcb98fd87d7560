import { type Actor, CentralitaError } from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { ContactsTable, Database } from '../schema.ts';
import type { DeciderType } from '../schema-identity.ts';

// Locking for merges and undos, in one fixed order shared with ingest so neither deadlocks the
// other: first the advisory locks ingest takes per sender identity (`who:` keys, see lockBatch
// in ingest-lookup.ts) plus one per contact, all in one statement sorted by hash; then the
// contact rows in id order; then their conversations in id order (as ingest locks them).

/**
 * Locks two contacts for a merge or an undo: while held, no ingest can attach a message,
 * identity or conversation to either, and no other merge can touch them. Returns the rows, or
 * `not_found` naming the contact that is not in the workspace.
 */
export async function lockContacts(
  trx: Transaction<Database>,
  workspaceId: string,
  contactIds: readonly string[],
): Promise<Map<string, Selectable<ContactsTable>>> {
  const identities = await trx
    .selectFrom('identities')
    .select(['kind', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', 'in', [...contactIds])
    .execute();
  const keys = new Set<string>(contactIds.map((id) => `contact:${workspaceId}:${id}`));
  for (const i of identities) keys.add(`who:${workspaceId}:${i.kind}:${i.external_id}`);
  await sql`SELECT count(pg_advisory_xact_lock(h)) FROM (
      SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${[...keys]}::text[]) AS k ORDER BY 1
    ) AS ordered`.execute(trx);
  const rows = await trx
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...contactIds])
    .orderBy('id')
    .forUpdate()
    .execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  for (const id of contactIds) {
    if (!found.has(id)) throw new CentralitaError('not_found', `No contact ${id} in this workspace.`);
  }
  return found;
}

/** Locks conversations in id order (ingest's order), by id or by owner. */
export async function lockConversations(
  trx: Transaction<Database>,
  workspaceId: string,
  by: { ids?: readonly string[]; contactId?: string },
): Promise<string[]> {
  const ids = [...(by.ids ?? [])];
  if (ids.length === 0 && !by.contactId) return [];
  const rows = await trx
    .selectFrom('conversations')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where((eb) => {
      const any = [];
      if (ids.length > 0) any.push(eb('id', '=', sql<string>`ANY(${ids}::uuid[])`));
      if (by.contactId) any.push(eb('contact_id', '=', by.contactId));
      return eb.or(any);
    })
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** How the merge tables keep who did it: a contact never merges anyone. */
export function deciderOf(actor: Actor): { type: DeciderType; id: string | null } {
  if (actor.type === 'contact')
    throw new CentralitaError('bad_request', 'A contact cannot merge or undo merges; a person in the console does.');
  return { type: actor.type, id: actor.id };
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs a merge-like transaction, again if PostgreSQL broke a deadlock or a serialisation
 * conflict by cancelling it (a rare interleaving with ingest the lock order cannot exclude).
 */
export async function inRetriedTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || !code || !RETRYABLE.has(code)) throw err;
    }
  }
}

/** Follows tombstones to the contact a merged one now lives in (itself when not merged). */
export async function currentContact(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<string | null> {
  const row = await sql<{ id: string }>`
    WITH RECURSIVE chain(id, merged_into, depth) AS (
      SELECT id, merged_into, 0 FROM contacts WHERE id = ${contactId} AND workspace_id = ${workspaceId}
      UNION ALL
      SELECT c.id, c.merged_into, chain.depth + 1 FROM contacts c JOIN chain ON c.id = chain.merged_into WHERE chain.depth < 50
    )
    SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1`.execute(db);
  return row.rows[0]?.id ?? null;
}
