import {
  type Actor,
  type Conversation,
  type MessageReceivedEvent,
  normaliseExternalId,
  planIdentity,
  planThreading,
  truncate,
} from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { attachmentKey } from './repos/attachments.ts';
import { toConversation } from './repos/conversations.ts';
import { appendEvents, type NewEvent } from './repos/events.ts';
import { type StoredMessage, toMessage } from './repos/messages.ts';
import type { ConversationsTable, Database } from './schema.ts';
import { findThreadCandidates } from './thread-lookup.ts';

export interface IngestTarget {
  workspaceId: string;
  channelAccountId: string;
  reopenWindowMinutes: number;
}

export interface IngestOptions {
  /**
   * A conversation the host already knows the message belongs to (a reply on the customer's
   * portal page, authorised by its token). Adapters never set this.
   */
  conversationId?: string;
  now: Date;
}

/** What happened to one inbound message. */
export interface IngestResult {
  duplicate: boolean;
  messageId: string;
  /** The stored message when this call stored it; null for a duplicate. */
  message: StoredMessage | null;
  conversationId: string;
  /** The conversation as it stands after this message (its contact, status, times). */
  conversation: Conversation;
  createdConversation: boolean;
  reopened: boolean;
  threadRule: string | null;
}

/**
 * Stores one inbound message exactly once and threads it. Concurrent deliveries of the same
 * message, or of two messages from the same person, are serialised by transaction-scoped advisory
 * locks, so a webhook delivered twice at the same instant still yields one message and one
 * conversation.
 */
export async function ingestMessage(
  db: Kysely<Database>,
  target: IngestTarget,
  event: MessageReceivedEvent,
  options: IngestOptions,
): Promise<IngestResult> {
  return db.transaction().execute(async (trx) => {
    const kind = event.sender.kind;
    const senderId = normaliseExternalId(kind, event.sender.externalId);
    // One statement, always message then sender, so no two ingests wait on each other crosswise.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`msg:${target.channelAccountId}:${event.externalMessageId}`}, 0)),
      pg_advisory_xact_lock(hashtextextended(${`who:${target.workspaceId}:${kind}:${senderId}`}, 0))`.execute(trx);

    const existing = await trx
      .selectFrom('messages')
      .select(['id', 'conversation_id'])
      .where('channel_account_id', '=', target.channelAccountId)
      .where('external_id', '=', event.externalMessageId)
      .executeTakeFirst();
    if (existing) {
      const conv = await trx.selectFrom('conversations').selectAll().where('id', '=', existing.conversation_id).executeTakeFirstOrThrow();
      return {
        duplicate: true,
        messageId: existing.id,
        message: null,
        conversationId: existing.conversation_id,
        conversation: toConversation(conv),
        createdConversation: false,
        reopened: false,
        threadRule: null,
      };
    }

    const candidates = await findThreadCandidates(trx, target, event, senderId, options);
    const contactId = options.conversationId
      ? (candidates[0]?.contactId ?? (await resolveContact(trx, target, event, senderId)))
      : await resolveContact(trx, target, event, senderId);
    // Threading by contact only makes sense for the contact we just resolved.
    const usable = candidates.filter((c) => c.rule !== 'contact_thread' || c.contactId === contactId);
    const automated = event.automated ?? null;
    const plan = planThreading(usable, options.now, target.reopenWindowMinutes, { automated: automated !== null });
    const actor: Actor = { type: 'contact', id: contactId };
    // Written together at the end: one round trip instead of one per event.
    const events: NewEvent[] = [];

    let conversationId: string;
    let created: Selectable<ConversationsTable> | null = null;
    // A joined conversation that was resolved, pending or snoozed opens again, in the same update
    // that records this message's time.
    const reopens = plan.action === 'join' && (plan.reopen || plan.wake);
    if (plan.action === 'join') {
      conversationId = plan.conversationId;
      if (reopens) {
        const before = usable[0]?.conversation.status;
        events.push({
          workspaceId: target.workspaceId,
          conversationId,
          type: plan.reopen ? 'conversation.reopened' : 'conversation.status_changed',
          actor,
          data: { from: before, to: 'open', reason: 'customer_message' },
        });
      }
    } else {
      const row = await trx
        .insertInto('conversations')
        .values({
          workspace_id: target.workspaceId,
          contact_id: contactId,
          channel_account_id: target.channelAccountId,
          status: 'open',
          subject: event.subject ? truncate(event.subject, 200) : null,
          subject_key: event.thread.subject?.key || null,
          language: event.sender.locale ?? null,
          region: event.sender.country ?? null,
          previous_conversation_id: plan.previousConversationId,
          last_message_at: options.now,
          last_inbound_at: options.now,
          channel_kind: sql<string>`(SELECT kind FROM channel_accounts WHERE id = ${target.channelAccountId})`,
          waiting_since: options.now,
          // Nobody owes an out-of-office an answer.
          awaiting_reply_since: automated ? null : options.now,
          created_at: options.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      conversationId = row.id;
      created = row;
      events.push({
        workspaceId: target.workspaceId,
        conversationId,
        type: 'conversation.created',
        actor,
        data: { channelAccountId: target.channelAccountId, previousConversationId: plan.previousConversationId },
      });
    }

    if (event.thread.externalThreadId) {
      await trx
        .insertInto('conversation_threads')
        .values({
          workspace_id: target.workspaceId,
          channel_account_id: target.channelAccountId,
          external_thread_id: event.thread.externalThreadId,
          conversation_id: conversationId,
        })
        .onConflict((oc) => oc.columns(['channel_account_id', 'external_thread_id']).doUpdateSet({ conversation_id: conversationId }))
        .execute();
    }

    const message = await trx
      .insertInto('messages')
      .values({
        workspace_id: target.workspaceId,
        conversation_id: conversationId,
        channel_account_id: target.channelAccountId,
        direction: 'inbound',
        visibility: event.visibility,
        author_type: 'contact',
        author_id: contactId,
        text: event.text,
        subject: event.subject ?? null,
        external_id: event.externalMessageId,
        thread_rule: plan.action === 'join' ? plan.rule : null,
        delivery_state: 'received',
        metadata: JSON.stringify(event.metadata ?? {}),
        html: event.html ?? null,
        full_text: event.fullText !== undefined && event.fullText !== event.text ? event.fullText : null,
        automated,
        created_at: options.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (event.attachments?.length) {
      // The bytes were stored under their hash before this transaction (see AttachmentStorage).
      await trx
        .insertInto('attachments')
        .values(
          event.attachments.map((a) => ({
            workspace_id: target.workspaceId,
            message_id: message.id,
            filename: truncate(a.filename || 'attachment', 255),
            content_type: a.contentType || 'application/octet-stream',
            size: a.size,
            inline: a.inline === true,
            content_id: a.contentId ?? null,
            storage_key: a.content ? attachmentKey(a.content) : 'none',
          })),
        )
        .execute();
    }

    const conversation =
      created ??
      (await trx
        .updateTable('conversations')
        .set({
          last_message_at: options.now,
          // An automated message is kept in the thread but is not the customer speaking.
          ...(automated
            ? {}
            : {
                last_inbound_at: options.now,
                // Capacity counts against the channel the customer last wrote on.
                channel_kind: sql<string>`(SELECT kind FROM channel_accounts WHERE id = ${target.channelAccountId})`,
                awaiting_reply_since: sql<Date>`COALESCE(awaiting_reply_since, ${options.now})`,
              }),
          // A fresh wait (the trigger keeps it only if nobody holds the conversation).
          ...(reopens
            ? { status: 'open' as const, snoozed_until: null, resolved_at: null, waiting_since: options.now, declined_by: [] }
            : {}),
        })
        .where('id', '=', conversationId)
        .returningAll()
        .executeTakeFirstOrThrow());
    events.push({
      workspaceId: target.workspaceId,
      conversationId,
      type: 'message.received',
      actor,
      data: { messageId: message.id, channelAccountId: target.channelAccountId },
    });
    await appendEvents(trx, events);

    return {
      duplicate: false,
      messageId: message.id,
      message: toMessage(message),
      conversationId,
      conversation: toConversation(conversation),
      createdConversation: created !== null,
      reopened: plan.action === 'join' && plan.reopen,
      threadRule: plan.action === 'join' ? plan.rule : null,
    };
  });
}

async function resolveContact(
  trx: Transaction<Database>,
  target: IngestTarget,
  event: MessageReceivedEvent,
  senderId: string,
): Promise<string> {
  const s = event.sender;
  const existing = s.verified
    ? await trx
        .selectFrom('identities')
        .selectAll()
        .where('workspace_id', '=', target.workspaceId)
        .where('kind', '=', s.kind)
        .where('external_id', '=', senderId)
        .where('verified', '=', true)
        .executeTakeFirst()
    : undefined;
  const plan = planIdentity(
    s,
    existing
      ? {
          id: existing.id,
          workspaceId: existing.workspace_id,
          contactId: existing.contact_id,
          kind: existing.kind,
          externalId: existing.external_id,
          verified: existing.verified,
          displayName: existing.display_name,
        }
      : null,
  );
  if (plan.action === 'use') {
    // Channels keep public signals fresh (followers change); fill profile gaps, never erase.
    await trx
      .updateTable('contacts')
      .set((eb) => ({
        name: eb.fn.coalesce('name', eb.val(s.displayName ?? null)),
        locale: eb.fn.coalesce('locale', eb.val(s.locale ?? null)),
        country: eb.fn.coalesce('country', eb.val(s.country ?? null)),
        timezone: eb.fn.coalesce('timezone', eb.val(s.timezone ?? null)),
        signals: s.signals ? sql`signals || ${JSON.stringify(s.signals)}::jsonb` : sql`signals`,
      }))
      .where('id', '=', plan.contactId)
      .execute();
    return plan.contactId;
  }
  const contact = await trx
    .insertInto('contacts')
    .values({
      workspace_id: target.workspaceId,
      name: s.displayName ?? null,
      locale: s.locale ?? null,
      country: s.country ?? null,
      timezone: s.timezone ?? null,
      signals: JSON.stringify(s.signals ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('identities')
    .values({
      workspace_id: target.workspaceId,
      contact_id: contact.id,
      kind: s.kind,
      external_id: senderId,
      verified: plan.verified,
      display_name: s.displayName ?? null,
    })
    .execute();
  return contact.id;
}
