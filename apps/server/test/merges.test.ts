import { waitFor } from '@centralita/channel-kit/conformance';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createEmailAccount, createFixture, login, useServer } from './harness.ts';
import { listen } from './sockets.ts';
import { createCloudAccount, useGraphPeer } from './wa-kit.ts';
import { storedMessage } from './x-kit.ts';

// One customer on two channels: she writes on WhatsApp (Meta's deliveries played by the Graph
// peer), then by email from an address we have never seen, quoting her WhatsApp number. That is
// only ever a suggestion; a person accepts it (a merge), can undo it, or dismisses it for good.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const wa = useGraphPeer(t);
let mail: MailPeer;
let webhook = '';
let agentCookie = '';

beforeAll(async () => {
  webhook = (await createCloudAccount(t, wa.f.adminToken, wa.peer)).webhook;
  mail = await openMailPeer();
  await createEmailAccount(t.url, wa.f.adminToken, mail.config);
  agentCookie = await login(t.url, wa.f.users.agent.email);
});

afterAll(async () => {
  await mail?.close();
});

const admin = () => ({ token: wa.f.adminToken });
const agent = () => ({ cookie: agentCookie });

async function contactOf(conversationId: string): Promise<string> {
  const row = await t.db.current.db.kysely
    .selectFrom('conversations')
    .select('contact_id')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return row.contact_id;
}

/** The open suggestions of a reason between two contacts, once the detector has made one. */
async function openSuggestion(reason: string, a: string, b: string) {
  return waitFor(
    async () => {
      const res = await call(t.url, 'GET', `/api/v1/merge-suggestions?status=open&contactId=${a}`, admin());
      expect(res.status, res.text).toBe(200);
      return (res.json.items as { id: string; reason: string; contact: { id: string }; other: { id: string } }[]).find(
        (s) => s.reason === reason && [s.contact.id, s.other.id].sort().join() === [a, b].sort().join(),
      );
    },
    { timeoutMs: 20_000, what: `a ${reason} suggestion for ${a} and ${b}` },
  );
}

async function emailed(from: string, subject: string, text: string) {
  const id = await mail.send({ from, subject, text });
  return storedMessage(t, id, { timeoutMs: 20_000 });
}

describe('one customer on WhatsApp and email', () => {
  let waConversation = '';
  let mailConversation = '';
  let waContact = '';
  let mailContact = '';
  let suggestionId = '';
  let mergeId = '';
  let pedro = '';

  it('suggests, and never merges by itself, a customer who writes by email quoting her WhatsApp number', async () => {
    const lucia = { bsuid: 'ES.1449800001', phone: '+34612345678', name: 'Lucía' };
    const first = wa.peer.inbound.text({ from: lucia, text: 'Hola, no me funciona la fibra' });
    expect((await wa.peer.deliver(webhook, wa.peer.delivery([first]))).status).toBe(200);
    waConversation = (await storedMessage(t, (first.message as { id: string }).id)).conversation_id;
    waContact = await contactOf(waConversation);

    const stored = await emailed(
      'Lucía Fernández <lucia.fernandez@example.com>',
      'Sigo sin fibra',
      'Buenas, os escribí ayer por WhatsApp desde el 612 34 56 78 y nadie me ha contestado.',
    );
    mailConversation = stored.conversation_id;
    mailContact = await contactOf(mailConversation);
    expect(mailContact).not.toBe(waContact);

    const s = await openSuggestion('shared_phone', mailContact, waContact);
    suggestionId = s.id;
    const shown = await call(t.url, 'GET', `/api/v1/merge-suggestions?contactId=${waContact}`, admin());
    expect(shown.json.items).toContainEqual(
      expect.objectContaining({
        id: s.id,
        status: 'open',
        reason: 'shared_phone',
        contact: { id: mailContact, name: 'Lucía Fernández' },
        other: { id: waContact, name: 'Lucía' },
        conversationId: null,
        joinConversationId: null,
        evidence: [
          expect.objectContaining({
            kind: 'message',
            text: expect.stringContaining('612 34 56 78'),
            messageId: stored.id,
            conversationId: mailConversation,
            value: '+34612345678',
          }),
        ],
      }),
    );
    // An agent (no pii.view) sees the evidence with the number masked.
    const masked = await call(t.url, 'GET', `/api/v1/merge-suggestions?contactId=${waContact}`, agent());
    const evidence = masked.json.items.find((i: { id: string }) => i.id === s.id)?.evidence[0];
    expect(evidence.text).not.toContain('612 34 56 78');
    expect(evidence.text).toContain('desde el ');
    expect(evidence.value).not.toContain('612');
    // Still two people until someone decides: nothing moved.
    expect(await contactOf(mailConversation)).toBe(mailContact);
    const contact = await call(t.url, 'GET', `/api/v1/contacts/${mailContact}`, admin());
    expect(contact.json.contact.mergedInto).toBeNull();
    const log = await call(t.url, 'GET', `/api/v1/conversations/${mailConversation}/events`, admin());
    expect(log.json.items.map((e: { type: string }) => e.type)).toContain('contact.merge_suggested');
  });

  it('merges the newer contact into the older when an agent accepts, and tells open consoles', async () => {
    const socket = await listen(t.url, { cookie: agentCookie });
    const res = await call(t.url, 'POST', `/api/v1/merge-suggestions/${suggestionId}/accept`, agent());
    expect(res.status, res.text).toBe(200);
    mergeId = res.json.merge.id;
    expect(res.json.merge).toMatchObject({
      sourceContactId: mailContact,
      targetContactId: waContact,
      identities: 1,
      conversations: 1,
      folded: [],
      undoneAt: null,
    });
    expect(await contactOf(mailConversation)).toBe(waContact);
    const gone = await call(t.url, 'GET', `/api/v1/contacts/${mailContact}`, agent());
    expect(gone.status).toBe(200);
    expect(gone.json.contact.mergedInto).toBe(waContact);
    const kept = await call(t.url, 'GET', `/api/v1/contacts/${waContact}`, agent());
    expect(kept.json.contact.identities.map((i: { kind: string; externalId: string }) => `${i.kind}:${i.externalId}`).sort()).toEqual([
      'email:lucia.fernandez@example.com',
      'phone:+34612345678',
      'whatsapp_bsuid:ES.1449800001',
    ]);
    expect(kept.json.contact.conversations.map((c: { id: string }) => c.id).sort()).toEqual([mailConversation, waConversation].sort());
    await waitFor(
      () =>
        socket.events.some(
          (e) =>
            e.name === 'conversation.updated' &&
            (e.payload as { conversation: { id: string; contactId: string } }).conversation.id === mailConversation,
        ),
      { what: 'conversation.updated for the moved conversation' },
    );
    const again = await call(t.url, 'POST', `/api/v1/merge-suggestions/${suggestionId}/accept`, agent());
    expect(again.status).toBe(409);
    const merges = await call(t.url, 'GET', `/api/v1/contacts/${waContact}/merges`, agent());
    expect(merges.json.items.map((m: { id: string }) => m.id)).toEqual([mergeId]);
  });

  it('keeps each channel in its own thread after the merge', async () => {
    const next = wa.peer.inbound.text({ from: { bsuid: 'ES.1449800001', phone: '+34612345678' }, text: '¿Alguna novedad?' });
    await wa.peer.deliver(webhook, wa.peer.delivery([next]));
    expect((await storedMessage(t, (next.message as { id: string }).id)).conversation_id).toBe(waConversation);
  });

  it('undoes the merge: each conversation and identity back with its own contact', async () => {
    const res = await call(t.url, 'POST', `/api/v1/contact-merges/${mergeId}/undo`, agent());
    expect(res.status, res.text).toBe(200);
    expect(res.json.merge.undoneAt).toEqual(expect.any(String));
    expect(await contactOf(mailConversation)).toBe(mailContact);
    expect(await contactOf(waConversation)).toBe(waContact);
    const back = await call(t.url, 'GET', `/api/v1/contacts/${mailContact}`, agent());
    expect(back.json.contact.mergedInto).toBeNull();
    expect(back.json.contact.identities.map((i: { externalId: string }) => i.externalId)).toEqual(['lucia.fernandez@example.com']);
    const twice = await call(t.url, 'POST', `/api/v1/contact-merges/${mergeId}/undo`, agent());
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain('already undone');
  });

  it('never suggests a dismissed pair again for the same reason', async () => {
    // After the undo the evidence still stands, so the next quote suggests the pair afresh.
    await emailed('lucia.fernandez@example.com', 'Re: Sigo sin fibra', 'Mi WhatsApp es el +34 612 345 678, por si acaso.');
    const fresh = await openSuggestion('shared_phone', mailContact, waContact);
    const dismissed = await call(t.url, 'POST', `/api/v1/merge-suggestions/${fresh.id}/dismiss`, agent());
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.json.suggestion).toMatchObject({ status: 'dismissed', decidedBy: wa.f.users.agent.id, decidedAt: expect.any(String) });

    // Pedro, another email customer, is the detector's sign that it read the next message.
    await emailed('pedro@example.com', 'Factura', 'Tengo una duda con la factura.');
    pedro = await contactOf(
      (
        await waitFor(() =>
          t.db.current.db.kysely
            .selectFrom('identities')
            .innerJoin('conversations', 'conversations.contact_id', 'identities.contact_id')
            .select('conversations.id')
            .where('identities.external_id', '=', 'pedro@example.com')
            .executeTakeFirst(),
        )
      ).id,
    );
    await emailed(
      'lucia.fernandez@example.com',
      'Re: Sigo sin fibra',
      'Otra vez: 612 34 56 78. Mi vecino pedro@example.com tampoco tiene fibra.',
    );
    await openSuggestion('shared_email', mailContact, pedro);
    const open = await call(t.url, 'GET', `/api/v1/merge-suggestions?status=open&contactId=${waContact}`, admin());
    expect(open.json.items).toEqual([]);
  });

  it('hides a suggestion from an agent who may not see one of its contacts, and refuses that merge as 404', async () => {
    const team = await call(t.url, 'POST', '/api/v1/teams', { ...admin(), body: { name: 'VIP' } });
    await t.db.current.db.kysely.updateTable('conversations').set({ team_id: team.json.team.id }).where('contact_id', '=', pedro).execute();
    const byEmail = await openSuggestion('shared_email', mailContact, pedro);
    const listed = await call(t.url, 'GET', `/api/v1/merge-suggestions?status=open&contactId=${mailContact}`, agent());
    expect(listed.json.items.map((i: { id: string }) => i.id)).not.toContain(byEmail.id);
    expect((await call(t.url, 'POST', `/api/v1/merge-suggestions/${byEmail.id}/accept`, agent())).status).toBe(404);
    expect((await call(t.url, 'GET', `/api/v1/merge-suggestions?contactId=${pedro}`, agent())).status).toBe(404);
    const merge = await call(t.url, 'POST', `/api/v1/contacts/${mailContact}/merge`, { ...agent(), body: { sourceContactId: pedro } });
    expect(merge.status).toBe(404);
    expect(await contactOf(mailConversation)).toBe(mailContact);
  });

  it('answers 404 to another workspace, and 400 to a contact merged into itself', async () => {
    const other = await createFixture(t);
    const foreign = await call(t.url, 'POST', `/api/v1/merge-suggestions/${suggestionId}/dismiss`, { token: other.adminToken });
    expect(foreign.status).toBe(404);
    const list = await call(t.url, 'GET', '/api/v1/merge-suggestions', { token: other.adminToken });
    expect(list.json.items).toEqual([]);
    const undo = await call(t.url, 'POST', `/api/v1/contact-merges/${mergeId}/undo`, { token: other.adminToken });
    expect(undo.status).toBe(404);
    const self = await call(t.url, 'POST', `/api/v1/contacts/${waContact}/merge`, { ...admin(), body: { sourceContactId: waContact } });
    expect(self.status).toBe(400);
  });
});
