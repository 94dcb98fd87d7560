import { waitFor } from '@centralita/channel-kit/conformance';
import type { DeliveryUpdatedEvent, MessageReceivedEvent } from '@centralita/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebAccount, type WebAccountHarness, type WebAccountOptions } from '../testing/fake-web-client-harness.ts';

// What a customer's WhatsApp message becomes in Centralita: who sent it (a phone, or a privacy
// id with the phone when WhatsApp Web knows it), its thread, its attachments; and what WhatsApp's
// receipts for our replies become.
const running: WebAccountHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

async function ready(options: WebAccountOptions = {}): Promise<WebAccountHarness> {
  const h = await startWebAccount({ ...options, fake: { autoReady: true } });
  running.push(h);
  await h.waitForState('ready');
  return h;
}

function message(h: WebAccountHarness, text: string): Promise<MessageReceivedEvent> {
  return waitFor(() => h.ctx.emitted.find((e): e is MessageReceivedEvent => e.type === 'message.received' && e.text.includes(text)), {
    what: `the message "${text}"`,
  });
}

describe('senders', () => {
  it('knows a @lid sender by its lid, with its phone when WhatsApp Web has mapped it', async () => {
    const h = await ready();
    h.fake.receive({ from: '204785112233445@lid', body: 'sin teléfono', notifyName: 'Ana' });
    const unknown = await message(h, 'sin teléfono');
    expect(unknown.sender).toEqual({ kind: 'whatsapp_lid', externalId: '204785112233445@lid', verified: true, displayName: 'Ana' });

    h.fake.receive({ from: '204785112233445@lid', body: 'ahora con teléfono', notifyName: 'Ana', phone: '34600111222' });
    const known = await message(h, 'ahora con teléfono');
    expect(known.sender).toEqual({
      kind: 'whatsapp_lid',
      externalId: '204785112233445@lid',
      verified: true,
      displayName: 'Ana',
      otherIdentities: [{ kind: 'phone', externalId: '+34600111222', verified: true }],
    });
  });

  it('knows a @c.us sender by its phone in E.164, with its lid when known', async () => {
    const h = await ready();
    h.fake.receive({ from: '5215512345678@c.us', body: 'hola desde México', notifyName: 'Luis', lid: '99887766@lid' });
    const event = await message(h, 'hola desde México');
    // WhatsApp still writes Mexican mobiles with the old "1"; the phone identity is the dialable number.
    expect(event.sender).toEqual({
      kind: 'phone',
      externalId: '+525512345678',
      verified: true,
      displayName: 'Luis',
      otherIdentities: [{ kind: 'whatsapp_lid', externalId: '99887766@lid', verified: true }],
    });
    expect(event).toMatchObject({
      visibility: 'private',
      thread: { contactThread: true },
      metadata: { mode: 'web', chatId: '5215512345678@c.us', type: 'chat' },
    });
    expect(event.occurredAt).toBeInstanceOf(Date);
    expect(event.externalMessageId).toMatch(/^false_5215512345678@c\.us_[0-9A-F]+$/);
  });

  it('leaves groups, status updates and broadcast lists alone', async () => {
    const h = await ready();
    h.fake.receive({ from: '120363025555555555@g.us', body: 'en el grupo' });
    h.fake.receive({ from: 'status@broadcast', body: 'mi estado' });
    h.fake.receive({ from: '1234567890@broadcast', body: 'difusión' });
    h.fake.receive({ from: '34600111222@c.us', body: 'solo esto' });
    await message(h, 'solo esto');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.ctx.emitted.map((e) => (e.type === 'message.received' ? e.text : e.type))).toEqual(['solo esto']);
  });
});

describe('threads and attachments', () => {
  it('threads a quoted message to the message it quotes, including our own reply', async () => {
    const h = await ready();
    const first = h.fake.receive({ from: '34600111222@c.us', body: '¿tenéis talla M?' });
    await message(h, 'talla M');
    const answer = await h.connection.send({
      messageId: 'r1',
      conversationId: 'c1',
      text: 'Sí, en azul',
      visibility: 'private',
      recipient: { kind: 'phone', externalId: '+34600111222' },
      inReplyTo: [],
      allowSplit: false,
    });
    h.fake.receive({ from: '34600111222@c.us', body: 'perfecto', quoted: answer.externalIds[0] });
    const quoting = await message(h, 'perfecto');
    expect(quoting.thread).toEqual({ contactThread: true, inReplyTo: [answer.externalIds[0]] });
    h.fake.receive({ from: '34600111222@c.us', body: 'y esto también', quoted: first.id._serialized });
    expect((await message(h, 'y esto también')).thread.inReplyTo).toEqual([first.id._serialized]);
  });

  it('keeps a photo as an attachment with its caption as the text', async () => {
    const h = await ready();
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    h.fake.receive({ from: '34600111222@c.us', body: 'la factura', media: { mimetype: 'image/jpeg', content: jpeg } });
    const event = await message(h, 'la factura');
    expect(event.attachments).toHaveLength(1);
    expect(event.attachments?.[0]).toMatchObject({ contentType: 'image/jpeg', size: 8 });
    expect(event.attachments?.[0]?.filename).toMatch(/^image-[0-9A-F]+\.jpeg$/);
    expect(Array.from(event.attachments?.[0]?.content ?? [])).toEqual(Array.from(jpeg));
    expect(event.metadata).toMatchObject({ type: 'image' });
  });

  it('keeps a voice note without text, and says so in the text when media is too large or gone', async () => {
    const h = await ready({ connection: { maxMediaBytes: 1024 } });
    h.fake.receive({ from: '34600111222@c.us', type: 'ptt', media: { mimetype: 'audio/ogg; codecs=opus', content: new Uint8Array(10) } });
    const voice = await waitFor(() =>
      h.ctx.emitted.find((e): e is MessageReceivedEvent => e.type === 'message.received' && e.attachments?.length === 1),
    );
    expect(voice.text).toBe('[Voice message]');
    expect(voice.attachments?.[0]).toMatchObject({ contentType: 'audio/ogg; codecs=opus', size: 10 });
    expect(voice.attachments?.[0]?.filename).toMatch(/\.ogg$/);

    h.fake.receive({
      from: '34600111222@c.us',
      body: 'el vídeo',
      type: 'video',
      media: { mimetype: 'video/mp4', content: new Uint8Array(1), filename: 'boda.mp4', declaredSize: 20 * 1024 * 1024 },
    });
    const big = await message(h, 'el vídeo');
    expect(big.text).toBe('el vídeo\n[Attachment too large: boda.mp4, 20.0 MiB; this account keeps up to 1 KiB]');
    expect(big.attachments).toBeUndefined();

    h.fake.receive({
      from: '34600111222@c.us',
      body: 'caducado',
      type: 'document',
      media: { mimetype: 'application/pdf', content: new Uint8Array(1), unavailable: true },
    });
    expect((await message(h, 'caducado')).text).toBe('caducado\n[Attachment could not be downloaded from WhatsApp: document]');
  });
});

describe('receipts and failures', () => {
  it('turns acks into delivery updates: server sent, device delivered, read, played read, error failed', async () => {
    const h = await ready();
    const sent = await h.connection.send({
      messageId: 'r1',
      conversationId: 'c1',
      text: 'en camino',
      visibility: 'private',
      recipient: { kind: 'phone', externalId: '+34600111222' },
      inReplyTo: [],
      allowSplit: false,
    });
    const id = sent.externalIds[0] as string;
    for (const level of [0, 1, 2, 3, 4, -1]) h.fake.ack(id, level);
    const updates = await waitFor(() => {
      const u = h.ctx.emitted.filter((e): e is DeliveryUpdatedEvent => e.type === 'delivery.updated');
      return u.length === 5 && u;
    });
    expect(updates.map((u) => [u.externalMessageId, u.state])).toEqual([
      [id, 'sent'],
      [id, 'delivered'],
      [id, 'read'],
      [id, 'read'],
      [id, 'failed'],
    ]);
    expect(updates[4]?.reason).toMatch(/could not deliver/);
  });

  it('emits a message again when the host could not store it, and stores it once', async () => {
    const h = await ready();
    h.ctx.rejectEmits(2);
    h.fake.receive({ from: '34600111222@c.us', body: 'la base de datos parpadeó' });
    await message(h, 'parpadeó');
    expect(h.ctx.rejected).toHaveLength(2);
    expect(h.ctx.emitted).toHaveLength(1);
  });
});
