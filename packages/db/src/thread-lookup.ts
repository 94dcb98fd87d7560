import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Reply tokens share the thread-key table with channel thread ids, under their own prefix. */
export function replyTokenKey(token: string): string {
  return `token:${token}`;
}

/**
 * Files a conversation's reply tokens under the account that sent them, so a customer's answer
 * carrying one (in its subject or address) finds the conversation even without mail headers.
 */
export async function fileReplyTokens(
  db: Kysely<Database>,
  target: { workspaceId: string; channelAccountId: string; conversationId: string },
  tokens: readonly string[],
): Promise<void> {
  if (tokens.length === 0) return;
  await db
    .insertInto('conversation_threads')
    .values(
      tokens.map((t) => ({
        workspace_id: target.workspaceId,
        channel_account_id: target.channelAccountId,
        external_thread_id: replyTokenKey(t),
        conversation_id: target.conversationId,
      })),
    )
    .onConflict((oc) => oc.columns(['channel_account_id', 'external_thread_id']).doNothing())
    .execute();
}

/**
 * Records that a message also went out on another account (a web-form reply copied by email), so
 * a customer's answer to that copy threads back to the message's conversation.
 */
export async function recordCopy(
  db: Kysely<Database>,
  copy: { workspaceId: string; channelAccountId: string; externalId: string; messageId: string },
): Promise<void> {
  await db
    .insertInto('message_parts')
    .values({
      workspace_id: copy.workspaceId,
      channel_account_id: copy.channelAccountId,
      external_id: copy.externalId,
      message_id: copy.messageId,
      part: 1,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
