import type { MessageReceivedEvent } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { createWorkspace } from './repos/workspaces.ts';

// Threading goes by identity, never by contact: once two contacts are one (merged), each of
// their identities keeps its own running thread, and a subject match needs the same address.

const database = useTestDatabase();
let wa: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };
let mail: typeof wa;

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'by-identity', name: 'By identity' });
  const a = await createChannelAccount(db, { workspaceId: ws.id, kind: 'whatsapp', name: 'WA', settings: {}, secretsEncrypted: null });
  const m = await createChannelAccount(db, { workspaceId: ws.id, kind: 'email', name: 'Mail', settings: {}, secretsEncrypted: null });
  wa = { workspaceId: ws.id, channelAccountId: a.id, reopenWindowMinutes: 60 };
  mail = { ...wa, channelAccountId: m.id };
});

let n = 0;
function from(kind: string, externalId: string, thread: MessageReceivedEvent['thread']): MessageReceivedEvent {
  n += 1;
  return {
    type: 'message.received',
    externalMessageId: `ext.${n}`,
    occurredAt: new Date(),
    sender: { kind, externalId, verified: true },
    text: `message ${n}`,
    visibility: 'private',
    thread,
  };
}

async function ingest(target: typeof wa, event: MessageReceivedEvent) {
  const r = await ingestMessage(database.current.db.kysely, target, event, { now: new Date() });
  return { contactId: r.conversation.contactId, conversationId: r.conversationId };
}

/** What a merge does to identities: they move to the surviving contact. */
async function moveIdentities(fromContact: string, toContact: string): Promise<void> {
  const db = database.current.db.kysely;
  await db.updateTable('identities').set({ contact_id: toContact }).where('contact_id', '=', fromContact).execute();
  await db.updateTable('conversations').set({ contact_id: toContact }).where('contact_id', '=', fromContact).execute();
}

describe('threading after contacts become one', () => {
  it('keeps each WhatsApp number in its own running thread', async () => {
    const one = await ingest(wa, from('phone', '+34600000001', { contactThread: true }));
    const two = await ingest(wa, from('phone', '+34600000002', { contactThread: true }));
    await moveIdentities(two.contactId, one.contactId);
    // The second number's newer conversation is the contact's latest here, but not the first number's.
    const again = await ingest(wa, from('phone', '+34600000001', { contactThread: true }));
    expect(again).toEqual({ contactId: one.contactId, conversationId: one.conversationId });
    const twoAgain = await ingest(wa, from('phone', '+34600000002', { contactThread: true }));
    expect(twoAgain).toEqual({ contactId: one.contactId, conversationId: two.conversationId });
  });

  it('matches a subject only from the address that used it', async () => {
    const subject = { key: 'factura de noviembre', windowMinutes: 60 * 24 };
    const first = await ingest(mail, from('email', 'ana@example.test', { subject }));
    const other = await ingest(mail, from('email', 'ana.work@example.test', { subject: { key: 'otra cosa', windowMinutes: 60 } }));
    await moveIdentities(other.contactId, first.contactId);
    const fromOther = await ingest(mail, from('email', 'ana.work@example.test', { subject }));
    expect(fromOther.contactId).toBe(first.contactId);
    expect(fromOther.conversationId).not.toBe(first.conversationId);
    const fromFirst = await ingest(mail, from('email', 'ANA@example.test', { subject }));
    expect(fromFirst.conversationId).toBe(first.conversationId);
  });
});
