import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, useServer } from './harness.ts';

// Every state-changing route that a session cookie can reach, in every cell of the rule in
// docs/api.md: refused with 403 when the browser says another site sent it, allowed otherwise.
const t = useServer({ worker: false });
let f: Fixture;
let cookie: string;

const HOST = 'app.example.test';
const ORIGINS = {
  absent: undefined,
  own: `http://${HOST}`,
  foreign: 'https://evil.example',
  sibling: 'http://other.example.test',
  null: 'null',
} as const;
const SITES = [undefined, 'same-origin', 'same-site', 'cross-site', 'none'] as const;

function expected(origin: keyof typeof ORIGINS, site: (typeof SITES)[number]): 'allowed' | 'refused' {
  if (site === 'same-site' || site === 'cross-site') return 'refused';
  if (origin === 'foreign' || origin === 'sibling' || origin === 'null') return 'refused';
  return 'allowed';
}

interface Answer {
  status: number;
  body: string;
}

/** Raw HTTP, so the Host header can be the one a browser would send to our public name. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, agent: false, headers: { host: HOST, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const UUID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  f = await createFixture(t);
  cookie = await login(t.url, f.users.admin.email);
});

describe('cookie-authenticated writes and where they come from', () => {
  it('follow one rule on every route, with or without a body', async () => {
    const doc = await call(t.url, 'GET', '/api/v1/openapi.json', { token: f.adminToken });
    const writes: { method: string; path: string }[] = [];
    for (const [path, ops] of Object.entries(doc.json.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        if (method !== 'get') writes.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, UUID) });
      }
    }
    expect(writes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    let cells = 0;
    for (const route of writes) {
      for (const [originName, origin] of Object.entries(ORIGINS) as [keyof typeof ORIGINS, string | undefined][]) {
        for (const site of SITES) {
          for (const withBody of [true, false]) {
            const headers: Record<string, string> = { cookie };
            if (origin !== undefined) headers.origin = origin;
            if (site !== undefined) headers['sec-fetch-site'] = site;
            if (withBody) headers['content-type'] = 'application/json';
            const answer = await send(route.method, route.path, headers, withBody ? '{}' : undefined).catch((err: Error) => {
              throw new Error(`${route.method} ${route.path} origin=${originName} sec-fetch-site=${site} body=${withBody}: ${err.message}`);
            });
            cells += 1;
            const refused = answer.status === 403 && answer.body.includes('comes from another site');
            const want = expected(originName, site);
            const cell = `${route.method} ${route.path} origin=${originName} sec-fetch-site=${site ?? 'absent'} body=${withBody}`;
            if (answer.status >= 500) wrong.push(`${cell}: ${answer.status}`);
            else if (refused !== (want === 'refused'))
              wrong.push(`${cell}: expected ${want}, got ${answer.status} ${answer.body.slice(0, 80)}`);
            // Signing out (allowed) ends the session the rest of the matrix uses.
            if (route.path.endsWith('/auth/logout') && !refused) cookie = await login(t.url, f.users.admin.email);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBe(writes.length * 5 * SITES.length * 2);
  }, 120_000);

  it('refuses a cross-site sign-in, so nobody is signed in to an attacker’s account unawares', async () => {
    const body = JSON.stringify({ email: f.users.agent.email, password: 'whatever it is' });
    const res = await send('POST', '/api/v1/auth/login', { origin: ORIGINS.foreign, 'content-type': 'application/json' }, body);
    expect(res.status).toBe(403);
  });

  it('does not apply to requests with Authorization, which no browser adds across sites', async () => {
    const res = await send(
      'POST',
      '/api/v1/teams',
      {
        authorization: `Bearer ${f.adminToken}`,
        origin: ORIGINS.foreign,
        'sec-fetch-site': 'cross-site',
        'content-type': 'application/json',
      },
      JSON.stringify({ name: 'From a script' }),
    );
    expect(res.status).toBe(201);
  });
});
