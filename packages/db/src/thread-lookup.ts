import type { MessageReceivedEvent, ThreadCandidate } from '@centralita/core';
import type { Kysely, Transaction } from 'kysely';
import type { IngestOptions, IngestTarget } from './ingest.ts';
import type { Database } from './schema.ts';

/** Reply tokens share the thread-key table with channel thread ids, under their own prefix. */
export function replyTokenKey(token: string): string {
  return `token:${token}`;
}

/**
 * The conversation an inbound message belongs to, by the first rule that finds one, most specific
 * first: the customer's own page, a reply to a known message, a thread the channel names, a reply
 * token Centralita put on its own mail, the same subject from the same person recently, and one
 * running thread per contact. The row is locked, so an agent resolving it at this instant waits
 * and the plan sees the final status.
 */
export type Candidate = ThreadCandidate & { contactId: string };

export async function findThreadCandidates(
  trx: Transaction<Database>,
  target: IngestTarget,
  event: MessageReceivedEvent,
  senderId: string,
  options: IngestOptions,
): Promise<Candidate[]> {
  const base = trx
    .selectFrom('conversations as c')
    .select(['c.id', 'c.status', 'c.resolved_at', 'c.contact_id'])
    .where('c.workspace_id', '=', target.workspaceId)
    // Locked, so an agent resolving it at this instant waits, and the plan sees the final status.
    .forUpdate('c');
  const toCandidate = (
    rule: Candidate['rule'],
    row: { id: string; status: Candidate['conversation']['status']; resolved_at: Date | null; contact_id: string },
  ): Candidate => ({
    rule,
    contactId: row.contact_id,
    conversation: { id: row.id, status: row.status, resolvedAt: row.resolved_at },
  });

  // The contact a channel-proven sender is; unverified senders never match anyone's thread.
  const senderContacts = trx
    .selectFrom('identities as i')
    .select('i.contact_id')
    .where('i.workspace_id', '=', target.workspaceId)
    .where('i.kind', '=', event.sender.kind)
    .where('i.external_id', '=', senderId)
    .where('i.verified', '=', true);

  if (options.conversationId) {
    const row = await base.where('c.id', '=', options.conversationId).executeTakeFirst();
    if (row) return [toCandidate('portal', row)];
  }
  const replyTo = event.thread.inReplyTo?.filter((id) => id.length > 0) ?? [];
  if (replyTo.length > 0) {
    const row =
      (await base
        .innerJoin('messages as m', 'm.conversation_id', 'c.id')
        .where('m.workspace_id', '=', target.workspaceId)
        .where('m.external_id', 'in', replyTo)
        .orderBy('m.created_at', 'desc')
        .executeTakeFirst()) ??
      // An answer to the second or later part of a split reply.
      (await base
        .innerJoin('messages as m', 'm.conversation_id', 'c.id')
        .innerJoin('message_parts as p', 'p.message_id', 'm.id')
        .where('p.workspace_id', '=', target.workspaceId)
        .where('p.external_id', 'in', replyTo)
        .executeTakeFirst());
    if (row) return [toCandidate('in_reply_to', row)];
  }
  const byThreadKey = (key: string) =>
    base
      .innerJoin('conversation_threads as t', 't.conversation_id', 'c.id')
      .where('t.channel_account_id', '=', target.channelAccountId)
      .where('t.external_thread_id', '=', key)
      .executeTakeFirst();
  if (event.thread.externalThreadId) {
    const row = await byThreadKey(event.thread.externalThreadId);
    if (row) return [toCandidate('external_thread', row)];
  }
  if (event.thread.replyToken) {
    const row = await byThreadKey(replyTokenKey(event.thread.replyToken));
    if (row) return [toCandidate('reply_token', row)];
  }
  if (event.thread.subject?.key) {
    // The same person writing again about the same thing, recently: a reply whose client dropped
    // the In-Reply-To and References headers.
    const { key, windowMinutes } = event.thread.subject;
    const row = await base
      .where('c.contact_id', 'in', senderContacts)
      .where('c.subject_key', '=', key)
      .where('c.last_message_at', '>=', new Date(options.now.getTime() - windowMinutes * 60_000))
      .orderBy('c.last_message_at', 'desc')
      .executeTakeFirst();
    if (row) return [toCandidate('subject', row)];
  }
  if (event.thread.contactThread) {
    // The sender's identity first, then their conversations by index. Written as a join, the
    // planner (on a young table whose statistics lag) walked every conversation of the workspace:
    // 8 ms per message at 3,000 conversations, growing.
    const row = await base
      .where('c.contact_id', 'in', senderContacts)
      .where('c.channel_account_id', '=', target.channelAccountId)
      .orderBy('c.created_at', 'desc')
      .executeTakeFirst();
    if (row) return [toCandidate('contact_thread', row)];
  }
  return [];
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
