import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GraphPeer, startGraphPeer } from '../testing/index.ts';
import { createGraphClient, type GraphClient } from './graph.ts';
import { GraphError } from './graph-errors.ts';
import { mediaContent, messageBody, templateContent, textContent } from './graph-messages.ts';

let peer: GraphPeer;
let graph: GraphClient;
beforeEach(async () => {
  peer = await startGraphPeer();
  graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
});
afterEach(async () => {
  await peer.close();
});

const lucia = { bsuid: 'ES.4921038475610293', phone: '+34600123456', name: 'Lucía' };

describe('text', () => {
  it('goes to a phone as digits in `to` and comes back with its wamid and the wa_id', async () => {
    const result = await graph.sendMessage(
      peer.phoneNumberId,
      messageBody({ phone: '+34 600 12 34 56' }, textContent('Hola, ¿en qué podemos ayudarte?')),
    );
    expect(result.messageId).toMatch(/^wamid\./);
    expect(result.contacts).toEqual([{ input: '34600123456', wa_id: '34600123456' }]);
    expect(peer.sent).toHaveLength(1);
    expect(peer.sent[0]).toMatchObject({
      messageId: result.messageId,
      addressedBy: 'phone',
      field: 'to',
      type: 'text',
      category: 'service',
    });
    expect(peer.sent[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600123456',
      type: 'text',
      text: { body: 'Hola, ¿en qué podemos ayudarte?' },
    });
  });

  it('asks for a link preview only when the text has a link', async () => {
    await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, textContent('Sigue tu pedido en https://acme.example/pedidos/4521')));
    await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, textContent('Gracias por escribirnos')));
    expect(peer.sent.map((s) => s.body.text)).toEqual([
      { preview_url: true, body: 'Sigue tu pedido en https://acme.example/pedidos/4521' },
      { body: 'Gracias por escribirnos' },
    ]);
  });
});

describe('addressing a user known only by BSUID', () => {
  it('puts the BSUID in `recipient` by default and gets the user_id back, no phone', async () => {
    const result = await graph.sendMessage(peer.phoneNumberId, messageBody({ bsuid: 'ES.77810293847561' }, textContent('Hola')));
    expect(result.contacts).toEqual([{ input: 'ES.77810293847561', user_id: 'ES.77810293847561' }]);
    expect(peer.sent[0]?.body).toMatchObject({ recipient: 'ES.77810293847561' });
    expect(peer.sent[0]?.body).not.toHaveProperty('to');
    expect(peer.sent[0]).toMatchObject({ addressedBy: 'bsuid', field: 'recipient', to: { bsuid: 'ES.77810293847561' } });
  });

  it('puts the BSUID in `to` when the account is set to that shape', async () => {
    const result = await graph.sendMessage(
      peer.phoneNumberId,
      messageBody({ bsuid: 'ES.77810293847561' }, textContent('Hola'), { recipientField: 'to' }),
    );
    expect(result.contacts).toEqual([{ input: 'ES.77810293847561', user_id: 'ES.77810293847561' }]);
    expect(peer.sent[0]?.body).toMatchObject({ to: 'ES.77810293847561' });
    expect(peer.sent[0]?.body).not.toHaveProperty('recipient');
    expect(peer.sent[0]).toMatchObject({ addressedBy: 'bsuid', field: 'to' });
  });

  it('uses the phone when both are known, so later webhooks keep carrying it', async () => {
    await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, textContent('Hola')));
    expect(peer.sent[0]?.body).toMatchObject({ to: '34600123456' });
    expect(peer.sent[0]?.body).not.toHaveProperty('recipient');
  });
});

describe('media', () => {
  it('uploads a file and sends it by id with its caption', async () => {
    const bytes = Buffer.from('\xff\xd8\xff\xe0 a small jpeg', 'latin1');
    const id = await graph.uploadMedia(peer.phoneNumberId, bytes, 'image/jpeg', 'ticket.jpg');
    expect(peer.media(id)).toMatchObject({ origin: 'upload', mimeType: 'image/jpeg', filename: 'ticket.jpg' });
    expect(peer.media(id)?.bytes.equals(bytes)).toBe(true);
    await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, mediaContent('image', { id }, { caption: 'Tu ticket' })));
    expect(peer.sent[0]?.body).toMatchObject({ type: 'image', image: { id, caption: 'Tu ticket' } });
  });

  it('sends a document by link with its file name, and audio, video and a sticker without captions', async () => {
    const link = 'https://files.acme.example/factura-4521.pdf';
    await graph.sendMessage(
      peer.phoneNumberId,
      messageBody(lucia, mediaContent('document', { link }, { caption: 'Factura', filename: 'factura-4521.pdf' })),
    );
    for (const kind of ['audio', 'video', 'sticker'] as const)
      await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, mediaContent(kind, { link: `https://files.acme.example/x.${kind}` })));
    expect(peer.sent.map((s) => s.body[s.type])).toEqual([
      { link, caption: 'Factura', filename: 'factura-4521.pdf' },
      { link: 'https://files.acme.example/x.audio' },
      { link: 'https://files.acme.example/x.video' },
      { link: 'https://files.acme.example/x.sticker' },
    ]);
  });

  it('refuses a caption on audio before anything is sent', () => {
    expect(() => mediaContent('audio', { id: '1' }, { caption: 'escucha esto' })).toThrow(/no caption on audio/);
  });

  it('is refused by Meta when the media id was never uploaded', async () => {
    const err = await graph
      .sendMessage(peer.phoneNumberId, messageBody(lucia, mediaContent('image', { id: '999' })))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', code: 100 });
  });
});

describe('quoted replies', () => {
  it('quote the customer message through context.message_id', async () => {
    const asked = peer.inbound.text({ from: lucia, text: '¿Dónde está mi pedido?' });
    const quoted = String(asked.message?.id);
    await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, textContent('Ya ha salido'), { replyTo: quoted }));
    expect(peer.sent[0]?.body.context).toEqual({ message_id: quoted });
  });
});

describe('templates', () => {
  it('sends positional parameters in the order of their numbers, whatever order they were chosen in', async () => {
    const choice = { name: 'spring_sale', language: 'en_US', parameters: { 'body.2': '31 March', 'body.1': '20%' } };
    await graph.sendMessage(peer.phoneNumberId, messageBody(lucia, templateContent(choice)));
    expect(peer.sent[0]).toMatchObject({ type: 'template', category: 'marketing' });
    expect(peer.sent[0]?.body.template).toEqual({
      name: 'spring_sale',
      language: { code: 'en_US' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: '20%' },
            { type: 'text', text: '31 March' },
          ],
        },
      ],
    });
  });

  it('sends named parameters with parameter_name, header and body, to a BSUID', async () => {
    const choice = {
      name: 'appointment_reminder',
      language: 'es',
      parameters: { 'header.clinic': 'Clínica Norte', 'body.first_name': 'Lucía', 'body.date': '12 de noviembre a las 10:30' },
    };
    await graph.sendMessage(peer.phoneNumberId, messageBody({ bsuid: lucia.bsuid }, templateContent(choice)));
    expect(peer.sent[0]).toMatchObject({ category: 'utility', field: 'recipient' });
    expect(peer.sent[0]?.body.template).toMatchObject({
      components: [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'clinic', text: 'Clínica Norte' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'Lucía' },
            { type: 'text', parameter_name: 'date', text: '12 de noviembre a las 10:30' },
          ],
        },
      ],
    });
  });

  it('gets 132001 for a template that does not exist in that language or is not approved, and 132000 for a wrong count', async () => {
    const send = (name: string, language: string, parameters: Record<string, string>) =>
      graph.sendMessage(peer.phoneNumberId, messageBody(lucia, templateContent({ name, language, parameters }))).then(
        () => null,
        (e: unknown) => e as GraphError,
      );
    expect(await send('order_update', 'fr', { 'body.1': '#1' })).toMatchObject({ code: 132001, httpStatus: 404, kind: 'invalid' });
    expect(await send('feedback_survey', 'es', { 'body.1': 'Acme' })).toMatchObject({ code: 132001, kind: 'invalid' });
    const wrong = await send('spring_sale', 'en_US', { 'body.1': '20%' });
    expect(wrong).toMatchObject({ code: 132000, kind: 'invalid' });
    expect(wrong?.details).toBe('body: number of localizable_params (1) does not match the expected number of params (2)');
    expect(peer.sent).toHaveLength(0);
  });
});

describe('read receipts', () => {
  it('mark a customer message read, and only a message the number received', async () => {
    const part = peer.inbound.text({ from: lucia, text: 'Hola' });
    await graph.markRead(peer.phoneNumberId, String(part.message?.id));
    expect(peer.readReceipts).toMatchObject([{ phoneNumberId: peer.phoneNumberId, messageId: part.message?.id }]);
    await expect(graph.markRead(peer.phoneNumberId, 'wamid.not-ours')).rejects.toMatchObject({ kind: 'invalid', code: 100 });
    expect(peer.sent).toHaveLength(0);
  });
});

describe('set-up calls', () => {
  let hook: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
    hook = undefined;
  });

  async function echoServer(token: string): Promise<string> {
    hook = createServer((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      if (q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === token) res.writeHead(200).end(q.get('hub.challenge'));
      else res.writeHead(403).end('Forbidden');
    });
    await new Promise<void>((r) => hook?.listen(0, '127.0.0.1', r));
    const address = hook.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/webhooks/whatsapp`;
  }

  it('reads the business number for the connection test', async () => {
    await expect(graph.getPhoneNumber(peer.phoneNumberId)).resolves.toEqual({
      id: peer.phoneNumberId,
      displayPhoneNumber: '+34 910 00 00 00',
      verifiedName: 'Acme Tienda',
      qualityRating: 'GREEN',
    });
  });

  it('subscribes the app with a callback Meta verifies first', async () => {
    const callbackUrl = await echoServer('verify-me');
    await graph.subscribeApp(peer.wabaId, { callbackUrl, verifyToken: 'verify-me' });
    expect(peer.subscribedApps).toMatchObject([{ wabaId: peer.wabaId, callbackUrl, verifyToken: 'verify-me' }]);
  });

  it('fails with code 2200 when the callback does not echo the challenge', async () => {
    const callbackUrl = await echoServer('another-token');
    const err = await graph.subscribeApp(peer.wabaId, { callbackUrl, verifyToken: 'verify-me' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ code: 2200, kind: 'invalid' });
    expect((err as GraphError).title).toMatch(/Callback verification failed.*403/);
    expect(peer.subscribedApps).toHaveLength(0);
  });
});
