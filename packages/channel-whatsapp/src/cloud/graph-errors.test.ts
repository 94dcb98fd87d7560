import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_ERROR_CODES, type GraphPeer, type GraphPeerOptions, META_ERRORS, startGraphPeer } from '../testing/index.ts';
import { createGraphClient, type GraphClient } from './graph.ts';
import { GraphError, type GraphErrorKind, retryAfterMs } from './graph-errors.ts';
import { messageBody, textContent } from './graph-messages.ts';

let peer: GraphPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function setUp(
  options: GraphPeerOptions = {},
  client: { timeoutMs?: number; accessToken?: string } = {},
): Promise<{ p: GraphPeer; graph: GraphClient }> {
  const p = await startGraphPeer(options);
  peer = p;
  const graph = createGraphClient({
    baseUrl: p.url,
    version: p.version,
    accessToken: client.accessToken ?? p.accessToken,
    timeoutMs: client.timeoutMs,
  });
  return { p, graph };
}

const ana = { bsuid: 'ES.5510293847560011', phone: '+34611222333' };

async function failure(p: Promise<unknown>): Promise<GraphError> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(outcome instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(outcome)}`);
  return outcome;
}

const send = (graph: GraphClient, phoneNumberId: string, text = 'Hola', to: { phone?: string; bsuid?: string } = ana) =>
  graph.sendMessage(phoneNumberId, messageBody(to, textContent(text)));

describe("the issue's error codes", () => {
  const expected: Record<(typeof CHANNEL_ERROR_CODES)[number], GraphErrorKind> = {
    130429: 'rate_limited',
    131056: 'rate_limited',
    131048: 'rate_limited',
    4: 'rate_limited',
    80007: 'rate_limited',
    131047: 'window_closed',
    131026: 'undeliverable',
    131042: 'payment',
    368: 'policy',
  };

  it.each(CHANNEL_ERROR_CODES.map((code) => [code, expected[code]] as const))(
    '%i becomes %s, with Meta’s title and details',
    async (code, kind) => {
      const { p, graph } = await setUp();
      p.failNext({ code });
      const err = await failure(send(graph, p.phoneNumberId));
      expect(err).toMatchObject({
        kind,
        code,
        httpStatus: 400,
        title: META_ERRORS[code]?.title,
        details: META_ERRORS[code]?.details ?? null,
      });
      expect(err.fbtraceId).toMatch(/^A/);
      expect(err.retryable).toBe(kind === 'rate_limited');
      expect(err.message).toContain(`#${code}`);
      expect(p.sent).toHaveLength(0);
    },
  );

  it('carries the subcode and the Retry-After delay when Meta sends them', async () => {
    const { p, graph } = await setUp();
    p.failNext({ code: 131056, subcode: 2494055, retryAfter: 7 });
    const err = await failure(send(graph, p.phoneNumberId));
    expect(err).toMatchObject({ subcode: 2494055, retryAfterMs: 7000 });
  });

  it('fails only as many times as asked, then the same request goes through', async () => {
    const { p, graph } = await setUp();
    p.failNext({ code: 131056, times: 2 });
    await failure(send(graph, p.phoneNumberId));
    await failure(send(graph, p.phoneNumberId));
    await expect(send(graph, p.phoneNumberId)).resolves.toMatchObject({ messageId: expect.stringMatching(/^wamid\./) });
    expect(p.sent).toHaveLength(1);
  });
});

describe('limits the peer enforces itself', () => {
  it('answers 131056 to a second message to the same user inside the pair window, and lets it through after', async () => {
    let now = new Date('2026-11-03T10:00:00Z');
    const { p, graph } = await setUp({ pairRateMs: 6000, now: () => now });
    p.addUser(ana);
    await send(graph, p.phoneNumberId, 'Primero');
    const err = await failure(send(graph, p.phoneNumberId, 'Segundo'));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 131056 });
    // Another user is a different pair; the same user by BSUID is the same pair.
    await send(graph, p.phoneNumberId, 'Otro', { phone: '+34622000111' });
    await failure(send(graph, p.phoneNumberId, 'Segundo', { bsuid: ana.bsuid }));
    now = new Date('2026-11-03T10:00:06Z');
    await send(graph, p.phoneNumberId, 'Segundo');
    expect(p.sent.map((s) => s.body.text)).toEqual([{ body: 'Primero' }, { body: 'Otro' }, { body: 'Segundo' }]);
  });

  it('answers 130429 past the number’s throughput per second', async () => {
    const now = new Date('2026-11-03T10:00:00Z');
    const { p, graph } = await setUp({ throughput: 2, now: () => now });
    await send(graph, p.phoneNumberId, 'a', { phone: '+34600000001' });
    await send(graph, p.phoneNumberId, 'b', { phone: '+34600000002' });
    const err = await failure(send(graph, p.phoneNumberId, 'c', { phone: '+34600000003' }));
    expect(err).toMatchObject({ kind: 'rate_limited', code: 130429, details: 'Cloud API message throughput has been reached.' });
  });
});

describe('requests Meta refuses', () => {
  it('a text over 4096 characters is invalid, code 100', async () => {
    const { p, graph } = await setUp();
    const err = await failure(send(graph, p.phoneNumberId, 'x'.repeat(4097)));
    expect(err).toMatchObject({ kind: 'invalid', code: 100, httpStatus: 400 });
    expect(err.details).toContain('4096');
    await expect(send(graph, p.phoneNumberId, '🙂'.repeat(4096))).resolves.toBeDefined();
  });

  it('an unknown phone number id is invalid, code 100 subcode 33', async () => {
    const { graph } = await setUp();
    const err = await failure(send(graph, '999999999999999'));
    expect(err).toMatchObject({ kind: 'invalid', code: 100, subcode: 33 });
    expect(err.title).toContain("Object with ID '999999999999999' does not exist");
  });

  it('a body with neither `to` nor `recipient` is invalid, code 100', async () => {
    const { p, graph } = await setUp();
    const body = { messaging_product: 'whatsapp', recipient_type: 'individual', type: 'text', text: { body: 'Hola' } } as never;
    await expect(graph.sendMessage(p.phoneNumberId, body)).rejects.toMatchObject({
      kind: 'invalid',
      code: 100,
      title: 'The parameter to is required.',
    });
  });
});

describe('credentials', () => {
  it('a wrong token is unauthorized (401, code 190) and the token appears nowhere in the error', async () => {
    const secret = 'EAAwrong-token-that-must-not-leak-31337';
    const { p, graph } = await setUp({}, { accessToken: secret });
    const err = await failure(send(graph, p.phoneNumberId));
    expect(err).toMatchObject({ kind: 'unauthorized', httpStatus: 401, code: 190 });
    const everything = JSON.stringify({ ...err, message: err.message, stack: err.stack, cause: String(err.cause) });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(p.accessToken);
  });
});

describe('when Meta or the network fails', () => {
  it('a bare 502 from a proxy is a server error with no code', async () => {
    const { p, graph } = await setUp();
    p.failNext({ httpStatus: 502, retryAfter: 30 });
    const err = await failure(send(graph, p.phoneNumberId));
    expect(err).toMatchObject({ kind: 'server', httpStatus: 502, code: null, retryAfterMs: 30_000 });
    expect(err.message).toContain('non-JSON');
    expect(err.retryable).toBe(true);
  });

  it('a 500 with Graph’s body is a server error with its code', async () => {
    const { p, graph } = await setUp();
    p.failNext({ code: 131000 });
    await expect(send(graph, p.phoneNumberId)).rejects.toMatchObject({ kind: 'server', httpStatus: 500, code: 131000 });
  });

  it('a dropped connection is a network error', async () => {
    const { p, graph } = await setUp();
    p.failNext({ drop: true });
    const err = await failure(send(graph, p.phoneNumberId));
    expect(err).toMatchObject({ kind: 'network', httpStatus: null, code: null });
    expect(err.retryable).toBe(true);
    expect(p.requests.at(-1)).toMatchObject({ route: 'messages', status: 0 });
  });

  it('an answer slower than the timeout is a timeout', async () => {
    const { p, graph } = await setUp({}, { timeoutMs: 150 });
    p.failNext({ delayMs: 600 });
    const err = await failure(send(graph, p.phoneNumberId));
    expect(err).toMatchObject({ kind: 'timeout', httpStatus: null });
    expect(err.message).toContain('150 ms');
  });

  it('a peer that is gone is a network error naming the refusal', async () => {
    const { p, graph } = await setUp();
    await p.close();
    peer = undefined;
    const err = await failure(send(graph, p.phoneNumberId));
    expect(err).toMatchObject({ kind: 'network' });
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-11-03T10:00:00Z');
    expect(retryAfterMs('12', now)).toBe(12_000);
    expect(retryAfterMs('Tue, 03 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
