import { truncate } from '@centralita/core';
import { type Selectable, sql, type Transaction } from 'kysely';
import type { BatchPlan } from './ingest-plan.ts';
import { attachmentKey } from './repos/attachments.ts';
import { appendEvents } from './repos/events.ts';
import { suggestMerge } from './repos/merge-suggestions.ts';
import type { ConversationsTable, Database, MessagesTable } from './schema.ts';

// The writing half of batched ingest: one multi-row statement per table, whatever the batch size.

export interface WriteTarget {
  workspaceId: string;
  channelAccountId: string;
  /** The account's adapter kind: the capacity a customer's message counts against. */
  channelKind: string;
}

export interface Written {
  conversations: Map<string, Selectable<ConversationsTable>>;
  messages: Map<string, Selectable<MessagesTable>>;
}

/** A microsecond timestamp written as text (a JS Date keeps milliseconds only). */
const ts = (value: string) => sql<Date>`${value}::timestamptz`;
const tsOrNull = (value: string | null) => (value === null ? null : ts(value));

export async function writeBatch(trx: Transaction<Database>, target: WriteTarget, plan: BatchPlan): Promise<Written> {
  const ws = target.workspaceId;
  if (plan.newContacts.length > 0) {
    await trx
      .insertInto('contacts')
      .values(
        plan.newContacts.map((c) => ({
          id: c.id,
          workspace_id: ws,
          name: c.name,
          locale: c.locale,
          country: c.country,
          timezone: c.timezone,
          signals: JSON.stringify(c.signals),
        })),
      )
      .execute();
  }
  if (plan.newIdentities.length > 0) {
    await trx
      .insertInto('identities')
      .values(
        plan.newIdentities.map((i) => ({
          workspace_id: ws,
          contact_id: i.contactId,
          kind: i.kind,
          external_id: i.externalId,
          verified: i.verified,
          display_name: i.displayName,
        })),
      )
      .execute();
  }
  if (plan.contactUpdates.length > 0) {
    // Channels keep public signals fresh (followers change); profile gaps are filled, never erased.
    const u = plan.contactUpdates;
    await sql`UPDATE contacts AS c SET
        name = COALESCE(c.name, v.name), locale = COALESCE(c.locale, v.locale),
        country = COALESCE(c.country, v.country), timezone = COALESCE(c.timezone, v.timezone),
        signals = c.signals || v.signals
      FROM unnest(${u.map((x) => x.id)}::uuid[], ${u.map((x) => x.name)}::text[], ${u.map((x) => x.locale)}::text[],
                  ${u.map((x) => x.country)}::text[], ${u.map((x) => x.timezone)}::text[], ${u.map((x) => JSON.stringify(x.signals))}::jsonb[])
        AS v(id, name, locale, country, timezone, signals)
      WHERE c.id = v.id AND c.workspace_id = ${ws}`.execute(trx);
  }

  const conversations = new Map<string, Selectable<ConversationsTable>>();
  if (plan.newConversations.length > 0) {
    const rows = await trx
      .insertInto('conversations')
      .values(
        plan.newConversations.map((c) => ({
          id: c.id,
          workspace_id: ws,
          contact_id: c.contactId,
          channel_account_id: target.channelAccountId,
          status: 'open' as const,
          origin: c.origin,
          subject: c.subject,
          subject_key: c.subjectKey,
          language: c.language,
          region: c.region,
          previous_conversation_id: c.previousConversationId,
          last_message_at: ts(c.lastMessageAt),
          last_inbound_at: tsOrNull(c.lastInboundAt),
          channel_kind: target.channelKind,
          waiting_since: ts(c.createdAt),
          awaiting_reply_since: tsOrNull(c.awaitingReplySince),
          created_at: ts(c.createdAt),
        })),
      )
      .returningAll()
      .execute();
    for (const r of rows) conversations.set(r.id, r);
  }
  if (plan.threadKeys.size > 0) {
    const keys = [...plan.threadKeys.entries()];
    await trx
      .insertInto('conversation_threads')
      .values(
        keys.map(([key, conversationId]) => ({
          workspace_id: ws,
          channel_account_id: target.channelAccountId,
          external_thread_id: key,
          conversation_id: conversationId,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['channel_account_id', 'external_thread_id']).doUpdateSet({ conversation_id: sql`excluded.conversation_id` }),
      )
      .execute();
  }

  if (plan.links.length > 0) {
    const l = plan.links;
    await sql`INSERT INTO conversation_identities (workspace_id, conversation_id, channel_account_id, kind, external_id)
      SELECT ${ws}, v.conversation_id, ${target.channelAccountId}, v.kind, v.external_id
      FROM unnest(${l.map((x) => x.conversationId)}::uuid[], ${l.map((x) => x.kind)}::text[], ${l.map((x) => x.externalId)}::text[])
        AS v(conversation_id, kind, external_id)
      ON CONFLICT DO NOTHING`.execute(trx);
  }

  const messages = new Map<string, Selectable<MessagesTable>>();
  if (plan.messages.length > 0) {
    const rows = await trx
      .insertInto('messages')
      .values(
        plan.messages.map((m) => {
          const e = m.item.event;
          return {
            id: m.id,
            workspace_id: ws,
            conversation_id: m.conversationId,
            channel_account_id: target.channelAccountId,
            direction: 'inbound' as const,
            visibility: e.visibility,
            author_type: 'contact' as const,
            author_id: m.contactId,
            text: e.text,
            subject: e.subject ?? null,
            external_id: e.externalMessageId,
            thread_rule: m.threadRule,
            delivery_state: 'received' as const,
            metadata: JSON.stringify(e.metadata ?? {}),
            html: e.html ?? null,
            full_text: e.fullText !== undefined && e.fullText !== e.text ? e.fullText : null,
            automated: e.automated ?? null,
            created_at: ts(m.createdAt),
          };
        }),
      )
      .returningAll()
      .execute();
    for (const r of rows) messages.set(r.id, r);
    const files = plan.messages.flatMap((m) =>
      (m.item.event.attachments ?? []).map((a) => ({
        workspace_id: ws,
        message_id: m.id,
        filename: truncate(a.filename || 'attachment', 255),
        content_type: a.contentType || 'application/octet-stream',
        size: a.size,
        inline: a.inline === true,
        content_id: a.contentId ?? null,
        // The bytes were stored under their hash before this transaction (see AttachmentStorage).
        storage_key: a.content ? attachmentKey(a.content) : 'none',
      })),
    );
    if (files.length > 0) await trx.insertInto('attachments').values(files).execute();
  }

  if (plan.touched.length > 0) {
    const t = plan.touched;
    // A customer message counts against the channel it came on; a reopened conversation waits
    // afresh (the trigger keeps waiting_since only while nobody holds it); automated mail only
    // moves last_message_at.
    const rows = await sql<Selectable<ConversationsTable>>`
      UPDATE conversations AS c SET
        last_message_at = v.last_message_at,
        last_inbound_at = COALESCE(v.last_inbound_at, c.last_inbound_at),
        channel_kind = CASE WHEN v.last_inbound_at IS NULL THEN c.channel_kind ELSE ${target.channelKind} END,
        awaiting_reply_since = CASE WHEN v.first_inbound_at IS NULL THEN c.awaiting_reply_since
                                    ELSE COALESCE(c.awaiting_reply_since, v.first_inbound_at) END,
        status = CASE WHEN v.reopened_at IS NULL THEN c.status ELSE 'open' END,
        snoozed_until = CASE WHEN v.reopened_at IS NULL THEN c.snoozed_until ELSE NULL END,
        resolved_at = CASE WHEN v.reopened_at IS NULL THEN c.resolved_at ELSE NULL END,
        waiting_since = CASE WHEN v.reopened_at IS NULL THEN c.waiting_since ELSE v.reopened_at END,
        declined_by = CASE WHEN v.reopened_at IS NULL THEN c.declined_by ELSE '{}' END,
        region = COALESCE(c.region, v.region)
      FROM unnest(${t.map((x) => x.id)}::uuid[], ${t.map((x) => x.lastMessageAt)}::timestamptz[], ${t.map((x) => x.lastInboundAt)}::timestamptz[],
                  ${t.map((x) => x.firstInboundAt)}::timestamptz[], ${t.map((x) => x.reopenedAt)}::timestamptz[], ${t.map((x) => x.region)}::text[])
        AS v(id, last_message_at, last_inbound_at, first_inbound_at, reopened_at, region)
      WHERE c.id = v.id AND c.workspace_id = ${ws}
      RETURNING c.*`.execute(trx);
    for (const r of rows.rows) conversations.set(r.id, r);
  }
  await appendEvents(trx, plan.events);
  if (plan.handoffJoins.length > 0) {
    const j = plan.handoffJoins;
    // The first message that used a handoff is remembered; later uses change nothing.
    await sql`UPDATE handoffs AS h SET joined_at = v.at, joined_message_id = v.message_id
      FROM unnest(${j.map((x) => x.handoffId)}::uuid[], ${j.map((x) => x.messageId)}::uuid[], ${j.map((x) => x.at)}::timestamptz[])
        AS v(id, message_id, at)
      WHERE h.id = v.id AND h.workspace_id = ${ws} AND h.joined_at IS NULL`.execute(trx);
  }
  for (const sgg of plan.suggestions) {
    await suggestMerge(trx, { workspaceId: ws, ...sgg });
  }
  return { conversations, messages };
}
