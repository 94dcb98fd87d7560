import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Where a contact is reached on a channel kind: their verified identity first, else the newest
 * (a typed-in web-form address), or null when they have none on that kind.
 */
export async function contactAddress(db: Kysely<Database>, contactId: string, kind: string): Promise<string | null> {
  const row = await db
    .selectFrom('identities')
    .select('external_id')
    .where('contact_id', '=', contactId)
    .where('kind', '=', kind)
    .orderBy('verified', 'desc')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.external_id ?? null;
}

/**
 * Where a contact is reached among several identity kinds, the first kind it has in `kinds`'
 * order (within a kind as `contactAddress`), with the kind; null when it has none of them.
 */
export async function contactAddressOfKinds(
  db: Kysely<Database>,
  contactId: string,
  kinds: readonly string[],
): Promise<{ kind: string; externalId: string } | null> {
  if (kinds.length === 0) return null;
  const rows = await db
    .selectFrom('identities')
    .select(['kind', 'external_id', 'verified', 'created_at'])
    .where('contact_id', '=', contactId)
    .where('kind', 'in', [...kinds])
    .orderBy('verified', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  for (const kind of kinds) {
    const row = rows.find((r) => r.kind === kind);
    if (row) return { kind, externalId: row.external_id };
  }
  return null;
}
