import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, postForm, useServer } from '../harness.ts';

// Requests that no well-behaved client library can even produce: CR, LF, NUL and other control
// characters inside header values, header injection, conflicting lengths, broken chunking,
// oversized headers. Written byte by byte on a raw socket; each must be refused with a 4xx (or
// the connection closed) and the node must keep serving everyone else.
const t = useServer({ worker: false });
let f: Fixture;

/** Writes raw bytes and reads whatever comes back until the server closes or goes quiet. */
function raw(bytes: Buffer | string): Promise<string> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const done = () => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    socket.setTimeout(2_000, done);
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? done() : reject(err)));
    socket.write(bytes);
  });
}

function status(answer: string): number | null {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return m ? Number(m[1]) : null;
}

beforeAll(async () => {
  f = await createFixture(t);
});

const host = () => new URL(t.url).host;
const form = (headers: string, body = '{"name":"A","email":"a@example.com","message":"framing"}') =>
  `POST /webhooks/${f.formAccountId} HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`;

describe('malformed HTTP framing', () => {
  // [what, the request, the status it must get]
  const cases: [string, () => string | Buffer, number][] = [
    ['a bare LF inside a header value', () => form('Idempotency-Key: a\nX-Injected: 1\r\n'), 400],
    ['a bare CR inside a header value', () => form('Idempotency-Key: a\rb\r\n'), 400],
    ['NUL inside a header value', () => Buffer.from(form('Idempotency-Key: a\u0000b\r\n'), 'latin1'), 400],
    ['a control character inside a header value', () => Buffer.from(form('Idempotency-Key: a\u0001b\r\n'), 'latin1'), 400],
    ['a header name with a space', () => form('Bad Header: x\r\n'), 400],
    ['both Content-Length and Transfer-Encoding', () => form('Transfer-Encoding: chunked\r\n'), 400],
    ['two different Content-Lengths', () => form('Content-Length: 3\r\n'), 400],
    [
      'broken chunked encoding',
      () =>
        `POST /webhooks/${f.formAccountId} HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      400,
    ],
    ['a 100 KB header', () => form(`X-Big: ${'a'.repeat(100_000)}\r\n`), 431],
    ['a request line with a NUL', () => Buffer.from(`GET /api/v1/\u0000 HTTP/1.1\r\nHost: ${host()}\r\n\r\n`, 'latin1'), 400],
    ['an absolute-form target for another host', () => `GET http://evil.example/api/v1/auth/me HTTP/1.1\r\nHost: ${host()}\r\n\r\n`, 401],
    ['an unknown HTTP version', () => `GET /healthz HTTP/9.9\r\nHost: ${host()}\r\n\r\n`, 400],
  ];

  for (const [name, make, want] of cases) {
    it(`refuses ${name} with ${want} and keeps serving`, async () => {
      const answer = await raw(make());
      expect(status(answer), answer.slice(0, 200)).toBe(want);
      expect((await call(t.url, 'GET', '/healthz')).status).toBe(200);
    });
  }

  it('stored none of the framing tricks, and takes an ordinary post afterwards', async () => {
    const rows = await t.db.current.db.kysely.selectFrom('messages').select('text').where('text', '=', 'framing').execute();
    expect(rows).toHaveLength(0);
    const ok = await postForm(t.url, f.formAccountId, { name: 'B', email: 'b@example.com', message: 'after framing' });
    expect(ok.status).toBe(201);
  });
});
