import { textProblem } from '@centralita/core';
import { fuzzParameters, fuzzTimeout } from '@centralita/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, postForm, useServer } from '../harness.ts';
import { buildWorld, type World } from './world.ts';

// Text that is hostile to someone (SQL, LIKE, HTML, a template engine, a prototype, a terminal,
// a bidi renderer) but legal for us: it must be stored and read back exactly as sent.
const t = useServer({ worker: false });
let world: World;

const HOSTILE = [
  "'",
  '"',
  '`',
  '\\',
  '%',
  '_',
  "' OR '1'='1",
  '"; DROP TABLE messages; --',
  "'); DELETE FROM users; --",
  '$1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the hostile text here
  '${process.env}',
  '{{constructor.constructor("x")()}}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '&amp;&lt;&#0;',
  '🙂',
  '👩🏽‍💻',
  '🇪🇸',
  'مرحبا بالعالم',
  'שלום',
  '\u202Eevil\u202C',
  '\u200B',
  '\u00A0',
  'e\u0301',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\uFFFD',
  'NULL',
  'undefined',
  '-0',
  '1e999',
  'İß',
  '\\u0000',
  '%00',
  '..\\..\\etc\\passwd',
];

/** Hostile-but-legal text without edge white space (fields trim, by design) and within `max`. */
function legalText(max: number): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }));
  return fc
    .array(piece, { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join(' ').trim())
    .filter((s) => s.length > 0 && s.length <= max && s === s.trim() && textProblem(s) === null);
}

/** The longest legal value: `max` UTF-16 units, with a character outside ASCII in it. */
function longest(max: number): string {
  return `ñ${'x'.repeat(max - 2)}ñ`;
}

interface Echo {
  name: string;
  max: number;
  /** Fewer cases where the endpoint is rate-limited on purpose, whatever FUZZ_SCALE says. */
  maxRuns?: number;
  /** Sends `text` and reads back what was stored, as the API or the customer page shows it. */
  roundtrip(text: string, n: number): Promise<string | null | undefined>;
}

const ECHOES: Echo[] = [
  {
    name: 'an internal note',
    max: 20_000,
    async roundtrip(text) {
      const id = world.ids.conversations as string;
      const res = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
        token: world.tokens.agent,
        body: { kind: 'note', text },
      });
      expect(res.status).toBe(201);
      const list = await call(t.url, 'GET', `/api/v1/conversations/${id}/messages?limit=200`, { token: world.tokens.agent });
      return list.json.items.find((m: { id: string }) => m.id === res.json.message.id)?.text;
    },
  },
  {
    name: 'a team name',
    max: 200,
    async roundtrip(text) {
      const res = await call(t.url, 'POST', '/api/v1/teams', { token: world.tokens.supervisor, body: { name: text } });
      expect(res.status).toBe(201);
      const list = await call(t.url, 'GET', '/api/v1/teams', { token: world.tokens.supervisor });
      return list.json.items.find((x: { id: string }) => x.id === res.json.team.id)?.name;
    },
  },
  {
    name: 'a canned response',
    max: 5_000,
    async roundtrip(text, n) {
      const res = await call(t.url, 'POST', '/api/v1/canned-responses', {
        token: world.tokens.supervisor,
        body: { shortcut: `c${n}`, text },
      });
      expect(res.status).toBe(201);
      const list = await call(t.url, 'GET', '/api/v1/canned-responses', { token: world.tokens.agent });
      return list.json.items.find((x: { shortcut: string }) => x.shortcut === `c${n}`)?.text;
    },
  },
  {
    name: 'a user name',
    max: 200,
    async roundtrip(text) {
      const res = await call(t.url, 'PATCH', `/api/v1/users/${world.fixture.users.agent.id}`, {
        token: world.tokens.admin,
        body: { name: text },
      });
      expect(res.status).toBe(200);
      const list = await call(t.url, 'GET', '/api/v1/users', { token: world.tokens.supervisor });
      return list.json.items.find((x: { id: string }) => x.id === world.fixture.users.agent.id)?.name;
    },
  },
  {
    name: 'a channel account name',
    max: 200,
    async roundtrip(text) {
      const res = await call(t.url, 'PATCH', `/api/v1/channel-accounts/${world.fixture.formAccountId}`, {
        token: world.tokens.admin,
        body: { name: text },
      });
      expect(res.status).toBe(200);
      const list = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: world.tokens.agent });
      return list.json.items.find((x: { id: string }) => x.id === world.fixture.formAccountId)?.name;
    },
  },
  {
    name: 'a web-form message, subject and name',
    max: 200,
    async roundtrip(text, n) {
      const res = await postForm(t.url, world.fixture.formAccountId, {
        name: text,
        email: `rt${n}@example.com`,
        subject: text,
        message: text,
      });
      expect(res.status).toBe(201);
      const conv = await call(t.url, 'GET', `/api/v1/conversations/${res.json.conversationId}`, { token: world.tokens.agent });
      const list = await call(t.url, 'GET', `/api/v1/conversations/${res.json.conversationId}/messages`, { token: world.tokens.agent });
      const stored = [list.json.items[0]?.text, conv.json.conversation?.subject ?? conv.json.subject];
      // All three are one value; any one differing is reported as itself.
      return stored.find((s) => s !== text) ?? text;
    },
  },
  {
    name: 'a customer-page reply',
    max: 10_000,
    // The page takes 20 messages a minute from one conversation.
    maxRuns: 15,
    async roundtrip(text) {
      const res = await call(t.url, 'POST', `${world.portalPath}/messages`, { body: { text } });
      expect(res.status).toBe(201);
      const list = await call(t.url, 'GET', `${world.portalPath}/messages`);
      return list.json.items.find((m: { id: string }) => m.id === res.json.message.id)?.text;
    },
  },
];

beforeAll(async () => {
  world = await buildWorld(t);
});

describe('hostile but legal text is stored and read back byte for byte', () => {
  let n = 0;
  for (const echo of ECHOES) {
    it(
      `in ${echo.name}`,
      async () => {
        await fc.assert(
          fc.asyncProperty(legalText(echo.max), async (text) => {
            n += 1;
            expect(await echo.roundtrip(text, n)).toBe(text);
          }),
          { ...fuzzParameters(25), ...(echo.maxRuns ? { numRuns: Math.min(echo.maxRuns, fuzzParameters(25).numRuns) } : {}) },
        );
        n += 1;
        const long = longest(echo.max);
        expect(await echo.roundtrip(long, n)).toBe(long);
      },
      fuzzTimeout(60_000),
    );
  }
});

describe('search treats every character as itself', () => {
  it('never fails on query syntax, and matches LIKE wildcards only where they are written', async () => {
    for (const q of ["'", '"', '*', '(', ')', ':*', '&', '|', '!', '<->', "' OR 1=1 --", '\\', 'a & | ! b', '"unclosed']) {
      const res = await call(t.url, 'GET', `/api/v1/conversations?q=${encodeURIComponent(q)}`, { token: world.tokens.agent });
      expect(res.status, q).toBe(200);
    }
    // Search ignores accents and folds compatibility forms on purpose, so only the wildcards are
    // checked for being themselves: '%' must not match every conversation.
    for (const q of ['%', '_', '%%', '\\%']) {
      const res = await call(t.url, 'GET', `/api/v1/conversations?q=${encodeURIComponent(q)}`, { token: world.tokens.agent });
      expect(res.status, q).toBe(200);
      for (const c of res.json.items as { id: string }[]) {
        const msgs = await call(t.url, 'GET', `/api/v1/conversations/${c.id}/messages`, { token: world.tokens.agent });
        const conv = await call(t.url, 'GET', `/api/v1/conversations/${c.id}`, { token: world.tokens.agent });
        const haystack = JSON.stringify([msgs.json.items.map((m: { text: string }) => m.text), conv.json]);
        expect(haystack, `q=${q} matched conversation ${c.id}`).toContain(q.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
      }
    }
  });
});

describe('keys that mean something to JavaScript are plain keys', () => {
  it('cannot pollute a prototype or smuggle a field through __proto__ or constructor', async () => {
    const evil = '{"name":"Plain","__proto__":{"role":"admin","active":false},"constructor":{"prototype":{"polluted":true}}}';
    const res = await call(t.url, 'PATCH', `/api/v1/users/${world.fixture.users.agent.id}`, {
      token: world.tokens.admin,
      body: evil,
    });
    expect(res.status).toBeLessThan(500);
    const users = await call(t.url, 'GET', '/api/v1/users', { token: world.tokens.admin });
    const agent = users.json.items.find((u: { id: string }) => u.id === world.fixture.users.agent.id);
    expect(agent).toMatchObject({ role: 'agent', active: true });
    const config = await call(t.url, 'PATCH', `/api/v1/channel-accounts/${world.fixture.formAccountId}`, {
      token: world.tokens.admin,
      body: '{"config":{"__proto__":{"submissionsPerMinute":0},"constructor":{"prototype":{"x":1}}}}',
    });
    expect(config.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).submissionsPerMinute).toBeUndefined();
    const form = await postForm(t.url, world.fixture.formAccountId, { name: 'After', email: 'after@example.com', message: 'still open' });
    expect(form.status).toBe(201);
  });
});
