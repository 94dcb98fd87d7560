import { fuzzParameters, fuzzTimeout } from '@centralita/channel-kit/conformance';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { installedAdapters } from '../../src/adapters.ts';
import { call, postForm, useServer } from '../harness.ts';
import { buildWorld, settled, storedRows, type World } from './world.ts';

// The public doors, over real HTTP and a real database: /webhooks/:id for every installed push
// adapter (and for ids that are no channel at all), and the customer page. Whatever comes in: no
// 5xx, and a refusal stores nothing. Each adapter's own parser is fuzzed deeper, past its
// signature, by the conformance suite; this checks the host around it.
const t = useServer({ worker: false });
let world: World;
const accounts: { kind: string; id: string }[] = [];
const portals: string[] = [];

const UNKNOWN = ['00000000-0000-4000-8000-00000000dead', 'not-a-uuid', '%00', '..%2F..%2Fapi%2Fv1%2Fusers', 'a'.repeat(500)];

beforeAll(async () => {
  world = await buildWorld(t);
  for (const adapter of installedAdapters()) {
    if (!adapter.capabilities.inbound.push) continue;
    // Each push adapter as a new admin would add it: its example configuration (or nothing) and
    // generated values.
    const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: world.tokens.admin,
      body: { kind: adapter.kind, name: `fuzz ${adapter.kind}`, config: adapter.config.example?.() ?? {} },
    });
    expect(res.status, `${adapter.kind} cannot be added with its example: ${res.text}; give it config.example()`).toBe(201);
    expect(
      res.json.channelAccount.capabilities?.inbound.push,
      `${adapter.kind}'s config.example() must be an account that takes webhooks, to be fuzzed here`,
    ).toBe(true);
    accounts.push({ kind: adapter.kind, id: res.json.channelAccount.id });
  }
  for (let i = 0; i < 8; i++) {
    const posted = await postForm(t.url, world.fixture.formAccountId, { name: `P${i}`, email: `p${i}@example.com`, message: 'portal' });
    portals.push(new URL(posted.json.conversationLink).pathname);
  }
  await settled(t);
});

const contentType = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=----x',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16le',
  'application/xml',
  '',
);

/** Bodies in the shapes a form or a channel posts, spoiled in every way a fuzzer knows. */
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  fc
    .record(
      {
        name: fc.string({ unit: 'binary', maxLength: 300 }),
        email: fc.oneof(fc.emailAddress(), fc.string({ unit: 'binary', maxLength: 50 })),
        message: fc.string({ unit: 'binary', maxLength: 2000 }),
        subject: fc.string({ unit: 'binary', maxLength: 300 }),
        country: fc.string({ maxLength: 4 }),
        timezone: fc.constantFrom('Europe/Madrid', 'Mars/Olympus', '', '../../etc/localtime'),
        website: fc.constantFrom('', 'http://spam'),
        ['__proto__']: fc.constant({ polluted: true }),
      },
      { requiredKeys: [] },
    )
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .dictionary(
      fc.constantFrom('name', 'email', 'message', 'subject', '__proto__', 'constructor', '%00'),
      fc.string({ unit: 'binary', maxLength: 200 }),
    )
    .map((v) => Buffer.from(new URLSearchParams(v).toString().replace(/%20/g, '+'))),
  fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
  fc.integer({ min: 33, max: 50_000 }).map((d) => Buffer.from(`{"message":${'['.repeat(d)}${']'.repeat(d)}}`)),
);

const method = fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS');

async function send(path: string, m: string, type: string, payload: Buffer, extra: Record<string, string>) {
  const headers: Record<string, string> = { ...extra };
  if (type) headers['content-type'] = type;
  const withBody = m !== 'GET' && m !== 'HEAD';
  const res = await fetch(`${t.url}${path}`, { method: m, headers, ...(withBody ? { body: new Uint8Array(payload) } : {}) });
  return { status: res.status, text: await res.text() };
}

const extraHeaders = fc.dictionary(
  fc.constantFrom('idempotency-key', 'origin', 'x-forwarded-for', 'user-agent', 'x-hub-signature-256', 'x-twitter-webhooks-signature'),
  fc.oneof(
    fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    fc.constant('x'.repeat(300)),
  ),
  { maxKeys: 3 },
);

describe('the webhook door takes anything without falling over', () => {
  it(
    'answers every generated request to every push channel, and to no channel, below 500, storing nothing when it refuses',
    async () => {
      const targets = [...accounts.map((a) => `/webhooks/${a.id}`), ...UNKNOWN.map((u) => `/webhooks/${u}`)];
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...targets), method, contentType, body, extraHeaders, async (path, m, type, payload, extra) => {
          cases += 1;
          const before = await storedRows(t);
          const res = await send(path, m, type, payload, extra);
          const where = `${m} ${path.slice(0, 60)} ${type} ${payload.length} bytes`;
          expect(res.status, `${where}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status >= 400) expect(await storedRows(t), `${where} was refused but stored something`).toEqual(before);
          // What an accepted post sets off (routing) must be over before the next case counts rows.
          else await settled(t);
        }),
        fuzzParameters(400),
      );
      console.info(`webhook door: ${cases} generated requests over ${accounts.length} push channel(s) and ${UNKNOWN.length} unknown ids`);
    },
    fuzzTimeout(120_000),
  );
});

describe('the customer page takes anything without falling over', () => {
  it(
    'refuses a token that is not one, and hostile replies, below 500, storing nothing',
    async () => {
      const tokens = fc.oneof(
        fc.constantFrom(...portals),
        fc.constantFrom(
          '/c/ctp_',
          '/c/%00',
          '/c/ctp_%E0',
          `/c/${'a'.repeat(2000)}`,
          '/c/ctp_..%2F..',
          '/c/ctp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        ),
      );
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(
          tokens,
          fc.constantFrom('/messages', '', '/messages/x'),
          method,
          contentType,
          body,
          async (base, suffix, m, type, payload) => {
            cases += 1;
            const before = await storedRows(t);
            const res = await send(`${base}${suffix}`, m, type, payload, {});
            expect(res.status, `${m} ${suffix} ${type}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
            if (res.status >= 400) expect(await storedRows(t)).toEqual(before);
            else await settled(t);
          },
        ),
        fuzzParameters(300),
      );
      console.info(`customer page: ${cases} generated requests`);
    },
    fuzzTimeout(120_000),
  );

  it('is still up, nothing leaked to the log, nothing polluted', async () => {
    expect((await call(t.url, 'GET', '/healthz')).status).toBe(200);
    const logs = t.logs.join('');
    for (const s of world.secrets) expect(logs).not.toContain(s);
    for (const p of portals) expect(logs).not.toContain(p.split('/')[2]);
    expect(logs).not.toContain('unhandled error');
    expect(Object.keys(Object.prototype)).toEqual([]);
    const form = await postForm(t.url, world.fixture.formAccountId, { name: 'After', email: 'after@example.com', message: 'still works' });
    expect(form.status).toBe(201);
  });
});
