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

/**
 * The conversation a live portal token opens, or null when unknown or expired. The account the
 * page writes to is the token's own (a handoff to a web-form account), else the conversation's.
 */
export async function findPortalToken(db: Kysely<Database>, tokenHash: string, now: Date) {
  const found = await findPortalTokenAnyAge(db, tokenHash);
  return found && found.expires_at > now ? found : undefined;
}

/** A portal token whether or not it has expired: an expired handoff link still lets the customer write. */
export async function findPortalTokenAnyAge(db: Kysely<Database>, tokenHash: string) {
  const row = await db
    .selectFrom('portal_tokens as p')
    .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
    .select([
      'p.id',
      'p.workspace_id',
      'p.conversation_id',
      'p.expires_at',
      'p.handoff_id',
      'p.channel_account_id as own_account',
      'c.channel_account_id',
      'c.contact_id',
    ])
    .where('p.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { own_account, ...rest } = row;
  return { ...rest, channel_account_id: own_account ?? row.channel_account_id };
}
