import { normaliseExternalId } from '@centralita/core';
import { sql, type Transaction } from 'kysely';
import { identityKey, knownContact, senderIdentities } from './ingest-identity.ts';
import type { IngestItem, KnownConversation, Lookups, ReplyTarget } from './ingest-plan.ts';
import type { Database } from './schema.ts';
import { replyTokenKey } from './thread-lookup.ts';

// The reading half of batched ingest: a fixed number of set-based queries per batch, whatever
// its size, each answering one question for every item at once.

export interface LookupTarget {
  workspaceId: string;
  channelAccountId: string;
}

/**
 * Serialises ingest of the same message, and of the same sender, across transactions and nodes:
 * one statement taking every key of the batch in a fixed (sorted) order, so two batches that
 * share keys queue behind each other instead of deadlocking.
 */
export async function lockBatch(trx: Transaction<Database>, target: LookupTarget, items: readonly IngestItem[]): Promise<void> {
  const keys = new Set<string>();
  for (const { event } of items) {
    keys.add(`msg:${target.channelAccountId}:${event.externalMessageId}`);
    keys.add(`who:${target.workspaceId}:${event.sender.kind}:${normaliseExternalId(event.sender.kind, event.sender.externalId)}`);
    for (const i of senderIdentities(event.sender)) keys.add(`who:${target.workspaceId}:${i.kind}:${i.externalId}`);
  }
  await sql`SELECT count(pg_advisory_xact_lock(h)) FROM (
      SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${[...keys]}::text[]) AS k ORDER BY 1
    ) AS ordered`.execute(trx);
}

function toKnown(r: {
  id: string;
  status: KnownConversation['status'];
  resolved_at: Date | null;
  contact_id: string;
  channel_account_id: string;
  subject_key: string | null;
  last_message_at: Date;
  created_at: Date;
}): KnownConversation {
  return {
    id: r.id,
    status: r.status,
    resolvedAt: r.resolved_at,
    contactId: r.contact_id,
    channelAccountId: r.channel_account_id,
    subjectKey: r.subject_key,
    lastMessageAt: r.last_message_at,
    createdAt: r.created_at,
  };
}

/** Everything planning needs to know about the batch, read under the batch's locks. */
export async function readLookups(
  trx: Transaction<Database>,
  target: LookupTarget,
  items: readonly IngestItem[],
  now: Date,
): Promise<Lookups> {
  const ws = target.workspaceId;
  const externalIds = items.map((i) => i.event.externalMessageId);
  const storedRows = await trx
    .selectFrom('messages')
    .select(['external_id', 'id', 'conversation_id'])
    .where('channel_account_id', '=', target.channelAccountId)
    .where('external_id', '=', sql<string>`ANY(${externalIds}::text[])`)
    .execute();
  const stored = new Map(storedRows.map((r) => [r.external_id as string, { id: r.id, conversationId: r.conversation_id }]));

  const proven = items.flatMap((i) => senderIdentities(i.event.sender));
  const identities = new Map<string, { contactId: string }>();
  if (proven.length > 0) {
    const kinds = proven.map((i) => i.kind);
    const ids = proven.map((i) => i.externalId);
    const rows = await sql<{ kind: string; external_id: string; contact_id: string }>`
      SELECT i.kind, i.external_id, i.contact_id FROM identities i
      JOIN unnest(${kinds}::text[], ${ids}::text[]) AS s(kind, external_id) USING (kind, external_id)
      WHERE i.workspace_id = ${ws} AND i.verified`.execute(trx);
    for (const r of rows.rows) identities.set(identityKey(r.kind, r.external_id), { contactId: r.contact_id });
  }
  const contactKinds = new Map<string, Set<string>>();
  const found = [...new Set([...identities.values()].map((i) => i.contactId))];
  if (found.length > 0 && items.some((i) => (i.event.sender.otherIdentities?.length ?? 0) > 0)) {
    const rows = await sql<{ contact_id: string; kind: string }>`
      SELECT DISTINCT contact_id, kind FROM identities
      WHERE workspace_id = ${ws} AND verified AND contact_id = ANY(${found}::uuid[])`.execute(trx);
    for (const r of rows.rows) {
      const kinds = contactKinds.get(r.contact_id) ?? new Set<string>();
      kinds.add(r.kind);
      contactKinds.set(r.contact_id, kinds);
    }
  }

  const replyIds = [...new Set(items.flatMap((i) => (i.event.thread.inReplyTo ?? []).filter((id) => id.length > 0)))];
  const replyTargets = new Map<string, ReplyTarget>();
  if (replyIds.length > 0) {
    const direct = await trx
      .selectFrom('messages')
      .select(['external_id', 'conversation_id', 'created_at'])
      .where('workspace_id', '=', ws)
      .where('external_id', '=', sql<string>`ANY(${replyIds}::text[])`)
      .execute();
    for (const r of direct) {
      const prev = replyTargets.get(r.external_id as string);
      if (!prev || r.created_at > prev.createdAt) {
        replyTargets.set(r.external_id as string, { conversationId: r.conversation_id, createdAt: r.created_at, viaPart: false });
      }
    }
    const missing = replyIds.filter((id) => !replyTargets.has(id));
    if (missing.length > 0) {
      const parts = await trx
        .selectFrom('message_parts as p')
        .innerJoin('messages as m', 'm.id', 'p.message_id')
        .select(['p.external_id', 'm.conversation_id', 'm.created_at'])
        .where('p.workspace_id', '=', ws)
        .where('p.external_id', '=', sql<string>`ANY(${missing}::text[])`)
        .execute();
      for (const r of parts) replyTargets.set(r.external_id, { conversationId: r.conversation_id, createdAt: r.created_at, viaPart: true });
    }
  }

  const keys = [
    ...new Set(
      items.flatMap((i) => [
        ...(i.event.thread.externalThreadId ? [i.event.thread.externalThreadId] : []),
        ...(i.event.thread.replyToken ? [replyTokenKey(i.event.thread.replyToken)] : []),
      ]),
    ),
  ];
  const threadKeys = new Map<string, string>();
  if (keys.length > 0) {
    const rows = await trx
      .selectFrom('conversation_threads')
      .select(['external_thread_id', 'conversation_id'])
      .where('channel_account_id', '=', target.channelAccountId)
      .where('external_thread_id', '=', sql<string>`ANY(${keys}::text[])`)
      .execute();
    for (const r of rows) threadKeys.set(r.external_thread_id, r.conversation_id);
  }

  // The two rules that trust the sender: their conversations by subject, and their latest here.
  const wanted = new Set<string>();
  const contactsFor = (pred: (i: IngestItem) => boolean) => [
    ...new Set(
      items
        .filter((i) => i.event.sender.verified && pred(i))
        .map((i) => knownContact(i.event.sender, identities, contactKinds)?.contactId)
        .filter((c): c is string => c !== undefined),
    ),
  ];
  const subjectItems = items.filter((i) => i.event.thread.subject?.key);
  const subjectContacts = contactsFor((i) => i.event.thread.subject?.key !== undefined && i.event.thread.subject.key !== '');
  if (subjectContacts.length > 0) {
    const subjectKeys = [...new Set(subjectItems.map((i) => i.event.thread.subject?.key as string))];
    const widest = Math.max(...subjectItems.map((i) => i.event.thread.subject?.windowMinutes ?? 0));
    const rows = await trx
      .selectFrom('conversations')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('contact_id', '=', sql<string>`ANY(${subjectContacts}::uuid[])`)
      .where('subject_key', '=', sql<string>`ANY(${subjectKeys}::text[])`)
      .where('last_message_at', '>=', new Date(now.getTime() - widest * 60_000))
      .execute();
    for (const r of rows) wanted.add(r.id);
  }
  const threadContacts = contactsFor((i) => i.event.thread.contactThread === true);
  if (threadContacts.length > 0) {
    // The sender's latest conversation here, by index, one contact at a time inside one statement.
    const rows = await sql<{ id: string }>`
      SELECT latest.id FROM unnest(${threadContacts}::uuid[]) AS k(contact_id)
      CROSS JOIN LATERAL (
        SELECT c.id FROM conversations c
        WHERE c.workspace_id = ${ws} AND c.contact_id = k.contact_id AND c.channel_account_id = ${target.channelAccountId}
        ORDER BY c.created_at DESC LIMIT 1
      ) AS latest`.execute(trx);
    for (const r of rows.rows) wanted.add(r.id);
  }
  for (const i of items) if (i.conversationId) wanted.add(i.conversationId);
  for (const t of replyTargets.values()) wanted.add(t.conversationId);
  for (const id of threadKeys.values()) wanted.add(id);

  // Locked in id order, so an agent resolving one at this instant waits and planning sees the
  // final status, and two batches lock shared conversations in the same order.
  const conversations = new Map<string, KnownConversation>();
  if (wanted.size > 0) {
    const rows = await trx
      .selectFrom('conversations')
      .select(['id', 'status', 'resolved_at', 'contact_id', 'channel_account_id', 'subject_key', 'last_message_at', 'created_at'])
      .where('workspace_id', '=', ws)
      .where('id', '=', sql<string>`ANY(${[...wanted]}::uuid[])`)
      .orderBy('id')
      .forUpdate()
      .execute();
    for (const r of rows) conversations.set(r.id, toKnown(r));
  }
  return { stored, identities, contactKinds, conversations, replyTargets, threadKeys };
}
