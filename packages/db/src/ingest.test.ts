import type { MessageReceivedEvent } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { changeStatus } from './repos/conversations.ts';
import { createWorkspace } from './repos/workspaces.ts';

const database = useTestDatabase();
let target: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'ingest', name: 'Ingest' });
  const acct = await createChannelAccount(db, { workspaceId: ws.id, kind: 'whatsapp', name: 'WA', settings: {}, secretsEncrypted: null });
  target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: 60 };
});

function event(id: string, from: string, text: string, extra: Partial<MessageReceivedEvent> = {}): MessageReceivedEvent {
  return {
    type: 'message.received',
    externalMessageId: id,
    occurredAt: new Date(),
    sender: { kind: 'whatsapp', externalId: from, verified: true, displayName: 'Ana' },
    text,
    visibility: 'private',
    thread: { contactThread: true },
    ...extra,
  };
}

async function count(table: 'messages' | 'conversations' | 'contacts', where?: string) {
  let q = database.current.db.kysely
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', target.workspaceId);
  if (where && table === 'messages') q = q.where('external_id', 'like', `${where}%`);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe('ingestMessage', () => {
  it('stores one message when the same delivery arrives 20 times at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        ingestMessage(database.current.db.kysely, target, event('wamid.dup', '+34600000001', 'hola'), { now: new Date() }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
    expect(await count('messages', 'wamid.dup')).toBe(1);
  });

  it('gives one person writing many messages at once one contact and one conversation', async () => {
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        ingestMessage(database.current.db.kysely, target, event(`wamid.burst-${i}`, '+34600000002', `msg ${i}`), { now: new Date() }),
      ),
    );
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(new Set(results.map((r) => r.conversation.contactId)).size).toBe(1);
    expect(results.filter((r) => r.createdConversation)).toHaveLength(1);
  });

  it('reopens within the window and starts a linked conversation after it', async () => {
    const db = database.current.db.kysely;
    const t0 = new Date('2026-11-24T10:00:00Z');
    const first = await ingestMessage(db, target, event('wamid.w1', '+34600000003', 'one'), { now: t0 });
    await changeStatus(db, target.workspaceId, first.conversationId, { type: 'resolve' }, { type: 'system', id: null }, t0);
    const soon = await ingestMessage(db, target, event('wamid.w2', '+34600000003', 'two'), { now: new Date(t0.getTime() + 30 * 60_000) });
    expect(soon).toMatchObject({ conversationId: first.conversationId, reopened: true, threadRule: 'contact_thread' });
    expect(soon.conversation).toMatchObject({ status: 'open', resolvedAt: null, lastInboundAt: soon.conversation.lastMessageAt });
    await changeStatus(
      db,
      target.workspaceId,
      first.conversationId,
      { type: 'resolve' },
      { type: 'system', id: null },
      new Date(t0.getTime() + 31 * 60_000),
    );
    const late = await ingestMessage(db, target, event('wamid.w3', '+34600000003', 'three'), {
      now: new Date(t0.getTime() + 3 * 60 * 60_000),
    });
    expect(late.createdConversation).toBe(true);
    const row = await db
      .selectFrom('conversations')
      .select('previous_conversation_id')
      .where('id', '=', late.conversationId)
      .executeTakeFirstOrThrow();
    expect(row.previous_conversation_id).toBe(first.conversationId);
  });

  it('threads a reply by the external id it answers before falling back to the contact', async () => {
    const db = database.current.db.kysely;
    const a = await ingestMessage(db, target, event('mail-a', '+34600000004', 'thread A', { thread: { externalThreadId: 'ta' } }), {
      now: new Date(),
    });
    const b = await ingestMessage(db, target, event('mail-b', '+34600000004', 'thread B', { thread: { externalThreadId: 'tb' } }), {
      now: new Date(),
    });
    expect(b.conversationId).not.toBe(a.conversationId);
    const reply = await ingestMessage(
      db,
      target,
      event('mail-c', '+34600000004', 're: A', { thread: { inReplyTo: ['mail-a'], contactThread: true } }),
      { now: new Date() },
    );
    expect(reply).toMatchObject({ conversationId: a.conversationId, threadRule: 'in_reply_to' });
  });
});
