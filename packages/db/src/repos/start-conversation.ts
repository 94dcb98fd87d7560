import { type Actor, CentralitaError, type Conversation, normaliseExternalId, truncate } from '@centralita/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { linkIdentity } from './conversation-identities.ts';
import { toConversation } from './conversations.ts';
import { appendEvent } from './events.ts';
import { insertAgentMessage, type StoredMessage } from './messages.ts';

export interface NewOutboundConversation {
  workspaceId: string;
  channelAccountId: string;
  /** The identity kind the channel addresses people by ('email'). */
  kind: string;
  to: string;
  name?: string;
  subject?: string;
  text: string;
  author: Actor;
  now: Date;
}

/**
 * An agent writes first: finds or creates the contact by their address on this channel, starts a
 * conversation pending the customer's answer (assigned to the agent who wrote, so routing leaves
 * it with them), and queues the first message, all in one transaction.
 */
export async function startOutboundConversation(
  db: Kysely<Database>,
  input: NewOutboundConversation,
): Promise<{ conversation: Conversation; message: StoredMessage }> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('channel_accounts')
      .select(['id', 'kind', 'active'])
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.channelAccountId)
      .executeTakeFirst();
    if (!account?.active) throw new CentralitaError('not_found', `No active channel account ${input.channelAccountId} in this workspace.`);
    const address = normaliseExternalId(input.kind, input.to);
    // The address is where the mail goes, and an answer from it is the proof: the identity is
    // verified, and an existing verified one is reused so the contact's history stays together.
    const existing = await trx
      .selectFrom('identities')
      .select('contact_id')
      .where('workspace_id', '=', input.workspaceId)
      .where('kind', '=', input.kind)
      .where('external_id', '=', address)
      .where('verified', '=', true)
      .executeTakeFirst();
    let contactId = existing?.contact_id;
    if (!contactId) {
      const contact = await trx
        .insertInto('contacts')
        .values({ workspace_id: input.workspaceId, name: input.name ?? null, signals: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow();
      contactId = contact.id;
      await trx
        .insertInto('identities')
        .values({
          workspace_id: input.workspaceId,
          contact_id: contactId,
          kind: input.kind,
          external_id: address,
          verified: true,
          display_name: input.name ?? null,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const row = await trx
      .insertInto('conversations')
      .values({
        workspace_id: input.workspaceId,
        contact_id: contactId,
        channel_account_id: account.id,
        status: 'pending',
        subject: input.subject ? truncate(input.subject, 200) : null,
        channel_kind: account.kind,
        assignee_id: input.author.type === 'user' ? input.author.id : null,
        assigned_at: input.author.type === 'user' ? input.now : null,
        last_message_at: input.now,
        created_at: input.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await linkIdentity(trx, {
      workspaceId: input.workspaceId,
      conversationId: row.id,
      channelAccountId: account.id,
      kind: input.kind,
      externalId: address,
    });
    await appendEvent(trx, {
      workspaceId: input.workspaceId,
      conversationId: row.id,
      type: 'conversation.created',
      actor: input.author,
      data: { channelAccountId: account.id, startedBy: 'agent', to: address },
    });
    const posted = await insertAgentMessage(trx, {
      workspaceId: input.workspaceId,
      conversationId: row.id,
      kind: 'reply',
      visibility: 'private',
      text: input.text,
      author: input.author,
      now: input.now,
    });
    return { conversation: posted.conversation ?? toConversation(row), message: posted.message };
  });
}
