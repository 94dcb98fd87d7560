import { normaliseExternalId } from '@centralita/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface IdentityLink {
  workspaceId: string;
  conversationId: string;
  channelAccountId: string;
  kind: string;
  externalId: string;
}

/**
 * Records that an identity takes part in a conversation on an account, so its next message there
 * threads into it (the rules that trust the sender go by these rows; see migration 0015).
 */
export async function linkIdentity(db: Kysely<Database>, link: IdentityLink): Promise<void> {
  await db
    .insertInto('conversation_identities')
    .values({
      workspace_id: link.workspaceId,
      conversation_id: link.conversationId,
      channel_account_id: link.channelAccountId,
      kind: link.kind,
      external_id: normaliseExternalId(link.kind, link.externalId),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The identities that took part in a conversation, with the accounts they used. */
export async function conversationIdentities(
  db: Kysely<Database>,
  workspaceId: string,
  conversationId: string,
): Promise<{ channelAccountId: string; kind: string; externalId: string }[]> {
  const rows = await db
    .selectFrom('conversation_identities')
    .select(['channel_account_id', 'kind', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ channelAccountId: r.channel_account_id, kind: r.kind, externalId: r.external_id }));
}
