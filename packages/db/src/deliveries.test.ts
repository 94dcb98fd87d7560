import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { recordDeliveries, recordDelivery } from './repos/deliveries.ts';
import { createAgentMessage, recordSentPart } from './repos/messages.ts';
import { createUser, createWorkspace } from './repos/workspaces.ts';

// Channel receipts applied in runs (a WhatsApp delivery brings fifty statuses): each receipt as
// if applied alone, in order; states only move forward; a part's or an in-progress send's id
// finds its message.

const database = useTestDatabase();
let where: { workspaceId: string; channelAccountId: string };
let conversationId = '';
let agentId = '';

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'receipts', name: 'Receipts' });
  const acct = await createChannelAccount(db, { workspaceId: ws.id, kind: 'whatsapp', name: 'WA', settings: {}, secretsEncrypted: null });
  where = { workspaceId: ws.id, channelAccountId: acct.id };
  const inbound = await ingestMessage(
    db,
    { ...where, reopenWindowMinutes: 60 },
    {
      type: 'message.received',
      externalMessageId: 'wamid.in',
      occurredAt: new Date(),
      sender: { kind: 'phone', externalId: '+34600000001', verified: true },
      text: 'Hola',
      visibility: 'private',
      thread: { contactThread: true },
    },
    { now: new Date() },
  );
  conversationId = inbound.conversationId;
  agentId = (await createUser(db, { workspaceId: ws.id, email: 'agent@receipts.test', name: 'Agent', role: 'agent', passwordHash: null }))
    .id;
});

async function reply(text: string): Promise<string> {
  const { message } = await createAgentMessage(database.current.db.kysely, {
    ...where,
    conversationId,
    kind: 'reply',
    visibility: 'private',
    text,
    author: { type: 'user', id: agentId },
    now: new Date(),
  });
  return message.id;
}

describe('receipts applied in a run', () => {
  it('moves each message forward only, in order, and says which receipts changed something', async () => {
    const db = database.current.db.kysely;
    const a = await reply('a');
    const b = await reply('b');
    await recordDelivery(db, { workspaceId: where.workspaceId, messageId: a }, { state: 'sent', externalIds: ['wamid.a'] });
    await recordDelivery(db, { workspaceId: where.workspaceId, messageId: b }, { state: 'sent', externalIds: ['wamid.b', 'wamid.b2'] });
    const results = await recordDeliveries(db, where, [
      { externalId: 'wamid.a', state: 'read' },
      { externalId: 'wamid.a', state: 'delivered' },
      { externalId: 'wamid.unknown', state: 'read' },
      { externalId: 'wamid.b2', state: 'delivered' },
      { externalId: 'wamid.b', state: 'failed', reason: '131026 Message undeliverable' },
      { externalId: 'wamid.in', state: 'read' },
    ]);
    expect(results.map((m) => m && [m.id, m.deliveryState])).toEqual([[a, 'read'], null, null, [b, 'failed'], [b, 'failed'], null]);
    expect(results[4]?.failureReason).toBe('131026 Message undeliverable');
    const events = await db
      .selectFrom('events')
      .select(['data'])
      .where('conversation_id', '=', conversationId)
      .where('type', '=', 'message.delivery_updated')
      .orderBy('seq')
      .execute();
    const moves = events.map((e) => e.data as { messageId: string; from: string; to: string }).filter((d) => d.messageId === b);
    expect(moves.map((d) => `${d.from}>${d.to}`)).toEqual(['queued>sent', 'sent>delivered', 'delivered>failed']);
  });

  it('finds a reply by the id of a part a send in progress already delivered', async () => {
    const db = database.current.db.kysely;
    const c = await reply('c');
    await recordSentPart(db, { workspaceId: where.workspaceId, messageId: c }, 0, 'wamid.c');
    const [early] = await recordDeliveries(db, where, [{ externalId: 'wamid.c', state: 'delivered' }]);
    expect([early?.id, early?.deliveryState]).toEqual([c, 'delivered']);
    // The send job records its outcome afterwards: the ids are kept and the state stays ahead.
    const done = await recordDelivery(db, { workspaceId: where.workspaceId, messageId: c }, { state: 'sent', externalIds: ['wamid.c'] });
    expect([done?.externalId, done?.deliveryState]).toEqual(['wamid.c', 'delivered']);
  });
});
