import { CentralitaError } from '@centralita/core';
import { type ChannelAccountRecord, findMessage, suggestMerge } from '@centralita/db';
import type { AppContext } from '../context.ts';
import type { Inbox } from '../services/inbox.ts';
import { toPortalMessage } from './portal-message.ts';

/**
 * A message written on an expired customer page: it is kept, in a conversation of its own (an
 * old link may have been forwarded, found or guessed, so it joins nothing by itself), and
 * suggested for the old conversation, where an agent decides. The page then continues on a fresh
 * link to the new conversation, so the customer can read the answer.
 */
export async function receiveExpired(
  ctx: AppContext,
  inbox: Inbox,
  account: ChannelAccountRecord,
  token: { id: string; workspace_id: string; conversation_id: string; contact_id: string; handoff_id: string | null },
  text: string,
  key: string,
): Promise<{ duplicate: boolean; body: { message: ReturnType<typeof toPortalMessage>; expired: true; continueAt: string | null } }> {
  const result = await inbox.receive(
    account,
    {
      type: 'message.received',
      // Scoped by the expired link, so a retry of the same post is one message.
      externalMessageId: `portal-expired:${token.id}:${key}`,
      occurredAt: ctx.clock(),
      sender: { kind: 'portal', externalId: `expired:${token.id}`, verified: false },
      text,
      visibility: 'private',
      thread: { externalThreadId: `portal-expired:${token.id}` },
    },
    { wantCustomerLink: true },
  );
  const message = result.message ?? (result.messageId ? await findMessage(ctx.db.kysely, token.workspace_id, result.messageId) : null);
  if (!message) throw new CentralitaError('internal', 'The message was stored but could not be read back.');
  let continueAt: string | null = null;
  const newConversation = result.conversationId;
  if (!result.duplicate && newConversation) {
    const created = await ctx.db.kysely
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', newConversation)
      .executeTakeFirstOrThrow();
    await suggestMerge(ctx.db.kysely, {
      workspaceId: token.workspace_id,
      contactId: token.contact_id,
      otherContactId: created.contact_id,
      reason: 'handoff_expired',
      evidence: [
        {
          kind: 'handoff',
          text: 'Wrote on the customer page of this conversation after its link had expired.',
          messageId: message.id,
          conversationId: newConversation,
        },
      ],
      conversationId: token.conversation_id,
      joinConversationId: newConversation,
    });
    continueAt = result.customerLink ?? null;
  }
  return { duplicate: result.duplicate, body: { message: toPortalMessage(message), expired: true, continueAt } };
}
