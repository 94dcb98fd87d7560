import { createServer, type Server } from 'node:http';
import { hmacSha256, verifySignature } from '@centralita/channel-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient } from '../cloud/graph.ts';
import { messageBody, templateContent, textContent } from '../cloud/graph-messages.ts';
import { type GraphPeer, startGraphPeer, type WebhookPayload, webhookSignature } from './index.ts';

/** A stand-in for the channel's endpoint: checks the signature over the raw bytes, as the adapter must. */
interface Receiver {
  url: string;
  received: { raw: string; payload: WebhookPayload }[];
  close(): Promise<void>;
}

async function startReceiver(appSecret: string, verifyToken: string): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      const q = url.searchParams;
      if (q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === verifyToken)
        return void res.writeHead(200).end(q.get('hub.challenge'));
      return void res.writeHead(403).end();
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-hub-signature-256'];
      if (!verifySignature(typeof header === 'string' ? header : undefined, hmacSha256(appSecret, raw, 'hex'), 'sha256='))
        return void res.writeHead(401).end();
      received.push({ raw, payload: JSON.parse(raw) as WebhookPayload });
      res.writeHead(200).end('EVENT_RECEIVED');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/webhooks/whatsapp`, received, close: () => new Promise((r) => server.close(() => r())) };
}

let peer: GraphPeer;
let receiver: Receiver;
beforeEach(async () => {
  peer = await startGraphPeer();
  receiver = await startReceiver(peer.appSecret, 'hook-verify-token');
});
afterEach(async () => {
  await peer.close();
  await receiver.close();
});

const noPhone = { bsuid: 'ES.8899001122334455', name: 'Marta', username: 'marta.r' };
const withPhone = { bsuid: 'ES.1029384756102938', phone: '+34600123456', name: 'Lucía' };

describe('verification', () => {
  it('echoes the challenge for the right token and not for another', async () => {
    await expect(peer.verifyWebhook(receiver.url, 'hook-verify-token', '1158201444')).resolves.toMatchObject({
      status: 200,
      body: '1158201444',
      verified: true,
    });
    await expect(peer.verifyWebhook(receiver.url, 'wrong')).resolves.toMatchObject({ status: 403, verified: false });
  });
});

describe('signed deliveries', () => {
  it('a good signature is accepted; a bad one or none is refused', async () => {
    const payload = peer.delivery([peer.inbound.text({ from: withPhone, text: 'Hola' })]);
    await expect(peer.deliver(receiver.url, payload)).resolves.toMatchObject({ status: 200 });
    await expect(peer.deliver(receiver.url, payload, { signature: 'bad' })).resolves.toMatchObject({ status: 401 });
    const unsigned = await peer.deliver(receiver.url, payload, { signature: 'none' });
    expect(unsigned).toMatchObject({ status: 401, signature: null });
    expect(receiver.received).toHaveLength(1);
    expect(peer.deliveries.map((d) => d.status)).toEqual([200, 401, 401]);
  });

  it('signs the exact bytes, which escape non-ASCII and slashes as Meta writes them', async () => {
    const payload = peer.delivery([peer.inbound.text({ from: withPhone, text: '¿Tenéis envío a Cádiz? https://acme.example/envios 🙂' })]);
    const result = await peer.deliver(receiver.url, payload);
    expect(result.rawBody).toContain('\\u00bfTen\\u00e9is');
    expect(result.rawBody).toContain('https:\\/\\/acme.example\\/envios \\ud83d\\ude42');
    expect(result.signature).toBe(webhookSignature(peer.appSecret, result.rawBody));
    expect(receiver.received[0]?.payload.entry[0]?.changes[0]?.value.messages?.[0]).toMatchObject({
      text: { body: '¿Tenéis envío a Cádiz? https://acme.example/envios 🙂' },
    });
  });

  it('posts a raw string unchanged, for deliveries a test writes by hand', async () => {
    const raw = '{"object":"whatsapp_business_account","entry":[]}';
    await expect(peer.deliver(receiver.url, raw)).resolves.toMatchObject({ status: 200, rawBody: raw });
  });
});

describe('payload shapes', () => {
  it('a user without a phone has a BSUID and no wa_id or from', () => {
    const payload = peer.delivery([peer.inbound.text({ from: noPhone, text: 'Hola' })]);
    expect(payload).toMatchObject({ object: 'whatsapp_business_account', entry: [{ id: peer.wabaId, changes: [{ field: 'messages' }] }] });
    const value = payload.entry[0]?.changes[0]?.value;
    expect(value?.metadata).toEqual({ display_phone_number: '34910000000', phone_number_id: peer.phoneNumberId });
    expect(value?.contacts).toEqual([{ profile: { name: 'Marta', username: 'marta.r' }, user_id: noPhone.bsuid }]);
    const message = value?.messages?.[0];
    expect(message).toMatchObject({ from_user_id: noPhone.bsuid, type: 'text', text: { body: 'Hola' } });
    expect(message).not.toHaveProperty('from');
    expect(message?.id).toMatch(/^wamid\./);
  });

  it('a later message that brings the phone carries wa_id and from, with the same BSUID', () => {
    peer.inbound.text({ from: noPhone, text: 'Hola' });
    const later = peer.inbound.text({ from: { ...noPhone, phone: '+34 622 33 44 55' }, text: 'Mi número es este' });
    expect(later.contact).toMatchObject({ wa_id: '34622334455', user_id: noPhone.bsuid });
    expect(later.message).toMatchObject({ from: '34622334455', from_user_id: noPhone.bsuid });
    expect(peer.user(noPhone.bsuid)).toMatchObject({ phone: '+34622334455' });
  });

  it('packs several messages and statuses into one value, contacts once each', () => {
    const a = peer.inbound.text({ from: withPhone, text: 'uno' });
    const b = peer.inbound.text({ from: withPhone, text: 'dos' });
    const c = peer.inbound.text({ from: noPhone, text: 'tres' });
    const s = peer.statuses.delivered({ messageId: 'wamid.ours', to: withPhone });
    const payload = peer.delivery([a, b, c, s], { grouping: 'value' });
    expect(payload.entry).toHaveLength(1);
    expect(payload.entry[0]?.changes).toHaveLength(1);
    const value = payload.entry[0]?.changes[0]?.value;
    expect(value?.messages?.map((m) => (m.text as { body: string }).body)).toEqual(['uno', 'dos', 'tres']);
    expect(value?.statuses).toHaveLength(1);
    expect(value?.contacts?.map((x) => x.user_id)).toEqual([withPhone.bsuid, noPhone.bsuid]);
    expect(peer.delivery([a, b], { grouping: 'change' }).entry[0]?.changes).toHaveLength(2);
    expect(peer.delivery([a, b], { grouping: 'entry' }).entry).toHaveLength(2);
  });

  it('quotes through context, from the business number by default', () => {
    const part = peer.inbound.text({ from: withPhone, text: 'Sí', context: 'wamid.ours' });
    expect(part.message?.context).toEqual({ from: '34910000000', id: 'wamid.ours' });
  });

  it('builds every kind of customer message', () => {
    const image = peer.addMedia(Buffer.from('jpeg'), 'image/jpeg');
    const doc = peer.addMedia(Buffer.from('%PDF'), 'application/pdf', 'contrato.pdf');
    const voice = peer.addMedia(Buffer.from('ogg'), 'audio/ogg; codecs=opus');
    const from = withPhone;
    const parts = [
      peer.inbound.image({ from, media: image, caption: 'El paquete llegó así' }),
      peer.inbound.document({ from, media: doc }),
      peer.inbound.audio({ from, media: voice }),
      peer.inbound.location({ from, latitude: 40.4168, longitude: -3.7038, name: 'Puerta del Sol' }),
      peer.inbound.contacts({ from, cards: [{ name: 'Pedro Gómez', phones: ['+34 655 44 33 22'] }] }),
      peer.inbound.buttonReply({ from, context: 'wamid.q', buttonId: 'yes', title: 'Sí' }),
      peer.inbound.listReply({ from, context: 'wamid.l', rowId: 'slot-10', title: '10:00', description: 'Mañana' }),
      peer.inbound.button({ from, context: 'wamid.t', text: 'Stop promotions' }),
      peer.inbound.reaction({ from, messageId: 'wamid.ours', emoji: '👍' }),
      peer.inbound.reaction({ from, messageId: 'wamid.ours', emoji: '' }),
      peer.inbound.unsupported({ from, kind: 'poll' }),
    ];
    const [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10] = parts.map((p) => p.message ?? {});
    expect(m0).toMatchObject({ type: 'image', image: { id: image, mime_type: 'image/jpeg', caption: 'El paquete llegó así' } });
    expect((m0?.image as { sha256?: string } | undefined)?.sha256).toBe(
      Buffer.from(peer.media(image)?.sha256Hex ?? '', 'hex').toString('base64'),
    );
    expect(m1).toMatchObject({ type: 'document', document: { id: doc, filename: 'contrato.pdf' } });
    expect(m2).toMatchObject({ type: 'audio', audio: { id: voice, voice: true, mime_type: 'audio/ogg; codecs=opus' } });
    expect(m3).toMatchObject({ type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Puerta del Sol' } });
    expect(m4).toMatchObject({
      contacts: [{ name: { formatted_name: 'Pedro Gómez', first_name: 'Pedro' }, phones: [{ wa_id: '34655443322' }] }],
    });
    expect(m5).toMatchObject({
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Sí' } },
      context: { id: 'wamid.q' },
    });
    expect(m6).toMatchObject({ interactive: { type: 'list_reply', list_reply: { id: 'slot-10', title: '10:00', description: 'Mañana' } } });
    expect(m7).toMatchObject({ type: 'button', button: { text: 'Stop promotions', payload: 'Stop promotions' } });
    expect(m8).toMatchObject({ reaction: { message_id: 'wamid.ours', emoji: '👍' } });
    expect(m9?.reaction).toEqual({ message_id: 'wamid.ours' });
    expect(m10).toMatchObject({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] });
    expect(() => peer.inbound.image({ from, media: '404' })).toThrow(/addMedia/);
  });
});

describe('statuses', () => {
  it('carry BSUID and phone, pricing by category, and a failure its error without contacts', async () => {
    const graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
    peer.addUser(withPhone);
    await graph.sendMessage(peer.phoneNumberId, messageBody(withPhone, textContent('Hola')));
    await graph.sendMessage(
      peer.phoneNumberId,
      messageBody({ bsuid: noPhone.bsuid }, templateContent({ name: 'order_update', language: 'es', parameters: { 'body.1': '#1' } })),
    );
    const [service, template] = peer.sent as [NonNullable<(typeof peer.sent)[0]>, NonNullable<(typeof peer.sent)[0]>];
    const read = peer.statuses.read(service);
    expect(read.status).toMatchObject({
      id: service.messageId,
      status: 'read',
      recipient_id: '34600123456',
      recipient_user_id: withPhone.bsuid,
      pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
    });
    expect(read.contact).toEqual({ wa_id: '34600123456', user_id: withPhone.bsuid });
    const delivered = peer.statuses.delivered(template);
    expect(delivered.status).toMatchObject({
      recipient_user_id: noPhone.bsuid,
      pricing: { billable: true, category: 'utility', type: 'regular' },
    });
    expect(delivered.status).not.toHaveProperty('recipient_id');
    const failed = peer.statuses.failed(service, 131047);
    expect(failed.contact).toBeUndefined();
    expect(failed.status).not.toHaveProperty('recipient_user_id');
    expect(failed.status).not.toHaveProperty('pricing');
    expect(failed.status?.errors).toEqual([
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: {
          details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ]);
    expect(peer.statuses.failed(template, 131026).status).toMatchObject({ recipient_user_id: noPhone.bsuid });
  });

  it('follow each send on their own, signed and in order, when statusWebhook is set', async () => {
    const graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
    peer.statusWebhook = { url: receiver.url, read: true };
    const first = await graph.sendMessage(peer.phoneNumberId, messageBody(withPhone, textContent('uno')));
    const second = await graph.sendMessage(peer.phoneNumberId, messageBody(noPhone, textContent('dos')));
    await peer.settled();
    const seen = receiver.received.map((r) => {
      const s = r.payload.entry[0]?.changes[0]?.value.statuses?.[0];
      return `${s?.id === first.messageId ? 'first' : s?.id === second.messageId ? 'second' : '?'}:${String(s?.status)}`;
    });
    expect(seen).toEqual(['first:sent', 'first:delivered', 'first:read', 'second:sent', 'second:delivered', 'second:read']);
  });

  it('can fail every send asynchronously instead', async () => {
    const graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
    peer.statusWebhook = { url: receiver.url, failWith: 131026 };
    await graph.sendMessage(peer.phoneNumberId, messageBody(withPhone, textContent('uno')));
    await peer.settled();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.payload.entry[0]?.changes[0]?.value.statuses?.[0]).toMatchObject({
      status: 'failed',
      errors: [{ code: 131026 }],
    });
  });
});
