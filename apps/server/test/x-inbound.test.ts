import { waitFor } from '@centralita/channel-kit/conformance';
import { crcResponse } from '@centralita/channel-twitter';
import { describe, expect, it } from 'vitest';
import { call, useServer } from './harness.ts';
import { copiesOf, createXAccount, storedMessage, useXPeer } from './x-kit.ts';

// X in: mentions by polling and by the X Activity API's webhook, DMs, and the author's public
// signals, against the local X peer with the real twitter-api-v2 client doing the talking.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const x = useXPeer(t);

async function conversation(id: string) {
  const res = await call(t.url, 'GET', `/api/v1/conversations/${id}`, { token: x.f.adminToken });
  expect(res.status, res.text).toBe(200);
  return res.json as {
    conversation: { id: string; status: string };
    contact: {
      name: string | null;
      locale: string | null;
      country: string | null;
      timezone: string | null;
      signals: { followers?: number; verified?: boolean };
    };
  };
}

describe('X by polling', () => {
  let accountId = '';
  let conversationId = '';
  let firstPost = '';

  it('turns a mention into a conversation carrying the author’s public signals', async () => {
    accountId = await createXAccount(t, x.f.adminToken, x.peer);
    x.peer.addUser({ username: 'lucia_m', name: 'Lucía Martín', followers: 212_000, verified: true, location: 'Madrid, España' });
    firstPost = x.peer.post({
      from: 'lucia_m',
      text: `@${x.peer.brand.username} llevo dos días sin fibra y nadie me dice nada`,
      lang: 'es',
    }).id;
    const stored = await storedMessage(t, firstPost);
    conversationId = stored.conversation_id;
    expect(stored.channel_account_id).toBe(accountId);
    expect(stored.visibility).toBe('public');
    const { contact } = await conversation(conversationId);
    expect(contact.signals).toEqual({ followers: 212_000, verified: true });
    expect(contact.locale).toBe('es');
    expect(contact.country).toBe('ES');
    // A profile's location says nothing reliable about the hour where the person is.
    expect(contact.timezone).toBeNull();
  });

  it('keeps a reply chain in one conversation', async () => {
    const follow = x.peer.post({ from: 'lucia_m', text: `@${x.peer.brand.username} y hoy tampoco`, replyTo: firstPost, lang: 'es' });
    const stored = await storedMessage(t, follow.id);
    expect(stored.conversation_id).toBe(conversationId);
  });

  it('leaves the country empty when the profile location names no place', async () => {
    x.peer.addUser({ username: 'nube_9', name: 'Nube', followers: 40, location: 'en las nubes ☁️' });
    const post = x.peer.post({ from: 'nube_9', text: `@${x.peer.brand.username} hola?`, lang: 'und' });
    const stored = await storedMessage(t, post.id);
    const { contact } = await conversation(stored.conversation_id);
    expect(contact.country).toBeNull();
    expect(contact.locale).toBeNull();
  });

  it('joins a DM from the same person to their open conversation, as a private message', async () => {
    const dm = x.peer.sendDm({ from: 'lucia_m', text: 'Os paso por aquí mi número de cliente' });
    const stored = await storedMessage(t, dm.id);
    expect(stored.conversation_id).toBe(conversationId);
    expect(stored.visibility).toBe('private');
  });

  it('stores an encrypted DM as a placeholder instead of failing', async () => {
    x.peer.addUser({ username: 'cifra_2', name: 'Cifra', acceptsDms: true });
    // XChat messages only reach a webhook; by polling they are not visible at all, so this
    // account's polling simply goes on (the webhook suite below stores the placeholder).
    x.peer.sendDm({ from: 'cifra_2', text: 'secreto', encrypted: true });
    const later = x.peer.sendDm({ from: 'cifra_2', text: 'y este sin cifrar' });
    await storedMessage(t, later.id);
  });
});

describe('X by webhook', () => {
  let accountId = '';

  it('answers X’s CRC check with the HMAC of the token under the consumer secret', async () => {
    accountId = await createXAccount(t, x.f.adminToken, x.peer, { webhook: true, mentions: false, directMessages: false });
    const res = await call(t.url, 'GET', `/webhooks/${accountId}?crc_token=${encodeURIComponent('Zm9vYmFy+/=')}`);
    expect(res.status).toBe(200);
    expect(res.json.response_token).toBe(crcResponse(x.peer.credentials.appSecret, 'Zm9vYmFy+/='));
    // The account registered its URL, and the peer's own CRC call found it valid.
    await waitFor(() => x.peer.webhooks().find((w) => w.url.endsWith(`/webhooks/${accountId}`) && w.valid), { what: 'a valid webhook' });
    await waitFor(() => x.peer.subscriptions().length >= 4, { what: 'the Activity API subscriptions' });
  });

  it('stores what the X Activity API delivers, and a repeated delivery once', async () => {
    x.peer.addUser({ username: 'pedro_q', name: 'Pedro', followers: 300, location: 'Sevilla' });
    const post = x.peer.post({ from: 'pedro_q', text: `@${x.peer.brand.username} sin cobertura en Triana`, lang: 'es' });
    await storedMessage(t, post.id, { accountId });
    await x.peer.redeliverLast();
    await x.peer.settled();
    expect(await copiesOf(t, post.id, accountId)).toBe(1);
  });

  it('takes the Account Activity API’s older payload too', async () => {
    const dm = x.peer.sendDm({ from: 'pedro_q', text: 'te escribo por privado' });
    const first = await storedMessage(t, dm.id, { accountId });
    const deliveries = await x.peer.deliverAccountActivity('dm', dm.id);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(await copiesOf(t, dm.id, accountId)).toBe(1);
    expect(first.visibility).toBe('private');
    // A post the Activity API never announced, delivered only in the older shape, is stored from it.
    const quiet = x.peer.post({ from: 'pedro_q', text: 'sin mención: solo por la API antigua' });
    await x.peer.deliverAccountActivity('tweet', quiet.id);
    const stored = await storedMessage(t, quiet.id, { accountId });
    expect(stored.text).toBe('sin mención: solo por la API antigua');
  });

  it('stores an encrypted DM as a placeholder that says where to read it', async () => {
    x.peer.addUser({ username: 'cifra_3', name: 'Cifra', acceptsDms: true });
    const chat = x.peer.sendDm({ from: 'cifra_3', text: 'mi DNI es 12345678Z', encrypted: true });
    await x.peer.settled();
    const stored = await storedMessage(t, chat.id, { accountId });
    expect(stored.text).toBe('Encrypted DM: open it in X');
  });

  it('refuses a delivery whose signature is wrong with 401, and stores nothing', async () => {
    const body = JSON.stringify({
      data: {
        event_uuid: 'forged-1',
        event_type: 'post.mention.create',
        filter: { user_id: x.peer.brand.id },
        payload: { id: '999', text: 'forged', author_id: '42' },
      },
    });
    const res = await call(t.url, 'POST', `/webhooks/${accountId}`, {
      body,
      headers: { 'x-twitter-webhooks-signature': crcResponse('not-the-secret', body) },
    });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/x-twitter-webhooks-signature/);
    expect(await copiesOf(t, '999')).toBe(0);
  });
});

describe('X by webhook and polling together', () => {
  let accountId = '';

  it('stores a post that both bring once', async () => {
    accountId = await createXAccount(t, x.f.adminToken, x.peer, {
      webhook: true,
      mentions: true,
      directMessages: false,
      reconcileSeconds: 0.2,
    });
    await waitFor(() => x.peer.webhooks().find((w) => w.url.endsWith(`/webhooks/${accountId}`) && w.valid), { what: 'a valid webhook' });
    x.peer.addUser({ username: 'doble_1', name: 'Doble', followers: 10 });
    const post = x.peer.post({ from: 'doble_1', text: `@${x.peer.brand.username} ¿me leéis por las dos vías?` });
    await storedMessage(t, post.id, { accountId });
    // Both paths had their chance: the webhook delivered it, and reconciling reads passed it.
    await x.peer.settled();
    const reads = () => x.peer.requests().filter((r) => r.route === 'GET /2/users/:id/mentions').length;
    const before = reads();
    await waitFor(() => reads() >= before + 2, { what: 'two more reconciling reads' });
    expect(await copiesOf(t, post.id, accountId)).toBe(1);
  });

  it('loses nothing while X has the webhook marked invalid: it re-validates it and polls the gap', async () => {
    // Reconciling reads an hour apart: only the webhook check can notice the gap and fill it.
    await call(t.url, 'PATCH', `/api/v1/channel-accounts/${accountId}`, {
      token: x.f.adminToken,
      body: { config: { reconcileSeconds: 3600, webhookCheckSeconds: 0.2 } },
    });
    const webhook = x.peer.webhooks().find((w) => w.url.endsWith(`/webhooks/${accountId}`));
    expect(webhook).toBeDefined();
    x.peer.invalidateWebhook(webhook?.id ?? '');
    const missed = [1, 2, 3].map((n) => x.peer.post({ from: 'doble_1', text: `@${x.peer.brand.username} mensaje perdido ${n}` }).id);
    for (const id of missed) await storedMessage(t, id, { accountId });
    await waitFor(() => x.peer.webhooks().find((w) => w.id === webhook?.id && w.valid), { what: 'the webhook to be valid again' });
    const after = x.peer.post({ from: 'doble_1', text: `@${x.peer.brand.username} y ya llega por webhook` });
    await storedMessage(t, after.id, { accountId });
    for (const id of [...missed, after.id]) expect(await copiesOf(t, id, accountId)).toBe(1);
  });
});
