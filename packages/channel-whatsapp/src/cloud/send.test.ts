import { randomUUID } from 'node:crypto';
import { type ChannelConnection, type OutboundMessage, type ReplyTarget, SendError, type TemplateChoice } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, type MemoryContext } from '@centralita/channel-kit/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../adapter.ts';
import type { WhatsAppConfigInput } from '../config.ts';
import { METERING } from '../metering.ts';
import {
  type FaultSpec,
  type GraphPeer,
  type GraphPeerOptions,
  type PeerPhoneNumber,
  peerAccount,
  startGraphPeer,
  type WhatsAppPeerAccount,
} from '../testing/index.ts';

// What an agent's reply meets when the Cloud API connection sends it (as the outbox calls it):
// the adapter's real Graph client against the local peer, which checks each body as Meta does and
// answers Meta's errors. The context, its store and the peer share one clock.
const adapter = createWhatsAppAdapter();
const START = Date.parse('2026-11-03T10:00:00Z');
const HOUR = 3_600_000;
const SPACING = 50;

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

const lucia = { bsuid: 'ES.1029384756102938', phone: '+34600123456' };
const marta = { bsuid: 'MX.8899001122334455' };

interface Setup {
  peer: GraphPeer;
  account: WhatsAppPeerAccount;
  ctx: MemoryContext;
  connection: ChannelConnection;
  now(): Date;
  advance(ms: number): void;
}

let current: Setup | undefined;
afterEach(async () => {
  await current?.connection.stop();
  await current?.account.close();
  current = undefined;
});

async function setUp(config: Partial<WhatsAppConfigInput> = {}, limits: Pick<GraphPeerOptions, 'pairRateMs'> = {}): Promise<Setup> {
  let now = START;
  const clock = () => new Date(now);
  const peer = await startGraphPeer({ phoneNumbers: [SHOP, OUTLET], now: clock, ...limits });
  const account = await peerAccount(peer, { config: { pairSpacingMs: SPACING, ...config } });
  const ctx = createMemoryContext({ now: clock, store: createMemoryStore(() => now), metering: METERING, webhookUrl: account.webhookUrl });
  const connection = adapter.connect(
    { id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'WhatsApp', config: adapter.config.parse(account.config) },
    ctx,
  );
  current = {
    peer,
    account,
    ctx,
    connection,
    now: clock,
    advance: (ms) => {
      now += ms;
    },
  };
  return current;
}

/** The customer's latest message as the host hands it over, with what the adapter kept from the webhook. */
function targetFrom(s: Setup, user: { bsuid: string; phone?: string }, options: { to?: string; ageMs?: number } = {}): ReplyTarget {
  const at = new Date(s.now().getTime() - (options.ageMs ?? 60_000));
  return {
    externalId: `wamid.HBgLcustomer${randomUUID().slice(0, 8)}`,
    visibility: 'private',
    metadata: {
      phoneNumberId: options.to ?? SHOP.id,
      bsuid: user.bsuid,
      ...(user.phone ? { waId: user.phone.replace(/\D/g, '') } : {}),
      sentAt: at.toISOString(),
    },
    receivedAt: at,
  };
}

function reply(text: string, target: ReplyTarget | null, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    messageId: randomUUID(),
    conversationId: randomUUID(),
    text,
    visibility: 'private',
    recipient: null,
    inReplyTo: [],
    target,
    allowSplit: false,
    ...extra,
  };
}

/**
 * Sends as the outbox does: a held reply is tried again once its wait is over (the test's clock
 * moved on), from the parts already sent; returns the last result and how many holds it met.
 */
async function throughOutbox(s: Setup, message: OutboundMessage): Promise<{ externalIds: string[]; holds: number }> {
  const sent: string[] = [];
  for (let holds = 0; holds < 20; holds++) {
    try {
      const result = await s.connection.send({ ...message, sentParts: [...sent], onPartSent: async (_i, id) => void sent.push(id) });
      return { externalIds: result.externalIds, holds };
    } catch (err) {
      if (!(err instanceof SendError) || !err.hold) throw err;
      s.advance(err.retryAfterMs ?? SPACING);
    }
  }
  throw new Error('the reply was held 20 times');
}

async function refusal(promise: Promise<unknown>): Promise<SendError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SendError);
  return err as SendError;
}

const bodies = (peer: GraphPeer) => peer.sent.map((m) => m.body);

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
      await s.connection.stop();
      await s.account.close();
      current = undefined;
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

describe('Meta’s errors', () => {
  /** The send refused by the peer as `fault` says, one minute after the previous (outside the pair spacing). */
  async function failedWith(s: Setup, fault: FaultSpec): Promise<SendError> {
    s.advance(60_000);
    s.peer.failNext(fault);
    return refusal(s.connection.send(reply('Hola', targetFrom(s, lucia))));
  }

  it('waits and tries again after the rate limits', async () => {
    const s = await setUp();
    const pair = await failedWith(s, { code: 131056 });
    // A wait, not a failure: it uses none of the reply's attempts.
    expect(pair).toMatchObject({ code: 'pair_rate', retryable: true, retryAfterMs: SPACING, hold: expect.stringMatching(/^Waiting /) });
    for (const [code, name] of [
      [130429, 'throughput'],
      [131048, 'spam_rate'],
      [4, 'graph_rate_limit'],
      [80007, 'graph_rate_limit'],
    ] as const) {
      const err = await failedWith(s, { code });
      expect(err, String(code)).toMatchObject({ code: name, retryable: true });
      expect(err.retryAfterMs, String(code)).toBeGreaterThan(0);
      expect(err.message, String(code)).toContain(`(${code})`);
    }
    // Meta's own Retry-After wins over the default wait.
    expect(await failedWith(s, { code: 130429, retryAfter: 7 })).toMatchObject({ retryAfterMs: 7_000 });
    expect(s.peer.sent).toEqual([]);
  });

  it('fails for good, saying why, where no retry helps', async () => {
    const s = await setUp();
    const cases = [
      [131047, 'window_closed', /Outside the 24-hour window \(131047\): only an approved template/],
      [131026, 'undeliverable', /could not deliver it \(131026\): the number may not be on WhatsApp/],
      [131042, 'payment', /payment problem on the business account \(131042\)/],
      [368, 'policy', /restricted for a policy violation \(368\)/],
    ] as const;
    for (const [code, name, reason] of cases) {
      const err = await failedWith(s, { code });
      expect(err, String(code)).toMatchObject({ code: name, retryable: false });
      expect(err.message, String(code)).toMatch(reason);
    }
    expect(s.ctx.states.map((r) => r.state)).toEqual(['out_of_credits', 'degraded']);
    expect(s.ctx.states[0]?.detail).toMatch(/payment problem \(131042\)/);
  });

  it('reports the account logged out when Meta refuses the token', async () => {
    const s = await setUp({ accessToken: 'EAAExpiredToken' });
    const err = await refusal(s.connection.send(reply('Hola', targetFrom(s, lucia))));
    expect(err).toMatchObject({ code: 'unauthorized', retryable: false });
    expect(s.ctx.states).toEqual([{ state: 'logged_out', detail: 'Meta refused the access token (190): set a valid system user token.' }]);
  });

  it('tries again after a 5xx or a dropped connection', async () => {
    const s = await setUp();
    for (const fault of [{ httpStatus: 502 }, { code: 131000 }, { drop: true }] satisfies FaultSpec[]) {
      const err = await failedWith(s, fault);
      expect(err, JSON.stringify(fault)).toMatchObject({ code: 'graph_unavailable', retryable: true, retryAfterMs: 5_000 });
    }
    s.advance(60_000);
    await s.connection.send(reply('A la cuarta va la vencida', targetFrom(s, lucia)));
    expect(s.peer.sent).toHaveLength(1);
  });

  it('sends only the parts not yet sent when a retry follows a failure part-way', async () => {
    const s = await setUp();
    const ogg = Uint8Array.from({ length: 500 }, (_, i) => i % 256);
    const message = reply('Te lo explico en un audio', targetFrom(s, lucia), {
      attachments: [{ filename: 'explicacion.ogg', contentType: 'audio/ogg', content: ogg }],
    });
    const reported: [number, string][] = [];
    const held = await refusal(
      s.connection.send({
        ...message,
        onPartSent: async (i, id) => {
          reported.push([i, id]);
        },
      }),
    );
    expect(held.hold).toMatch(/^Waiting /);
    expect(reported).toEqual([[0, s.peer.sent[0]?.messageId]]);
    s.advance(SPACING);
    // Meta stumbles on the next message: the audio.
    s.peer.failNext({ httpStatus: 503 });
    const err = await refusal(s.connection.send({ ...message, sentParts: [reported[0]?.[1] as string] }));
    expect([err.retryable, err.hold]).toEqual([true, null]);

    s.advance(5_000);
    const retried = await s.connection.send({ ...message, sentParts: [reported[0]?.[1] as string] });
    expect(s.peer.sent.map((m) => m.type)).toEqual(['text', 'audio']);
    expect(retried.externalIds).toEqual(s.peer.sent.map((m) => m.messageId));
  });
});

describe('pair spacing', () => {
  it('retries a reply Meta refused for the pair rate (131056), and it arrives once', async () => {
    // Meta's pair rate is stricter than the account's spacing here: its 131056 is what spaces the reply.
    const s = await setUp({}, { pairRateMs: 6_000 });
    await s.connection.send(reply('Primera', targetFrom(s, lucia)));
    s.advance(1_000);
    const second = reply('Segunda', targetFrom(s, lucia));
    let outcome: unknown = await s.connection.send(second).catch((e: unknown) => e);
    expect(outcome).toMatchObject({ code: 'pair_rate', retryable: true, retryAfterMs: SPACING });
    // The outbox tries again after each wait until Meta takes it.
    let attempts = 1;
    while (outcome instanceof SendError && attempts < 1_000) {
      expect(outcome.code).toBe('pair_rate');
      s.advance(outcome.retryAfterMs ?? 0);
      attempts += 1;
      outcome = await s.connection.send(second).catch((e: unknown) => e);
    }
    expect(outcome).toMatchObject({ state: 'sent' });
    expect(attempts).toBeGreaterThan(2);
    expect(s.peer.sent.map((m) => (m.body.text as { body: string }).body)).toEqual(['Primera', 'Segunda']);
    expect(s.ctx.usageRecords).toHaveLength(2);
  });

  it('holds a second reply to the same person within the spacing, without reaching Meta, and sends it after', async () => {
    const s = await setUp();
    await s.connection.send(reply('Primera', targetFrom(s, lucia)));
    s.advance(20);
    const held = await refusal(s.connection.send(reply('Segunda', targetFrom(s, lucia))));
    expect(held).toMatchObject({ code: 'pair_rate', retryable: true });
    expect(held.hold).toMatch(/^Waiting [\d.]+ s: WhatsApp takes about one message every [\d.]+ s to one person$/);
    expect(held.retryAfterMs).toBeGreaterThanOrEqual(SPACING - 20);
    expect(s.peer.requests.filter((r) => r.route === 'messages')).toHaveLength(1);

    s.advance(held.retryAfterMs ?? 0);
    await s.connection.send(reply('Segunda', targetFrom(s, lucia)));
    expect(s.peer.sent.map((m) => (m.body.text as { body: string }).body)).toEqual(['Primera', 'Segunda']);
  });

  it('does not hold a reply from another business number, or to another person', async () => {
    const s = await setUp();
    await s.connection.send(reply('Desde la tienda', targetFrom(s, lucia)));
    await s.connection.send(reply('Desde el outlet', targetFrom(s, lucia, { to: OUTLET.id })));
    await s.connection.send(reply('A Marta', targetFrom(s, marta)));
    expect(s.peer.sent).toHaveLength(3);
  });

  it('does not claim the spacing for a reply refused before it is sent', async () => {
    const s = await setUp();
    await refusal(s.connection.send(reply('x'.repeat(5_000), targetFrom(s, lucia))));
    await s.connection.send(reply('Versión corta', targetFrom(s, lucia)));
    expect(s.peer.sent).toHaveLength(1);
  });
});

describe('usage', () => {
  it('records each message by category and market against the conversation', async () => {
    const s = await setUp();
    const conversationId = randomUUID();
    const ogg = Uint8Array.from({ length: 200 }, (_, i) => i % 256);
    await throughOutbox(
      s,
      reply('Audio', targetFrom(s, lucia), {
        conversationId,
        attachments: [{ filename: 'a.ogg', contentType: 'audio/ogg', content: ogg }],
      }),
    );
    s.advance(SPACING);
    await s.connection.send(
      reply('Spring sale…', targetFrom(s, lucia, { ageMs: 48 * HOUR }), {
        conversationId,
        template: { name: 'spring_sale', language: 'en_US', parameters: { 'body.1': '20%', 'body.2': '31 March' }, category: 'marketing' },
      }),
    );
    const other = randomUUID();
    await s.connection.send(
      reply('Order…', targetFrom(s, marta, { ageMs: 48 * HOUR }), {
        conversationId: other,
        template: { name: 'order_update', language: 'en_US', parameters: { 'body.1': '#77' }, category: 'utility' },
      }),
    );
    expect(s.ctx.usageRecords.map((r) => [r.kind, r.units, r.market, r.conversationId])).toEqual([
      ['service', 1, 'ES', conversationId],
      ['service', 1, 'ES', conversationId],
      ['template_marketing', 1, 'ES', conversationId],
      ['template_utility', 1, 'MX', other],
    ]);
    expect(s.ctx.usageRecords[2]?.unitPrice).toBe(METERING.kinds.template_marketing.unitPrice);
  });

  it('does not send a message again when the ledger fails after Meta took it', async () => {
    const s = await setUp();
    s.ctx.usage.record = async () => {
      throw new Error('the ledger is down');
    };
    const reported: number[] = [];
    const result = await s.connection.send({ ...reply('Hola', targetFrom(s, lucia)), onPartSent: async (i) => void reported.push(i) });
    expect(result.externalIds).toEqual([s.peer.sent[0]?.messageId]);
    expect(reported).toEqual([0]);
    expect(s.ctx.logs.some((l) => l.msg === 'WhatsApp usage not recorded')).toBe(true);
  });

  it('records nothing for a reply that did not go out', async () => {
    const s = await setUp();
    s.peer.failNext({ code: 131026 });
    await refusal(s.connection.send(reply('Hola', targetFrom(s, lucia))));
    expect(s.ctx.usageRecords).toEqual([]);
  });
});
