import type { InboundEvent } from '@centralita/core';
import fc from 'fast-check';
import type { WebhookRequest } from '../contract.ts';

// What reaches a public webhook URL besides the channel's own deliveries: scanners, replays,
// truncated retries, proxies that rewrite headers, and people trying their luck. Built from a
// genuine request of the channel, so each mutation gets as far as the adapter lets it.

/** One way of spoiling a request, named for the report. */
export interface Mutation {
  name: string;
  /**
   * Whether the bytes or headers a signature covers were changed; a function when that depends on
   * the request it is applied to (a signature header the channel never sent covers nothing).
   */
  touchesSigned: boolean | ((before: WebhookRequest) => boolean);
  /** What it spoils: the body, the headers, or the request line (method, query). */
  part?: 'body' | 'headers' | 'request';
  apply(req: WebhookRequest): WebhookRequest;
}

const withBody = (req: WebhookRequest, rawBody: Buffer): WebhookRequest => ({ ...req, rawBody });
const withHeaders = (req: WebhookRequest, headers: Record<string, string | undefined>): WebhookRequest => ({ ...req, headers });

function spliced(body: Buffer, at: number, insert: Buffer, remove = 0): Buffer {
  const i = body.length === 0 ? 0 : at % (body.length + 1);
  return Buffer.concat([body.subarray(0, i), insert, body.subarray(Math.min(body.length, i + remove))]);
}

const bodyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((at) => ({
    name: `truncated at ${at}`,
    touchesSigned: true,
    apply: (r: WebhookRequest) => withBody(r, r.rawBody.subarray(0, at % (r.rawBody.length + 1))),
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => ({
    name: `byte ${at} xor ${x}`,
    touchesSigned: true,
    apply: (r: WebhookRequest) => {
      const b = Buffer.from(r.rawBody);
      if (b.length > 0) b[at % b.length] = (b[at % b.length] as number) ^ x;
      return withBody(r, b);
    },
  })),
  fc
    .tuple(fc.nat(), fc.constantFrom('\u0000', '\\u0000', '\\ud800', '\u001b[2J', '"', '\\', '}', ']', ',', '%00', '\r\n'))
    .map(([at, s]) => ({
      name: `${JSON.stringify(s)} inserted at ${at}`,
      touchesSigned: true,
      apply: (r: WebhookRequest) => withBody(r, spliced(r.rawBody, at, Buffer.from(s, 'utf8'))),
    })),
  fc.tuple(fc.nat(), fc.constantFrom([0x80], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xef, 0xbb, 0xbf])).map(([at, bytes]) => ({
    name: `bytes ${bytes.join(',')} inserted at ${at}`,
    touchesSigned: true,
    apply: (r: WebhookRequest) => withBody(r, spliced(r.rawBody, at, Buffer.from(bytes))),
  })),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({
    name: `random ${bytes.length} bytes`,
    touchesSigned: true,
    apply: (r: WebhookRequest) => withBody(r, Buffer.from(bytes)),
  })),
  fc
    .constantFrom('', 'null', '[]', '"text"', '42', 'true', '{}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}')
    .map((s) => ({
      name: `body ${s || '(empty)'}`,
      touchesSigned: true,
      apply: (r: WebhookRequest) => withBody(r, Buffer.from(s)),
    })),
  fc.integer({ min: 33, max: 20_000 }).map((depth) => ({
    name: `nested ${depth} deep`,
    touchesSigned: true,
    apply: (r: WebhookRequest) => withBody(r, Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)),
  })),
  fc.integer({ min: 64 * 1024, max: 1024 * 1024 }).map((size) => ({
    name: `${size}-byte body`,
    touchesSigned: true,
    apply: (r: WebhookRequest) => withBody(r, Buffer.concat([r.rawBody, Buffer.alloc(size, 0x20)])),
  })),
);

const headerMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .constantFrom(
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '',
      'application/json; charset=utf-16',
      '*/*',
    )
    .map((type) => ({
      name: `content-type ${type || '(empty)'}`,
      touchesSigned: false,
      apply: (r: WebhookRequest) => withHeaders(r, { ...r.headers, 'content-type': type }),
    })),
  fc.constant({
    name: 'no content-type',
    touchesSigned: false,
    apply: (r: WebhookRequest) => withHeaders(r, { ...r.headers, 'content-type': undefined }),
  }),
  fc.constant({
    name: 'every header removed',
    touchesSigned: true,
    apply: (r: WebhookRequest) => withHeaders(r, {}),
  }),
  fc
    .tuple(
      fc.constantFrom(
        'idempotency-key',
        'origin',
        'user-agent',
        'x-forwarded-for',
        'x-hub-signature-256',
        'x-twitter-webhooks-signature',
        'authorization',
      ),
      fc.constantFrom('', 'x'.repeat(8000), 'sha256=', 'sha256=zz', 'null', '../../', '\u00ff\u00fe'),
    )
    .map(([name, value]) => ({
      name: `${name}: ${value.slice(0, 20) || '(empty)'}`,
      touchesSigned: (before: WebhookRequest) =>
        (name.includes('signature') || name === 'authorization') && before.headers[name] !== undefined,
      apply: (r: WebhookRequest) => withHeaders(r, { ...r.headers, [name]: value }),
    })),
);

const requestMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND').map((method) => ({
    name: `method ${method}`,
    touchesSigned: false,
    apply: (r: WebhookRequest) => ({ ...r, method }),
  })),
  fc
    .dictionary(
      fc.constantFrom('hub.mode', 'hub.challenge', 'hub.verify_token', 'crc_token', 'x', '__proto__'),
      fc.string({ maxLength: 40 }),
      { maxKeys: 3 },
    )
    .map((query) => ({
      name: `query ${JSON.stringify(query)}`,
      touchesSigned: false,
      apply: (r: WebhookRequest) => ({ ...r, query: { ...r.query, ...query } }),
    })),
);

const tagged = (arb: fc.Arbitrary<Mutation>, part: NonNullable<Mutation['part']>) => arb.map((m) => ({ ...m, part }));

/** One to three mutations applied in turn. */
export const hostileMutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    tagged(bodyMutation, 'body'),
    tagged(bodyMutation, 'body'),
    tagged(headerMutation, 'headers'),
    tagged(requestMutation, 'request'),
  ),
  {
    minLength: 1,
    maxLength: 3,
  },
);

/**
 * What is wrong with an emitted event, in words, or an empty list. A host must be able to store
 * it as it is: ids present, a real date, a sender, text as a string.
 */
export function eventProblems(event: InboundEvent): string[] {
  const problems: string[] = [];
  if (typeof event.externalMessageId !== 'string' || event.externalMessageId.length === 0) problems.push('no externalMessageId');
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) problems.push('occurredAt is not a valid Date');
  if (event.type === 'message.received') {
    if (typeof event.text !== 'string') problems.push('text is not a string');
    if (!event.sender || typeof event.sender.externalId !== 'string' || event.sender.externalId.length === 0) problems.push('no sender');
    if (!event.thread || typeof event.thread !== 'object') problems.push('no thread hints');
  } else if (event.type !== 'delivery.updated') {
    problems.push(`unknown event type ${(event as { type: string }).type}`);
  }
  return problems;
}
