import { randomUUID } from 'node:crypto';
import { SendError } from '@centralita/channel-kit';
import { describe, expect, it } from 'vitest';
import { METERING } from '../metering.ts';
import type { FaultSpec } from '../testing/index.ts';
import { HOUR, lucia, marta, OUTLET, refusal, reply, type Setup, SPACING, setUp, targetFrom, throughOutbox } from './send-kit.ts';

// Meta's limits and refusals as a send meets them, the pair spacing the outbox keeps, and what
// each message sent costs in the ledger.

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
