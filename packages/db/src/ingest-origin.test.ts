import type { MessageReceivedEvent } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMany, ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { listInboxRows } from './repos/inbox-rows.ts';
import { createWorkspace } from './repos/workspaces.ts';

// A conversation's origin is decided by the message that creates it, and only by it.

const database = useTestDatabase();
let target: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'origin', name: 'Origin' });
  const acct = await createChannelAccount(db, { workspaceId: ws.id, kind: 'twitter', name: 'X', settings: {}, secretsEncrypted: null });
  target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: 60 };
});

function post(id: string, from: string, extra: Partial<MessageReceivedEvent> = {}): MessageReceivedEvent {
  return {
    type: 'message.received',
    externalMessageId: id,
    occurredAt: new Date(),
    sender: { kind: 'twitter', externalId: from, verified: true },
    text: `post ${id}`,
    visibility: 'public',
    thread: { contactThread: true },
    ...extra,
  };
}

const ingest = (event: MessageReceivedEvent) => ingestMessage(database.current.db.kysely, target, event, { now: new Date() });

describe('conversation origin', () => {
  it('is proactive when a saved search’s match starts it, and stays so when the customer then writes to the brand', async () => {
    const found = await ingest(post('p1', 'u1', { origin: 'proactive' }));
    expect(found.createdConversation).toBe(true);
    expect(found.conversation.origin).toBe('proactive');
    const answer = await ingest(post('p2', 'u1'));
    expect([answer.conversationId, answer.conversation.origin]).toEqual([found.conversationId, 'proactive']);
  });

  it('is customer when the customer wrote first, even if a search finds their next post', async () => {
    const wrote = await ingest(post('c1', 'u2'));
    expect(wrote.conversation.origin).toBe('customer');
    const matched = await ingest(post('c2', 'u2', { origin: 'proactive' }));
    expect([matched.conversationId, matched.conversation.origin]).toEqual([wrote.conversationId, 'customer']);
  });

  it('is filtered on in the inbox, and an unknown origin is refused alone', async () => {
    const { outcomes } = await ingestMany(
      database.current.db.kysely,
      target,
      [{ event: post('b1', 'u3', { origin: 'proactive' }) }, { event: { ...post('b2', 'u4'), origin: 'brand' as 'proactive' } }],
      { now: new Date() },
    );
    expect(outcomes[0]?.ok).toBe(true);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { message: expect.stringContaining('origin brand is not proactive') } });
    const page = await listInboxRows(
      database.current.db.kysely,
      target.workspaceId,
      { origin: 'proactive' },
      {
        limit: 50,
        sort: 'newest',
        userId: null,
      },
    );
    expect(page.items.map((r) => r.contact.handle).sort()).toEqual(['u1', 'u3']);
  });
});
