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

/** Stores several portal tokens in one statement (the links of a batch of web-form posts). */
export async function createPortalTokens(
  db: Kysely<Database>,
  tokens: { workspaceId: string; conversationId: string; tokenHash: string; expiresAt: Date }[],
): Promise<void> {
  if (tokens.length === 0) return;
  await db
    .insertInto('portal_tokens')
    .values(
      tokens.map((t) => ({
        workspace_id: t.workspaceId,
        conversation_id: t.conversationId,
        token_hash: t.tokenHash,
        expires_at: t.expiresAt,
      })),
    )
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
