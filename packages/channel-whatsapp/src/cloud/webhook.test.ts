import type { ChannelConnection } from '@centralita/channel-kit';
import { createMemoryContext, type MemoryContext } from '@centralita/channel-kit/conformance';
import type { DeliveryUpdatedEvent, InboundEvent, MessageReceivedEvent } from '@centralita/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../adapter.ts';
import type { WhatsAppConfigInput } from '../config.ts';
import { METERING } from '../metering.ts';
import {
  type ChangePart,
  type GraphPeer,
  PEER_VERIFY_TOKEN,
  type PeerPhoneNumber,
  peerAccount,
  type SignatureMode,
  startGraphPeer,
  type WebhookPayload,
  type WhatsAppPeerAccount,
} from '../testing/index.ts';

// What Meta's webhook meets at Centralita: the peer posts signed deliveries, as Meta serialises
// them, to a local receiver that hands each request to the account's connection; media come
// from the peer through the adapter's real Graph client. The context is the host in memory.
const adapter = createWhatsAppAdapter();

const SHOP: PeerPhoneNumber = {
  id: '106540352242922',
  displayPhoneNumber: '+34 910 00 00 00',
  verifiedName: 'Acme Tienda',
  qualityRating: 'GREEN',
};
const OUTLET: PeerPhoneNumber = {
  id: '106540352242933',
  displayPhoneNumber: '+34 930 00 00 00',
  verifiedName: 'Acme Outlet',
  qualityRating: 'GREEN',
};

const lucia = { bsuid: 'ES.1029384756102938', phone: '+34600123456', name: 'Lucía' };
const marta = { bsuid: 'ES.8899001122334455', name: 'Marta', username: 'marta.r' };

interface Setup {
  peer: GraphPeer;
  account: WhatsAppPeerAccount;
  ctx: MemoryContext;
  connection: ChannelConnection;
  /** Each `emitMany` batch the connection handed the host, in order. */
  batches: InboundEvent[][];
  /** How many events went one by one through `emit` (none should). */
  singleEmits: number;
}

let current: Setup | undefined;
afterEach(async () => {
  await current?.connection.stop();
  await current?.account.close();
  current = undefined;
});

async function setUp(config: Partial<WhatsAppConfigInput> = {}): Promise<Setup> {
  const peer = await startGraphPeer({ phoneNumbers: [SHOP, OUTLET] });
  const account = await peerAccount(peer, { config });
  const ctx = createMemoryContext({ webhookUrl: account.webhookUrl, metering: METERING });
  const setup: Setup = { peer, account, ctx, connection: null as unknown as ChannelConnection, batches: [], singleEmits: 0 };
  const emitMany = ctx.emitMany.bind(ctx);
  const emit = ctx.emit.bind(ctx);
  ctx.emitMany = (events, options) => {
    setup.batches.push(events);
    return emitMany(events, options);
  };
  ctx.emit = (event, options) => {
    setup.singleEmits += 1;
    return emit(event, options);
  };
  setup.connection = adapter.connect(
    { id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'WhatsApp', config: adapter.config.parse(account.config) },
    ctx,
  );
  account.forwardTo(setup.connection);
  current = setup;
  return setup;
}

/** Posts as Meta does and reads Centralita's answer. */
async function post(s: Setup, payload: WebhookPayload | string, signature: SignatureMode = 'good') {
  const result = await s.peer.deliver(s.account.webhookUrl, payload, { signature });
  let body: unknown = result.body;
  try {
    body = JSON.parse(result.body);
  } catch {
    // A plain-text answer (the verification echo) stays a string.
  }
  return { status: result.status, body: body as { ok?: boolean; stored?: number; error?: { code: string; message: string } } };
}

const messages = (ctx: MemoryContext) => ctx.emitted.filter((e): e is MessageReceivedEvent => e.type === 'message.received');
const statuses = (ctx: MemoryContext) => ctx.emitted.filter((e): e is DeliveryUpdatedEvent => e.type === 'delivery.updated');
const idOf = (part: ChangePart) => String(part.message?.id ?? part.status?.id);

describe('verification', () => {
  it('echoes the challenge when Meta brings the account’s verify token', async () => {
    const s = await setUp();
    const result = await s.peer.verifyWebhook(s.account.webhookUrl, PEER_VERIFY_TOKEN, '1158201444');
    expect(result).toMatchObject({ status: 200, body: '1158201444', verified: true });
  });

  it('answers 403 to another token and 400 when the handshake is incomplete', async () => {
    const s = await setUp();
    expect(await s.peer.verifyWebhook(s.account.webhookUrl, 'someone-elses-token', '42')).toMatchObject({ status: 403, verified: false });
    const noChallenge = await fetch(`${s.account.webhookUrl}?hub.mode=subscribe&hub.verify_token=${PEER_VERIFY_TOKEN}`);
    expect(noChallenge.status).toBe(400);
    const bare = await fetch(s.account.webhookUrl);
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: { message: string } }).error.message).toMatch(/hub\.mode=subscribe.*hub\.challenge/);
  });
});

describe('deliveries', () => {
  it('stores everything one delivery carries, across changes, in order and in one batch', async () => {
    const s = await setUp();
    const parts = [
      s.peer.inbound.text({ from: lucia, text: 'Hola, ¿tenéis la talla M? https://acme.es/p/1' }),
      s.peer.inbound.text({ from: marta, text: 'Y yo quería saber el horario' }),
      s.peer.statuses.delivered({ messageId: 'wamid.HBgLours0001', to: lucia }),
      s.peer.statuses.read({ messageId: 'wamid.HBgLours0002', to: marta }),
      s.peer.inbound.text({ from: lucia, to: OUTLET.id, text: 'Escribo también a la tienda outlet' }),
    ];
    const payload = s.peer.delivery(parts, { grouping: 'value' });
    expect(payload.entry[0]?.changes).toHaveLength(2);

    const res = await post(s, payload);
    expect(res).toMatchObject({ status: 200, body: { ok: true, stored: 5 } });
    expect(s.batches).toHaveLength(1);
    expect(s.singleEmits).toBe(0);
    // Within a business number Meta lists messages, then statuses; the numbers' changes follow each other.
    expect(s.ctx.emitted.map((e) => [e.type, e.externalMessageId])).toEqual([
      ['message.received', idOf(parts[0] as ChangePart)],
      ['message.received', idOf(parts[1] as ChangePart)],
      ['delivery.updated', 'wamid.HBgLours0001'],
      ['delivery.updated', 'wamid.HBgLours0002'],
      ['message.received', idOf(parts[4] as ChangePart)],
    ]);
    const [first, , outlet] = messages(s.ctx);
    // The raw body had "\u00bf" and "\/" in it: the signature was checked over those bytes.
    expect(first?.text).toBe('Hola, ¿tenéis la talla M? https://acme.es/p/1');
    expect(first?.metadata).toMatchObject({ phoneNumberId: SHOP.id, waId: '34600123456', bsuid: lucia.bsuid });
    // The reply to that one goes from the outlet's number.
    expect(outlet?.metadata).toMatchObject({ phoneNumberId: OUTLET.id });
    expect(statuses(s.ctx).map((e) => e.state)).toEqual(['delivered', 'read']);
  });

  it('stores one message per wamid when Meta delivers the same payload again', async () => {
    const s = await setUp();
    const payload = s.peer.delivery([
      s.peer.inbound.text({ from: lucia, text: 'Primero' }),
      s.peer.inbound.text({ from: lucia, text: 'Segundo' }),
    ]);
    expect((await post(s, payload)).status).toBe(200);
    expect((await post(s, payload)).status).toBe(200);
    expect(s.ctx.emitted).toHaveLength(4);
    expect([...s.ctx.stored]).toEqual(
      messages(s.ctx)
        .slice(0, 2)
        .map((m) => m.externalMessageId),
    );
  });

  it('refuses a delivery signed with another secret, or not signed, with 401 and stores nothing', async () => {
    const s = await setUp();
    const payload = s.peer.delivery([s.peer.inbound.text({ from: lucia, text: 'Soy yo, de verdad' })]);
    for (const signature of ['bad', 'none'] as const) {
      const res = await post(s, payload, signature);
      expect(res.status, signature).toBe(401);
      expect(res.body.error?.message).toMatch(/x-hub-signature-256/);
    }
    expect(s.ctx.emitted).toEqual([]);
    expect(s.batches).toEqual([]);
  });

  it('answers 400 saying what is wrong with a body that is not JSON or not a WhatsApp delivery', async () => {
    const s = await setUp();
    const cut = await post(s, '{"object":"whatsapp_business_account","entry":[');
    expect(cut.status).toBe(400);
    expect(cut.body.error?.message).toMatch(/^The body is not valid JSON/);
    const page = await post(s, { object: 'page', entry: [] } as unknown as WebhookPayload);
    expect(page.status).toBe(400);
    expect(page.body.error?.message).toBe('The delivery holds nothing to store: object: is "page", not "whatsapp_business_account"');
    expect(s.ctx.emitted).toEqual([]);
  });

  it('answers 503 when the host cannot store the delivery, so Meta sends it again', async () => {
    const s = await setUp();
    const payload = s.peer.delivery([s.peer.inbound.text({ from: lucia, text: 'La base de datos parpadeó' })]);
    s.ctx.rejectEmits(1);
    const failed = await s.peer.deliver(s.account.webhookUrl, payload);
    expect(failed.status).toBe(503);
    expect(s.account.exchanges.at(-1)?.response.headers).toMatchObject({ 'retry-after': '5' });
    expect(s.ctx.rejected).toHaveLength(1);
    expect(s.ctx.emitted).toEqual([]);
    expect((await post(s, payload)).status).toBe(200);
    expect(messages(s.ctx).map((m) => m.text)).toEqual(['La base de datos parpadeó']);
  });
});

describe('senders', () => {
  it('stores a message from a user known only by business-scoped id, and the phone joins the same sender later', async () => {
    const s = await setUp();
    await post(s, s.peer.delivery([s.peer.inbound.text({ from: marta, text: 'Sin número' })]));
    await post(s, s.peer.delivery([s.peer.inbound.text({ from: { ...marta, phone: '+34611222333' }, text: 'Ahora con número' })]));
    const [without, withPhone] = messages(s.ctx);
    expect(without?.sender).toEqual({
      kind: 'whatsapp_bsuid',
      externalId: marta.bsuid,
      verified: true,
      displayName: 'Marta',
      country: 'ES',
    });
    expect(without?.metadata).not.toHaveProperty('waId');
    expect(without?.metadata).toMatchObject({ bsuid: marta.bsuid, username: 'marta.r' });
    expect(withPhone?.sender).toMatchObject({
      kind: 'whatsapp_bsuid',
      externalId: marta.bsuid,
      otherIdentities: [{ kind: 'phone', externalId: '+34611222333', verified: true }],
    });
  });
});

describe('statuses', () => {
  it('become delivery updates, a failure with Meta’s reason', async () => {
    const s = await setUp();
    const ours = { messageId: 'wamid.HBgLours0003', to: lucia };
    await post(
      s,
      s.peer.delivery([
        s.peer.statuses.sent(ours),
        s.peer.statuses.delivered(ours),
        s.peer.statuses.failed({ messageId: 'wamid.HBgLours0004', to: lucia }, 131026),
      ]),
    );
    const [sent, delivered, failed] = statuses(s.ctx);
    expect(sent).toMatchObject({ externalMessageId: ours.messageId, state: 'sent' });
    expect(delivered).toMatchObject({ externalMessageId: ours.messageId, state: 'delivered' });
    expect(failed?.state).toBe('failed');
    expect(failed?.reason).toMatch(/^131026 Message Undeliverable: Unable to deliver message/);
  });
});

describe('media', () => {
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

  it('downloads images, documents and voice notes into the message’s attachments', async () => {
    const s = await setUp();
    const photo = bytes(30_000, 1);
    const pdf = bytes(12_000, 2);
    const voice = bytes(8_000, 3);
    const parts = [
      s.peer.inbound.image({ from: lucia, media: s.peer.addMedia(photo, 'image/jpeg'), caption: 'Así llegó la caja' }),
      s.peer.inbound.document({ from: lucia, media: s.peer.addMedia(pdf, 'application/pdf', 'factura-4521.pdf') }),
      s.peer.inbound.audio({ from: lucia, media: s.peer.addMedia(voice, 'audio/ogg; codecs=opus'), voice: true }),
    ];
    expect((await post(s, s.peer.delivery(parts))).status).toBe(200);
    const [image, document, audio] = messages(s.ctx);
    expect(image?.text).toBe('Así llegó la caja');
    expect(image?.attachments).toEqual([{ filename: 'image.jpg', contentType: 'image/jpeg', size: photo.length, content: photo }]);
    expect(document?.text).toBe('[Document: factura-4521.pdf]');
    expect(document?.attachments).toEqual([
      { filename: 'factura-4521.pdf', contentType: 'application/pdf', size: pdf.length, content: pdf },
    ]);
    expect(audio?.text).toBe('[Voice message]');
    expect(audio?.attachments?.[0]).toMatchObject({ filename: 'voice-note.ogg', size: voice.length, content: voice });
  });

  it('lists a file over the account’s limit without its bytes, and says why', async () => {
    const s = await setUp({ maxMediaBytes: 2_048 });
    const media = s.peer.addMedia(bytes(4_096, 4), 'image/png');
    await post(s, s.peer.delivery([s.peer.inbound.image({ from: lucia, media })]));
    const [message] = messages(s.ctx);
    expect(message?.text).toBe('[Image]');
    expect(message?.attachments).toEqual([{ filename: 'image.png', contentType: 'image/png', size: 0 }]);
    expect(message?.metadata?.mediaNotStored).toBe('image.png: larger than this account keeps (2 KiB)');
    // Refused from Meta's declared size: the file itself was never fetched.
    expect(s.peer.requests.filter((r) => r.route === 'download')).toEqual([]);
  });

  it('stores the other messages when one file cannot be downloaded', async () => {
    const s = await setUp();
    const good = bytes(5_000, 5);
    // Meta's hash does not match the bytes served, as with a corrupted upload.
    const broken = s.peer.addMedia(bytes(5_000, 6), 'image/jpeg', { sha256: 'ab'.repeat(32) });
    const parts = [
      s.peer.inbound.text({ from: lucia, text: 'Te mando dos fotos' }),
      s.peer.inbound.image({ from: lucia, media: broken, caption: 'La rota' }),
      s.peer.inbound.image({ from: lucia, media: s.peer.addMedia(good, 'image/jpeg'), caption: 'La buena' }),
    ];
    expect((await post(s, s.peer.delivery(parts))).status).toBe(200);
    const [text, brokenOne, goodOne] = messages(s.ctx);
    expect(text?.text).toBe('Te mando dos fotos');
    expect(brokenOne?.attachments).toEqual([{ filename: 'image.jpg', contentType: 'image/jpeg', size: 0 }]);
    expect(brokenOne?.metadata?.mediaNotStored).toBe('image.jpg: it could not be downloaded from WhatsApp');
    expect(goodOne?.attachments?.[0]?.content).toEqual(good);
  });

  it('stores the message without its file when Meta’s media endpoint is down', async () => {
    const s = await setUp();
    s.peer.failNext({ on: 'media', httpStatus: 503 });
    await post(
      s,
      s.peer.delivery([s.peer.inbound.document({ from: marta, media: s.peer.addMedia(bytes(100, 7), 'application/pdf', 'a.pdf') })]),
    );
    const [message] = messages(s.ctx);
    expect(message?.text).toBe('[Document: a.pdf]');
    expect(message?.metadata?.mediaNotStored).toBe('a.pdf: it could not be downloaded from WhatsApp');
  });
});

describe('what is not this account’s', () => {
  it('stores nothing a delivery brings for another business account', async () => {
    const s = await setUp();
    const payload = s.peer.delivery([
      s.peer.inbound.text({ from: lucia, text: 'Para nosotros' }),
      s.peer.inbound.text({ from: marta, text: 'Para otra empresa' }),
    ]);
    // The same app serves another business account: Meta posts its changes to the same URL.
    const [ours, theirs] = payload.entry.length > 1 ? payload.entry : [payload.entry[0], structuredClone(payload.entry[0])];
    if (!ours || !theirs) throw new Error('the peer built no entry');
    theirs.id = '999999999999999';
    theirs.changes = theirs.changes.slice(-1);
    ours.changes = ours.changes.slice(0, 1);
    payload.entry = [ours, theirs];
    expect((await post(s, payload)).status).toBe(200);
    expect(messages(s.ctx).map((m) => m.text)).toEqual(['Para nosotros']);
  });

  it('asks Meta to deliver again when the host could not store part of it', async () => {
    const s = await setUp();
    const emitMany = s.ctx.emitMany.bind(s.ctx);
    // The database went away mid-batch: the host answers each item with its own error.
    s.ctx.emitMany = async (events) => events.map(() => new Error('Connection terminated unexpectedly'));
    const payload = s.peer.delivery([s.peer.inbound.text({ from: lucia, text: 'Hola' })]);
    const answer = await post(s, payload);
    expect(answer.status).toBe(503);
    s.ctx.emitMany = emitMany;
    expect((await post(s, payload)).status).toBe(200);
    expect(messages(s.ctx)).toHaveLength(1);
  });
});
