import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Stores a customer portal token (by hash) that opens one conversation until it expires. */
export async function createPortalToken(
  db: Kysely<Database>,
  t: { workspaceId: string; conversationId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('portal_tokens')
    .values({ workspace_id: t.workspaceId, conversation_id: t.conversationId, token_hash: t.tokenHash, expires_at: t.expiresAt })
    .execute();
}

/** The conversation a live portal token opens, or null when unknown or expired. */
export async function findPortalToken(db: Kysely<Database>, tokenHash: string, now: Date) {
  return db
    .selectFrom('portal_tokens as p')
    .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
    .select(['p.workspace_id', 'p.conversation_id', 'p.expires_at', 'c.channel_account_id', 'c.contact_id'])
    .where('p.token_hash', '=', tokenHash)
    .where('p.expires_at', '>', now)
    .executeTakeFirst();
}
