import { normaliseExternalId } from '@centralita/core';
import { sql, type Transaction } from 'kysely';
import { readHandoffs } from './ingest-handoff.ts';
import { identityKey, linkKey, senderIdentities } from './ingest-identity.ts';
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
  // Both go through the identities the sender proved, never through the contact: once contacts
  // are merged, one identity must not thread into a conversation another identity held.
  const wanted = new Set<string>();
  const pairsOf = (pred: (i: IngestItem) => boolean) => {
    const kinds: string[] = [];
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const i of items) {
      if (!pred(i)) continue;
      for (const p of senderIdentities(i.event.sender)) {
        const key = identityKey(p.kind, p.externalId);
        if (seen.has(key)) continue;
        seen.add(key);
        kinds.push(p.kind);
        ids.push(p.externalId);
      }
    }
    return { kinds, ids };
  };
  const subjectItems = items.filter((i) => i.event.thread.subject?.key);
  const bySubject = pairsOf((i) => i.event.thread.subject?.key !== undefined && i.event.thread.subject.key !== '');
  if (bySubject.kinds.length > 0) {
    const subjectKeys = [...new Set(subjectItems.map((i) => i.event.thread.subject?.key as string))];
    const widest = Math.max(...subjectItems.map((i) => i.event.thread.subject?.windowMinutes ?? 0));
    const rows = await sql<{ id: string }>`
      SELECT DISTINCT c.id FROM conversation_identities ci
      JOIN unnest(${bySubject.kinds}::text[], ${bySubject.ids}::text[]) AS s(kind, external_id) USING (kind, external_id)
      JOIN conversations c ON c.id = ci.conversation_id
      WHERE ci.workspace_id = ${ws} AND c.subject_key = ANY(${subjectKeys}::text[])
        AND c.last_message_at >= ${new Date(now.getTime() - widest * 60_000)}`.execute(trx);
    for (const r of rows.rows) wanted.add(r.id);
  }
  const byThread = pairsOf((i) => i.event.thread.contactThread === true);
  if (byThread.kinds.length > 0) {
    // Each identity's latest conversation on this account, by index, inside one statement.
    const rows = await sql<{ id: string }>`
      SELECT latest.id FROM unnest(${byThread.kinds}::text[], ${byThread.ids}::text[]) AS k(kind, external_id)
      CROSS JOIN LATERAL (
        SELECT c.id FROM conversation_identities ci JOIN conversations c ON c.id = ci.conversation_id
        WHERE ci.workspace_id = ${ws} AND ci.kind = k.kind AND ci.external_id = k.external_id
          AND ci.channel_account_id = ${target.channelAccountId}
        ORDER BY c.created_at DESC LIMIT 1
      ) AS latest`.execute(trx);
    for (const r of rows.rows) wanted.add(r.id);
  }
  const handoffs = await readHandoffs(
    trx,
    target,
    items.filter((i) => !i.conversationId).map((i) => i.event),
    now,
  );
  for (const h of [...handoffs.byCode.values(), ...handoffs.byIdentity.values()]) wanted.add(h.conversationId);
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
  const links = new Map<string, Set<string>>();
  if (conversations.size > 0 && proven.length > 0) {
    const rows = await sql<{ conversation_id: string; channel_account_id: string; kind: string; external_id: string }>`
      SELECT ci.conversation_id, ci.channel_account_id, ci.kind, ci.external_id FROM conversation_identities ci
      JOIN unnest(${proven.map((i) => i.kind)}::text[], ${proven.map((i) => i.externalId)}::text[]) AS s(kind, external_id) USING (kind, external_id)
      WHERE ci.conversation_id = ANY(${[...conversations.keys()]}::uuid[])`.execute(trx);
    for (const r of rows.rows) {
      const set = links.get(r.conversation_id) ?? new Set<string>();
      set.add(linkKey(r.channel_account_id, identityKey(r.kind, r.external_id)));
      links.set(r.conversation_id, set);
    }
  }
  return { stored, identities, contactKinds, conversations, replyTargets, threadKeys, links, handoffs };
}
