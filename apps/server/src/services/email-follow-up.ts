import { SendError } from '@centralita/channel-kit';
import type { Conversation } from '@centralita/core';
import { appendEvent, contactAddress, type Database, fileReplyTokens, findMessage, getConversation, recordCopy } from '@centralita/db';
import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../context.ts';

export const EMAIL_FOLLOW_UP_TASK = 'email_follow_up';

/** A web-form customer's link, or a copy of an agent's reply, sent by email. */
export interface FollowUpPayload {
  kind: 'link' | 'copy';
  workspaceId: string;
  conversationId: string;
  messageId?: string;
}

/** The workspace's email account that speaks for it (the oldest active one), if any. */
async function emailAccount(ctx: AppContext, workspaceId: string) {
  return ctx.db.kysely
    .selectFrom('channel_accounts')
    .select(['id', 'name'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'email')
    .where('active', '=', true)
    .orderBy('created_at')
    .executeTakeFirst();
}

function customerAddress(ctx: AppContext, conv: Conversation): Promise<string | null> {
  return contactAddress(ctx.db.kysely, conv.contactId, 'email');
}

async function enqueue(ctx: AppContext, payload: FollowUpPayload, key: string): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${EMAIL_FOLLOW_UP_TASK}, ${JSON.stringify(payload)}::json, job_key => ${key}, max_attempts => 8)`.execute(
    ctx.db.kysely,
  );
}

/**
 * New web-form conversations in a workspace with an email account: each customer also gets their
 * private link by email. Scheduled inside the transaction that stored the conversations, so a
 * node that dies right after the commit still sends every link; one statement per batch. The link
 * is issued when the job runs, so no credential waits in the queue.
 */
export async function scheduleLinksByEmailInTransaction(
  trx: Kysely<Database>,
  workspaceId: string,
  conversationIds: string[],
): Promise<void> {
  if (conversationIds.length === 0) return;
  await sql`SELECT graphile_worker.add_job(${EMAIL_FOLLOW_UP_TASK},
      json_build_object('kind', 'link', 'workspaceId', ${workspaceId}::text, 'conversationId', c.id::text),
      job_key => 'email-link:' || c.id::text, max_attempts => 8)
    FROM conversations c
    WHERE c.id = ANY(${conversationIds}::uuid[]) AND c.workspace_id = ${workspaceId}
      AND EXISTS (SELECT 1 FROM channel_accounts a WHERE a.workspace_id = c.workspace_id AND a.kind = 'email' AND a.active)
      AND EXISTS (SELECT 1 FROM identities i WHERE i.contact_id = c.contact_id AND i.kind = 'email')`.execute(trx);
}

/** An agent's reply reached a web-form customer's page: a copy goes to their inbox too. */
export async function scheduleCopyByEmail(ctx: AppContext, conv: Conversation, messageId: string): Promise<void> {
  if (!(await emailAccount(ctx, conv.workspaceId)) || !(await customerAddress(ctx, conv))) return;
  await enqueue(ctx, { kind: 'copy', workspaceId: conv.workspaceId, conversationId: conv.id, messageId }, `email-copy:${messageId}`);
}

function linkText(language: string | null, accountName: string, link: string): { subject: string; text: string } {
  if (language === 'es') {
    return {
      subject: `Hemos recibido tu mensaje (${accountName})`,
      text: `Hola,\n\nHemos recibido tu mensaje y te responderemos lo antes posible.\n\nPuedes seguir la conversación aquí: ${link}\n\nTambién puedes contestar a este correo.`,
    };
  }
  return {
    subject: `We received your message (${accountName})`,
    text: `Hello,\n\nWe received your message and will answer as soon as we can.\n\nYou can follow the conversation here: ${link}\n\nYou can also reply to this email.`,
  };
}

/**
 * Sends one follow-up. Its Message-ID and reply token are filed against the conversation, so the
 * customer's email answer threads back into it. A permanent failure is recorded as an event and
 * not retried; a temporary one is thrown for the job queue to retry.
 */
export async function sendFollowUp(ctx: AppContext, payload: FollowUpPayload, issueLink: () => Promise<string>): Promise<void> {
  const db = ctx.db.kysely;
  const account = await emailAccount(ctx, payload.workspaceId);
  if (!account) return;
  const live = await ctx.channels.connection(account.id);
  const conv = await getConversation(db, payload.workspaceId, payload.conversationId);
  const to = await customerAddress(ctx, conv);
  if (!live || !to) return;
  const message = payload.messageId ? await findMessage(db, payload.workspaceId, payload.messageId) : null;
  if (payload.kind === 'copy' && !message) return;
  const link = payload.kind === 'link' ? linkText(conv.language, account.name, await issueLink()) : null;
  const earlier = await db
    .selectFrom('message_parts as p')
    .innerJoin('messages as m', 'm.id', 'p.message_id')
    .select('p.external_id')
    .where('m.conversation_id', '=', conv.id)
    .where('p.channel_account_id', '=', account.id)
    .orderBy('m.created_at')
    .execute();
  try {
    const result = await live.connection.send({
      // A stable id per follow-up, so a retry sends the same Message-ID.
      messageId: message?.id ?? `link-${conv.id}`,
      conversationId: conv.id,
      text: link?.text ?? message?.text ?? '',
      visibility: 'private',
      recipient: { kind: 'email', externalId: to },
      inReplyTo: earlier.map((r) => r.external_id),
      allowSplit: false,
      subject: link?.subject ?? conv.subject,
      author: null,
      automatic: payload.kind === 'link',
    });
    await fileReplyTokens(
      db,
      { workspaceId: conv.workspaceId, channelAccountId: account.id, conversationId: conv.id },
      result.replyTokens ?? [],
    );
    const externalId = result.externalIds[0];
    if (message && externalId) {
      await recordCopy(db, { workspaceId: conv.workspaceId, channelAccountId: account.id, externalId, messageId: message.id });
    }
    await appendEvent(db, {
      workspaceId: conv.workspaceId,
      conversationId: conv.id,
      type: payload.kind === 'link' ? 'conversation.link_emailed' : 'message.copied_by_email',
      actor: { type: 'system', id: null },
      data: { channelAccountId: account.id, ...(message ? { messageId: message.id } : {}) },
    });
  } catch (err) {
    if (err instanceof SendError && !err.retryable) {
      await appendEvent(db, {
        workspaceId: conv.workspaceId,
        conversationId: conv.id,
        type: 'conversation.email_follow_up_failed',
        actor: { type: 'system', id: null },
        data: { kind: payload.kind, reason: err.message, ...(message ? { messageId: message.id } : {}) },
      });
      return;
    }
    throw err;
  }
}
