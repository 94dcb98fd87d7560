import type { TemplateChoice } from '@centralita/channel-kit';
import { describe, expect, it } from 'vitest';
import {
  bodies,
  HOUR,
  lucia,
  marta,
  OUTLET,
  refusal,
  reply,
  SHOP,
  SPACING,
  setUp,
  targetFrom,
  tearDown,
  throughOutbox,
} from './send-kit.ts';

// What an agent's reply meets when the Cloud API connection sends it (as the outbox calls it):
// whom it goes to and from which number, what it carries, and the 24-hour rule checked again.
describe('addressing', () => {
  it('writes to the customer’s phone from the number they wrote to', async () => {
    const s = await setUp();
    const result = await s.connection.send(reply('Hola Lucía, ya lo miramos', targetFrom(s, lucia)));
    expect(result).toEqual({ externalIds: [s.peer.sent[0]?.messageId], state: 'sent' });
    expect(s.peer.sent[0]).toMatchObject({ phoneNumberId: SHOP.id, addressedBy: 'phone', field: 'to', to: { phone: lucia.phone } });
    expect(bodies(s.peer)[0]).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600123456',
      type: 'text',
      text: { body: 'Hola Lucía, ya lo miramos' },
    });
  });

  it('answers from the second business number when that is the one the customer wrote to', async () => {
    const s = await setUp();
    await s.connection.send(reply('Te contesta la tienda outlet', targetFrom(s, lucia, { to: OUTLET.id })));
    expect(s.peer.sent.map((m) => m.phoneNumberId)).toEqual([OUTLET.id]);
  });

  it('writes to a customer known only by business-scoped id in `recipient`, or in `to` when the account says so', async () => {
    for (const bsuidField of ['recipient', 'to'] as const) {
      const s = await setUp({ bsuidField });
      await s.connection.send(reply('Hola Marta', targetFrom(s, marta)));
      expect(s.peer.sent[0], bsuidField).toMatchObject({ addressedBy: 'bsuid', field: bsuidField, to: { bsuid: marta.bsuid } });
      expect(bodies(s.peer)[0]?.[bsuidField]).toBe(marta.bsuid);
      await tearDown();
    }
  });

  it('falls back to the contact’s identity the host chose when there is no target', async () => {
    const s = await setUp();
    const template: TemplateChoice = { name: 'order_update', language: 'es', parameters: { 'body.1': '#4521' }, category: 'utility' };
    await s.connection.send(
      reply('Hola, tu pedido #4521…', null, { recipient: { kind: 'whatsapp_bsuid', externalId: marta.bsuid }, template }),
    );
    expect(s.peer.sent[0]).toMatchObject({ addressedBy: 'bsuid', to: { bsuid: marta.bsuid } });
  });
});

describe('content', () => {
  const png = Uint8Array.from({ length: 2_000 }, (_, i) => i % 256);
  const ogg = Uint8Array.from({ length: 3_000 }, (_, i) => (i * 7) % 256);

  it('sends a photo with the text as its caption', async () => {
    const s = await setUp();
    await s.connection.send(
      reply('Aquí tienes la etiqueta de devolución', targetFrom(s, lucia), {
        attachments: [{ filename: 'etiqueta.png', contentType: 'image/png', content: png }],
      }),
    );
    expect(s.peer.sent.map((m) => m.type)).toEqual(['image']);
    const image = bodies(s.peer)[0]?.image as { id: string; caption: string };
    expect(image.caption).toBe('Aquí tienes la etiqueta de devolución');
    expect(s.peer.media(image.id)?.bytes).toEqual(Buffer.from(png));
  });

  it('sends the text on its own before a voice note, which has no caption', async () => {
    const s = await setUp();
    const result = await throughOutbox(
      s,
      reply('Te lo explico en un audio', targetFrom(s, lucia), {
        attachments: [{ filename: 'explicacion.ogg', contentType: 'audio/ogg', content: ogg }],
      }),
    );
    // Two messages to one person: the audio waited its spacing in the outbox.
    expect(result.holds).toBe(1);
    expect(s.peer.sent.map((m) => m.type)).toEqual(['text', 'audio']);
    expect(bodies(s.peer)[1]?.audio).not.toHaveProperty('caption');
    expect(result.externalIds).toEqual(s.peer.sent.map((m) => m.messageId));
  });

  it('counts the text as WhatsApp does, so 4,096 emoji go out in one message', async () => {
    const s = await setUp();
    await s.connection.send(reply('👍'.repeat(4_096), targetFrom(s, lucia)));
    expect(s.peer.sent).toHaveLength(1);
    const err = await refusal(s.connection.send(reply('👍'.repeat(4_097), targetFrom(s, marta))));
    expect(err).toMatchObject({ code: 'text_too_long', retryable: false });
    expect(err.message).toContain('this reply has 4097');
  });

  it('sends templates with positional and with named parameters', async () => {
    const s = await setUp();
    const old = targetFrom(s, lucia, { ageMs: 30 * HOUR });
    await s.connection.send(
      reply('Hola, tu pedido #4521 ha salido…', old, {
        template: { name: 'order_update', language: 'es', parameters: { 'body.1': '#4521' }, category: 'utility' },
      }),
    );
    s.advance(SPACING);
    await s.connection.send(
      reply('Tu cita en Clínica Centro…', old, {
        template: {
          name: 'appointment_reminder',
          language: 'es',
          parameters: { 'header.clinic': 'Clínica Centro', 'body.first_name': 'Lucía', 'body.date': '12 de noviembre a las 10:30' },
          category: 'utility',
        },
      }),
    );
    expect(bodies(s.peer).map((b) => b.template)).toEqual([
      { name: 'order_update', language: { code: 'es' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '#4521' }] }] },
      {
        name: 'appointment_reminder',
        language: { code: 'es' },
        components: [
          { type: 'header', parameters: [{ type: 'text', parameter_name: 'clinic', text: 'Clínica Centro' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Lucía' },
              { type: 'text', parameter_name: 'date', text: '12 de noviembre a las 10:30' },
            ],
          },
        ],
      },
    ]);
  });
});

describe('the 24-hour window', () => {
  it('refuses a free-form reply whose customer wrote more than 24 hours ago, without reaching Meta', async () => {
    const s = await setUp();
    const err = await refusal(s.connection.send(reply('¿Seguimos?', targetFrom(s, lucia, { ageMs: 25 * HOUR }))));
    expect(err).toMatchObject({ code: 'window_closed', retryable: false });
    expect(err.message).toMatch(/within 24 hours.*closed on 3 Nov 2026, 09:00 UTC\. Send an approved template instead\./);
    expect(s.peer.requests.filter((r) => r.route === 'messages')).toEqual([]);
  });

  it('refuses a free-form message to a customer who never wrote', async () => {
    const s = await setUp();
    const err = await refusal(s.connection.send(reply('Hola', null, { recipient: { kind: 'phone', externalId: lucia.phone } })));
    expect(err.code).toBe('no_window');
    expect(s.peer.sent).toEqual([]);
  });
});
