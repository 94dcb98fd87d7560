import { waitFor } from '@centralita/channel-kit/conformance';
import { type GraphPeer, startGraphPeer } from '@centralita/channel-whatsapp/testing';
import { findHandoffCodes } from '@centralita/core';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createEmailAccount, useServer } from './harness.ts';
import { createCloudAccount } from './wa-kit.ts';
import { createXAccount, deliveryOf, storedMessage, useXPeer } from './x-kit.ts';

// One customer, one thread, any channel: a complaint on X is handed off to a DM, to email, to
// WhatsApp and to the web page, over the real adapters and their peers, and every first message
// on the new channel joins the same conversation, with the same owner and the same SLA clock.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const x = useXPeer(t);
let wa: GraphPeer;
let mail: MailPeer;
let xAccount = '';
let mailAccount = '';
let waAccount = '';
let waWebhook = '';

beforeAll(async () => {
  xAccount = await createXAccount(t, x.f.adminToken, x.peer, { webhook: true, mentions: true, reconcileSeconds: 0.2 });
  mail = await openMailPeer();
  mailAccount = await createEmailAccount(t.url, x.f.adminToken, mail.config);
  wa = await startGraphPeer();
  const created = await createCloudAccount(t, x.f.adminToken, wa, { businessPhone: '+34910000000' });
  [waAccount, waWebhook] = [created.id, created.webhook];
});

afterAll(async () => {
  await mail?.close();
  await wa?.close();
});

const admin = () => ({ token: x.f.adminToken });

async function handOff(conversationId: string, body: Record<string, unknown>) {
  const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/handoffs`, { ...admin(), body });
  expect(res.status, res.text).toBe(201);
  return res.json.handoff as { id: string; code: string | null; link: string | null; status: string; method: string };
}

async function conversation(id: string) {
  return t.db.current.db.kysely.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function eventTypes(conversationId: string): Promise<string[]> {
  const res = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/events?limit=200`, admin());
  return (res.json.items as { type: string }[]).map((e) => e.type);
}

async function identitiesOf(contactId: string): Promise<string[]> {
  const rows = await t.db.current.db.kysely
    .selectFrom('identities')
    .select(['kind', 'external_id'])
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((r) => `${r.kind}:${r.external_id}`).sort();
}

/** The link in the latest message we sent on an account in this conversation. */
async function invitationLink(conversationId: string): Promise<string> {
  const row = await waitFor(
    () =>
      t.db.current.db.kysely
        .selectFrom('messages')
        .select(['text'])
        .where('conversation_id', '=', conversationId)
        .where('direction', '=', 'outbound')
        .where('text', 'like', '%http%')
        .orderBy('created_at', 'desc')
        .executeTakeFirst(),
    { what: 'the invitation message' },
  );
  const link = /https?:\/\/\S+?(?=[\s)]|$)/.exec(row.text)?.[0];
  if (!link) throw new Error(`no link in ${row.text}`);
  return link;
}

describe('handoff across channels', () => {
  let conversationId = '';
  let contactId = '';

  it('moves a complaint post to a DM and then to email, and it stays one conversation with one owner and one clock', async () => {
    x.peer.addUser({ username: 'marta_h', name: 'Marta', followers: 1_200, acceptsDms: true });
    const post = x.peer.post({
      from: 'marta_h',
      text: `@${x.peer.brand.username} llevo dos días sin fibra, mi cuenta es un desastre`,
      lang: 'es',
    });
    conversationId = (await storedMessage(t, post.id)).conversation_id;
    const assigned = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/assign`, {
      ...admin(),
      body: { agentId: x.f.users.agent.id },
    });
    expect(assigned.status, assigned.text).toBe(200);
    const before = await conversation(conversationId);
    contactId = before.contact_id;

    const options = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/handoff-options`, admin());
    expect(options.json.items).toContainEqual(
      expect.objectContaining({ target: 'x_dm', channelAccountId: xAccount, method: 'dm', available: true }),
    );

    const dm = await handOff(conversationId, { target: 'x_dm', channelAccountId: xAccount });
    expect(dm).toMatchObject({ method: 'dm', status: 'sent' });
    await waitFor(() => x.peer.sentDms().find((d) => d.event.text.includes('en privado')), { what: 'the first DM at X' });
    await waitFor(() => x.peer.createdPosts().find((p) => p.post.text.includes('mensaje directo') && p.replyTo === post.id), {
      what: 'the public notice that a DM was sent',
    });
    const afterDm = await conversation(conversationId);
    expect(afterDm.first_responded_at).not.toBeNull();
    const answer = x.peer.sendDm({ from: 'marta_h', text: 'Hola, os sigo por aquí' });
    expect(await storedMessage(t, answer.id)).toMatchObject({ conversation_id: conversationId, visibility: 'private' });

    const mailHandoff = await handOff(conversationId, { target: 'email', channelAccountId: mailAccount, address: 'Marta.H@example.com' });
    expect(mailHandoff.method).toBe('mail');
    const first = await waitFor(() => mail.smtp.received.find((m) => m.to.includes('marta.h@example.com')), { what: 'the first mail' });
    const parsed = await simpleParser(first.raw);
    const byMail = await mail.send({
      from: 'Marta Herrera <marta.h@example.com>',
      subject: `Re: ${parsed.subject ?? ''}`,
      text: 'Os paso por aquí mi número de contrato.',
      inReplyTo: parsed.messageId as string,
    });
    const stored = await storedMessage(t, byMail, { timeoutMs: 20_000 });
    expect(stored.conversation_id).toBe(conversationId);
    expect(stored.thread_rule).toBe('handoff');

    const after = await conversation(conversationId);
    expect(after.assignee_id).toBe(x.f.users.agent.id);
    expect(after.contact_id).toBe(contactId);
    // One clock: the first response stays the first DM whatever channel the customer moved to,
    // and her mail (unanswered yet) has the next-response clock running on the same conversation.
    expect(after.first_responded_at?.toISOString()).toBe(afterDm.first_responded_at?.toISOString());
    expect(after.awaiting_reply_since).not.toBeNull();
    expect(after.awaiting_reply_since?.getTime()).toBeGreaterThan(afterDm.first_responded_at?.getTime() ?? 0);
    expect(after.created_at.toISOString()).toBe(before.created_at.toISOString());
    // The customer answered from the address the mail went to: one contact, every identity.
    expect(await identitiesOf(contactId)).toEqual(
      expect.arrayContaining(['email:marta.h@example.com', `twitter:${x.peer.user('marta_h')?.id}`]),
    );
    const contacts = await t.db.current.db.kysely.selectFrom('conversations').select('id').where('contact_id', '=', contactId).execute();
    expect(contacts.map((c) => c.id)).toEqual([conversationId]);
    const types = await eventTypes(conversationId);
    expect(types.filter((e) => e === 'conversation.handed_off')).toHaveLength(2);
    expect(types.filter((e) => e === 'conversation.handoff_joined')).toHaveLength(2);

    // The composer can now answer on any of the three, the customer's latest (email) first.
    const replies = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/reply-options`, admin());
    expect(replies.json.channelAccountId).toBe(mailAccount);
    expect((replies.json.channels as { channelAccountId: string; latest: boolean }[]).map((c) => [c.channelAccountId, c.latest])).toEqual(
      expect.arrayContaining([
        [mailAccount, true],
        [xAccount, false],
      ]),
    );
    const onX = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/reply-options?channelAccountId=${xAccount}`, admin());
    expect(onX.json.options.find((o: { visibility: string }) => o.visibility === 'public').limit).toBe(280);
    const sent = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      ...admin(),
      body: { text: 'Recibido, lo miramos por DM', channelAccountId: xAccount, visibility: 'private' },
    });
    expect(sent.status, sent.text).toBe(201);
    await deliveryOf(t, sent.json.message.id, 'sent');
    expect(x.peer.sentDms().some((d) => d.event.text === 'Recibido, lo miramos por DM')).toBe(true);
  });

  it('threads a WhatsApp message that carries the code of the wa.me link, and the number joins the contact', async () => {
    const waHandoff = await handOff(conversationId, { target: 'whatsapp', channelAccountId: waAccount });
    expect(waHandoff.code).toMatch(/^REF-/);
    const link = await invitationLink(conversationId);
    expect(link).toBe(`${t.url}/h/${waHandoff.code}`);
    const hop = await fetch(link, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    const destination = new URL(hop.headers.get('location') ?? '');
    expect(`${destination.host}${destination.pathname}`).toBe('wa.me/34910000000');
    const prefilled = destination.searchParams.get('text') ?? '';
    expect(findHandoffCodes(prefilled)).toEqual([waHandoff.code]);

    const marta = { bsuid: 'ES.2718281828', phone: '+34622333444', name: 'Marta' };
    const part = wa.inbound.text({ from: marta, text: prefilled });
    expect((await wa.deliver(waWebhook, wa.delivery([part]))).status).toBe(200);
    const joined = await storedMessage(t, (part.message as { id: string }).id);
    expect(joined).toMatchObject({ conversation_id: conversationId, thread_rule: 'handoff' });
    expect(await identitiesOf(contactId)).toEqual(expect.arrayContaining(['phone:+34622333444', 'whatsapp_bsuid:ES.2718281828']));
    // Her next message, without the code, stays in the same thread.
    const next = wa.inbound.text({ from: marta, text: '¿Sabéis algo?' });
    await wa.deliver(waWebhook, wa.delivery([next]));
    expect((await storedMessage(t, (next.message as { id: string }).id)).conversation_id).toBe(conversationId);
  });

  it('answers an expired code, keeps the message apart and suggests it for the old conversation', async () => {
    x.peer.addUser({ username: 'ines_h', name: 'Inés', acceptsDms: true });
    const post = x.peer.post({ from: 'ines_h', text: `@${x.peer.brand.username} me habéis cobrado dos veces`, lang: 'es' });
    const older = (await storedMessage(t, post.id)).conversation_id;
    const olderContact = (await conversation(older)).contact_id;
    const late = await handOff(older, { target: 'whatsapp', channelAccountId: waAccount });
    await t.db.current.db.kysely
      .updateTable('handoffs')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', late.id)
      .execute();
    const page = await fetch(`${t.url}/h/${late.code}`, { redirect: 'manual' });
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('expired');

    const stranger = { bsuid: 'ES.1618033988', phone: '+34633444555', name: 'Pablo' };
    const part = wa.inbound.text({ from: stranger, text: `Hola, referencia ${late.code}` });
    await wa.deliver(waWebhook, wa.delivery([part]));
    const stored = await storedMessage(t, (part.message as { id: string }).id);
    expect(stored.conversation_id).not.toBe(older);
    const told = await waitFor(
      () =>
        t.db.current.db.kysely
          .selectFrom('messages')
          .select(['id', 'text', 'author_type'])
          .where('conversation_id', '=', stored.conversation_id)
          .where('direction', '=', 'outbound')
          .executeTakeFirst(),
      { what: 'the automatic answer' },
    );
    expect(told).toMatchObject({ author_type: 'bot' });
    expect(told.text).toMatch(/caducado|expired/);
    // The automatic answer is nobody's answer: the customer still waits for a person.
    expect((await conversation(stored.conversation_id)).awaiting_reply_since).not.toBeNull();
    const suggestions = await call(t.url, 'GET', `/api/v1/merge-suggestions?status=open&contactId=${olderContact}`, admin());
    expect(suggestions.json.items).toContainEqual(
      expect.objectContaining({ reason: 'handoff_expired', conversationId: older, joinConversationId: stored.conversation_id }),
    );
    expect(await identitiesOf(olderContact)).not.toContain('phone:+34633444555');
  });

  it('sends the customer page link where the customer wrote last (WhatsApp), and an expired page still takes a message', async () => {
    const web = await handOff(conversationId, { target: 'web', channelAccountId: x.f.formAccountId });
    expect(web.method).toBe('link');
    const link = await invitationLink(conversationId);
    await waitFor(() => wa.sent.find((m) => JSON.stringify(m).includes(link)), { what: 'the page link on WhatsApp' });
    // It never went out in public.
    expect(x.peer.createdPosts().some((p) => p.post.text.includes('/c/'))).toBe(false);
    const token = link.split('/c/')[1] as string;
    const history = await call(t.url, 'GET', `/c/${token}/messages`);
    expect(history.status).toBe(200);
    expect((history.json.items as { text: string }[]).some((m) => m.text.includes('sin fibra'))).toBe(true);
    const posted = await call(t.url, 'POST', `/c/${token}/messages`, { body: { text: 'Escribo desde la web' } });
    expect(posted.status, posted.text).toBe(201);
    const row = await t.db.current.db.kysely
      .selectFrom('messages')
      .select(['conversation_id', 'channel_account_id'])
      .where('id', '=', posted.json.message.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ conversation_id: conversationId, channel_account_id: x.f.formAccountId });
    const listed = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/handoffs`, admin());
    expect(listed.json.items.find((h: { id: string }) => h.id === web.id)).toMatchObject({
      status: 'joined',
      joinedMessageId: posted.json.message.id,
    });

    await t.db.current.db.kysely
      .updateTable('portal_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('handoff_id', '=', web.id)
      .execute();
    const expired = await call(t.url, 'GET', `/c/${token}/messages`);
    expect(expired.json).toEqual({ expired: true, items: [] });
    const late = await call(t.url, 'POST', `/c/${token}/messages`, { body: { text: 'Hola otra vez' } });
    expect(late.status, late.text).toBe(201);
    expect(late.json.continueAt).toMatch(/\/c\/ctp_/);
    const lateRow = await t.db.current.db.kysely
      .selectFrom('messages')
      .select('conversation_id')
      .where('id', '=', late.json.message.id)
      .executeTakeFirstOrThrow();
    expect(lateRow.conversation_id).not.toBe(conversationId);
  });
});
