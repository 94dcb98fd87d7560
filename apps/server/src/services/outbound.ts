import type { ChannelAdapter, OutboundAttachment, OutboundMessage, TemplateChoice } from '@centralita/channel-kit';
import type { Conversation } from '@centralita/core';
import { contactAddressOfKinds, listAttachments, recordSentPart, type StoredMessage, sentParts } from '@centralita/db';
import type { AppContext } from '../context.ts';
import { latestInbound } from './reply-options.ts';

/**
 * Everything a channel needs to deliver one reply, read from the conversation: who receives it
 * (the address the customer asked replies to go to, else the identity that took part in this
 * conversation on this account, else the contact's first identity of the kinds the channel
 * addresses, in its order: WhatsApp's phone, else its business-scoped id), the
 * earlier external ids on this account (email References; the newest last), the agent's name,
 * the people kept in copy, and the files.
 */
export async function buildOutbound(
  ctx: AppContext,
  conv: Conversation,
  message: StoredMessage,
  adapter: Pick<ChannelAdapter, 'kind' | 'addressKinds'>,
): Promise<OutboundMessage> {
  const kinds = adapter.addressKinds?.length ? adapter.addressKinds : [adapter.kind];
  const db = ctx.db.kysely;
  const [address, history, latestOfAny, author, files, alreadySent, target] = await Promise.all([
    conversationAddress(db, conv, message.channelAccountId, kinds),
    db
      .selectFrom('messages')
      .select('external_id')
      .where('conversation_id', '=', conv.id)
      .where('channel_account_id', '=', message.channelAccountId)
      .where('external_id', 'is not', null)
      .where('id', '!=', message.id)
      .orderBy('created_at', 'desc')
      .limit(20)
      .execute(),
    db
      .selectFrom('messages')
      .select('metadata')
      .where('conversation_id', '=', conv.id)
      .where('channel_account_id', '=', message.channelAccountId)
      .where('direction', '=', 'inbound')
      .where('automated', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst(),
    message.authorId && message.authorType === 'agent'
      ? db.selectFrom('users').select('name').where('id', '=', message.authorId).executeTakeFirst()
      : Promise.resolve(undefined),
    listAttachments(db, message.workspaceId, [message.id]),
    sentParts(db, message.workspaceId, message.id),
    latestInbound(db, conv.id, message.channelAccountId, message.visibility),
  ]);
  const meta = (latestOfAny?.metadata ?? {}) as { replyTo?: string[]; cc?: string[] };
  const replyTo = meta.replyTo?.[0];
  // A handoff's first mail goes to the address the agent was given, which is not an identity of
  // the contact until the customer answers from it.
  const to = typeof message.metadata.to === 'string' ? message.metadata.to : null;
  const recipient = to ? { kind: adapter.kind, externalId: to } : replyTo ? { kind: adapter.kind, externalId: replyTo } : address;
  const keepCc = message.metadata.keepCc !== false;
  const attachments: OutboundAttachment[] = [];
  for (const f of files) {
    const content = await ctx.attachments.get(message.workspaceId, f.storageKey);
    if (content) attachments.push({ filename: f.filename, contentType: f.contentType, content });
  }
  return {
    messageId: message.id,
    conversationId: conv.id,
    text: message.text,
    visibility: message.visibility,
    recipient,
    inReplyTo: history.map((r) => r.external_id as string).reverse(),
    target,
    allowSplit: message.metadata.allowSplit === true,
    // Parts an earlier attempt delivered, and where the adapter reports each new one before the
    // next: a retry after a failure part-way sends only the rest.
    sentParts: alreadySent,
    onPartSent: (index, externalId) => recordSentPart(db, { workspaceId: message.workspaceId, messageId: message.id }, index, externalId),
    subject: conv.subject,
    author: author ? { name: author.name } : null,
    cc: keepCc ? (meta.cc ?? []) : [],
    attachments,
    template: (message.metadata.template as TemplateChoice | undefined) ?? null,
    quotedExternalId: typeof message.metadata.quotedExternalId === 'string' ? message.metadata.quotedExternalId : null,
  };
}

/**
 * Who a reply on this account goes to: the identity that wrote in this conversation here (after
 * a merge a contact may have two numbers, and each conversation answers its own), else the
 * contact's own address of the channel's kinds.
 */
async function conversationAddress(
  db: AppContext['db']['kysely'],
  conv: Conversation,
  channelAccountId: string,
  kinds: readonly string[],
): Promise<{ kind: string; externalId: string } | null> {
  const rows = await db
    .selectFrom('conversation_identities')
    .select(['kind', 'external_id'])
    .where('conversation_id', '=', conv.id)
    .where('channel_account_id', '=', channelAccountId)
    .where('kind', 'in', [...kinds])
    .orderBy('created_at', 'desc')
    .execute();
  for (const kind of kinds) {
    const row = rows.find((r) => r.kind === kind);
    if (row) return { kind, externalId: row.external_id };
  }
  return contactAddressOfKinds(db, conv.contactId, kinds);
}
