import type { MessageReceivedEvent, SenderIdentity } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMany, ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { createWorkspace } from './repos/workspaces.ts';

// A sender that carries more than one identity (a WhatsApp BSUID and, sometimes, the phone) is
// one contact, found by any of them; an identity another contact owns is never taken from it.

const database = useTestDatabase();
let target: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'identities', name: 'Identities' });
  const acct = await createChannelAccount(db, { workspaceId: ws.id, kind: 'whatsapp', name: 'WA', settings: {}, secretsEncrypted: null });
  target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: 60 };
});

let n = 0;
function message(kind: string, externalId: string, others: SenderIdentity[] = []): MessageReceivedEvent {
  n += 1;
  return {
    type: 'message.received',
    externalMessageId: `wamid.${n}`,
    occurredAt: new Date(),
    sender: { kind, externalId, verified: true, displayName: 'Lucía', otherIdentities: others },
    text: `message ${n}`,
    visibility: 'private',
    thread: { contactThread: true },
  };
}

const phone = (e164: string): SenderIdentity => ({ kind: 'phone', externalId: e164, verified: true });
async function ingest(event: MessageReceivedEvent) {
  const r = await ingestMessage(database.current.db.kysely, target, event, { now: new Date() });
  return { contactId: r.conversation.contactId, conversationId: r.conversationId };
}

async function identitiesOf(contactId: string): Promise<string[]> {
  const rows = await database.current.db.kysely
    .selectFrom('identities')
    .select(['kind', 'external_id'])
    .where('contact_id', '=', contactId)
    .orderBy('kind')
    .execute();
  return rows.map((r) => `${r.kind}:${r.external_id}`);
}

describe('senders with several identities', () => {
  it('stores a message without a phone, and attaches the phone a later message brings to the same contact and thread', async () => {
    const first = await ingest(message('whatsapp_bsuid', 'ES.1001'));
    expect(await identitiesOf(first.contactId)).toEqual(['whatsapp_bsuid:ES.1001']);
    const second = await ingest(message('whatsapp_bsuid', 'ES.1001', [phone('+34600100100')]));
    expect([second.contactId, second.conversationId]).toEqual([first.contactId, first.conversationId]);
    expect(await identitiesOf(first.contactId)).toEqual(['phone:+34600100100', 'whatsapp_bsuid:ES.1001']);
  });

  it('finds the contact by a secondary identity when its own is new (a phone known before its BSUID)', async () => {
    const before = await ingest(message('phone', '+34600200200'));
    const later = await ingest(message('whatsapp_bsuid', 'ES.2002', [phone('+34600200200')]));
    expect([later.contactId, later.conversationId]).toEqual([before.contactId, before.conversationId]);
    expect(await identitiesOf(before.contactId)).toEqual(['phone:+34600200200', 'whatsapp_bsuid:ES.2002']);
  });

  it('leaves an identity with the contact that owns it', async () => {
    const owner = await ingest(message('phone', '+34600300300'));
    const other = await ingest(message('whatsapp_bsuid', 'ES.3003'));
    const both = await ingest(message('whatsapp_bsuid', 'ES.3003', [phone('+34600300300')]));
    expect(both.contactId).toBe(other.contactId);
    expect(await identitiesOf(owner.contactId)).toEqual(['phone:+34600300300']);
    expect(await identitiesOf(other.contactId)).toEqual(['whatsapp_bsuid:ES.3003']);
  });

  it('makes one contact of a batch whose messages bring the identities in turns', async () => {
    const { outcomes } = await ingestMany(
      database.current.db.kysely,
      target,
      [
        { event: message('whatsapp_bsuid', 'ES.4004') },
        { event: message('whatsapp_bsuid', 'ES.4004', [phone('+34600400400')]) },
        { event: message('phone', '+34600400400') },
      ],
      { now: new Date() },
    );
    const contacts = outcomes.map((o) => (o.ok ? o.conversation.contactId : null));
    expect(new Set(contacts).size).toBe(1);
    expect(await identitiesOf(contacts[0] as string)).toEqual(['phone:+34600400400', 'whatsapp_bsuid:ES.4004']);
  });

  it('takes a recycled number’s new user for a new person, not the number’s previous owner', async () => {
    const before = await ingest(message('whatsapp_bsuid', 'ES.6006', [phone('+34600600600')]));
    // Months later the carrier gives the number to someone else: a new user id, the same phone.
    const stranger = await ingest(message('whatsapp_bsuid', 'ES.7007', [phone('+34600600600')]));
    expect(stranger.contactId).not.toBe(before.contactId);
    expect(await identitiesOf(before.contactId)).toEqual(['phone:+34600600600', 'whatsapp_bsuid:ES.6006']);
    expect(await identitiesOf(stranger.contactId)).toEqual(['whatsapp_bsuid:ES.7007']);
  });

  it('ignores other identities of an unverified sender', async () => {
    const known = await ingest(message('phone', '+34600500500'));
    const claim = message('webform_session', 'anyone', [phone('+34600500500')]);
    const typed = await ingest({ ...claim, sender: { ...claim.sender, verified: false } });
    expect(typed.contactId).not.toBe(known.contactId);
  });
});
