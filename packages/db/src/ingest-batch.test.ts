import type { MessageReceivedEvent } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { type IngestItem, ingestMany, ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { changeStatus } from './repos/conversations.ts';
import { createWorkspace } from './repos/workspaces.ts';

const database = useTestDatabase();
let target: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'batch', name: 'Batch' });
  const acct = await createChannelAccount(db, { workspaceId: ws.id, kind: 'whatsapp', name: 'WA', settings: {}, secretsEncrypted: null });
  target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: 60 };
});

function event(id: string, from: string, text: string, extra: Partial<MessageReceivedEvent> = {}): MessageReceivedEvent {
  return {
    type: 'message.received',
    externalMessageId: id,
    occurredAt: new Date(),
    sender: { kind: 'whatsapp', externalId: from, verified: true },
    text,
    visibility: 'private',
    thread: { contactThread: true },
    ...extra,
  };
}

async function count(table: 'messages' | 'conversations' | 'contacts'): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE workspace_id = ${target.workspaceId}`.execute(
    database.current.db.kysely,
  );
  return r.rows[0]?.n ?? 0;
}

describe('ingestMany', () => {
  it('stores a batch of 500 exactly once, threaded in order, refusing only the malformed items', async () => {
    const db = database.current.db.kysely;
    const t0 = new Date('2026-12-01T09:00:00Z');
    // Before the batch: a conversation to reply into, and one resolved 10 minutes ago to reopen.
    const earlier = await ingestMessage(db, target, event('pre-1', '+34700000001', 'earlier question', { thread: {} }), { now: t0 });
    const resolved = await ingestMessage(db, target, event('pre-2', '+34700000002', 'will be resolved'), { now: t0 });
    await changeStatus(db, target.workspaceId, resolved.conversationId, { type: 'resolve' }, { type: 'system', id: null }, t0);
    const before = { messages: await count('messages'), conversations: await count('conversations') };

    const items: IngestItem[] = [];
    // 200 contacts writing twice each: the second message joins the first one's conversation.
    for (let c = 0; c < 200; c++) items.push({ event: event(`a-${c}`, `+3461${String(c).padStart(7, '0')}`, `first from ${c}`) });
    for (let c = 0; c < 200; c++) items.push({ event: event(`b-${c}`, `+3461${String(c).padStart(7, '0')}`, `second from ${c}`) });
    // Duplicates inside the batch (the same delivery twice) and across batches (already stored).
    for (let c = 0; c < 50; c++) items.push({ event: event(`a-${c}`, `+3461${String(c).padStart(7, '0')}`, `first from ${c}`) });
    items.push({ event: event('pre-1', '+34700000001', 'earlier question', { thread: {} }) });
    // A reply into the thread stored before, from someone else's phone (the reply id decides).
    items.push({ event: event('reply-1', '+34799999999', 'about your earlier answer', { thread: { inReplyTo: ['pre-1'] } }) });
    // The resolved conversation's customer writes again within the window.
    items.push({ event: event('reopen-1', '+34700000002', 'it broke again') });
    // Malformed: one the validator catches, one only the database refuses (a NUL in text).
    items.push({ event: event('', '+34700000003', 'no id') });
    items.push({ event: event('nul-1', '+34700000004', 'bad \u0000 text') });
    while (items.length < 500)
      items.push({ event: event(`fill-${items.length}`, `+3462${String(items.length).padStart(7, '0')}`, 'filler') });

    const now = new Date(t0.getTime() + 10 * 60_000);
    const { outcomes, events } = await ingestMany(db, target, items, { now });
    expect(outcomes).toHaveLength(500);

    const refused = outcomes.map((o, i) => (o.ok ? null : i)).filter((i) => i !== null);
    expect(refused).toEqual([453, 454]);
    const [noId, nul] = [outcomes[453], outcomes[454]];
    expect(noId?.ok === false && noId.error.message).toMatch(/externalMessageId is empty/);
    expect(nul?.ok === false && nul.error.message).toMatch(/0x00|invalid byte sequence/);

    const at = (i: number) => {
      const o = outcomes[i];
      if (!o?.ok) throw new Error(`item ${i} was refused: ${o?.ok === false ? o.error.message : 'missing'}`);
      return o;
    };
    const ok = outcomes.filter((o) => o.ok);
    const stored = ok.filter((o) => !o.duplicate);
    expect(stored).toHaveLength(500 - 2 - 51);
    expect(await count('messages')).toBe(before.messages + stored.length);
    // Every first and second message of a contact share one conversation; the rest start their own.
    for (let c = 0; c < 200; c++) {
      const [a, b] = [at(c), at(200 + c)];
      expect(b.conversationId).toBe(a.conversationId);
      expect(a.createdConversation).toBe(true);
      expect(b.threadRule).toBe('contact_thread');
    }
    for (let k = 0; k < 50; k++) {
      expect(at(400 + k).duplicate).toBe(true);
      expect(at(400 + k).conversationId).toBe(at(k).conversationId);
    }
    expect(at(450)).toMatchObject({ duplicate: true, messageId: earlier.messageId });
    expect(at(451)).toMatchObject({ conversationId: earlier.conversationId, threadRule: 'in_reply_to' });
    expect(at(452)).toMatchObject({ conversationId: resolved.conversationId, reopened: true });
    expect(at(452).conversation.status).toBe('open');
    // 200 contacts and 45 fillers started conversations; the reply and the reopen joined theirs.
    expect(await count('conversations')).toBe(before.conversations + 245);

    // A contact's two messages read back in arrival order, and events follow commit order.
    const first = at(0);
    const msgs = await db
      .selectFrom('messages')
      .select('text')
      .where('conversation_id', '=', first.conversationId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(msgs.map((m) => m.text)).toEqual(['first from 0', 'second from 0']);
    const created = events.findIndex((e) => e.type === 'conversation.created' && e.conversationId === first.conversationId);
    const received = events.findIndex((e) => e.type === 'message.received' && e.conversationId === first.conversationId);
    expect(created).toBeGreaterThanOrEqual(0);
    expect(received).toBeGreaterThan(created);
    expect(events.filter((e) => e.type === 'message.received')).toHaveLength(stored.length);
  });

  it('stores the same deliveries once when two batches race for them', async () => {
    const db = database.current.db.kysely;
    const items = Array.from({ length: 300 }, (_, i) => ({
      event: event(`race-${i}`, `+3463${String(i % 120).padStart(7, '0')}`, `race ${i}`),
    }));
    const shuffled = [...items].reverse();
    const before = await count('messages');
    const [x, y] = await Promise.all([
      ingestMany(db, target, items, { now: new Date() }),
      ingestMany(db, target, shuffled, { now: new Date() }),
    ]);
    expect([...x.outcomes, ...y.outcomes].every((o) => o.ok)).toBe(true);
    expect(await count('messages')).toBe(before + 300);
    // 120 senders, each one conversation, whichever batch got there first.
    const convs = new Set([...x.outcomes, ...y.outcomes].map((o) => (o.ok ? o.conversationId : '')));
    expect(convs.size).toBe(120);
  });
});
