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
