import type { ChannelContext } from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createRelayAdapter, RELAY_QUERY_LIMIT, RelayPeer } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, useServer } from './harness.ts';

// Proactive listening, generically: the relay test channel declares `listening`, so supervisors
// can save searches for its accounts, its adapter reads them through `ctx.listening`, and what
// it reports as found by listening becomes a conversation with origin `proactive`.

const relay = new RelayPeer();
const contexts = new Map<string, ChannelContext>();
const base = createRelayAdapter();
// The relay adapter as is, except that the test keeps the context the host hands each account.
const adapter: typeof base = {
  ...base,
  connect(account, ctx) {
    contexts.set(account.id, ctx);
    return base.connect(account, ctx);
  },
};
const t = useServer({ adapters: [adapter] });
let f: Fixture;
let accountId: string;
let supervisor: string;
let agent: string;

beforeAll(async () => {
  await relay.listen();
  f = await createFixture(t);
  const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
    token: f.adminToken,
    body: { kind: 'relay', name: 'Relay', config: { host: '127.0.0.1', port: relay.port, mode: 'push' } },
  });
  expect(res.status, res.text).toBe(201);
  accountId = res.json.channelAccount.id;
  supervisor = await login(t.url, f.users.supervisor.email);
  agent = await login(t.url, f.users.agent.email);
});
afterAll(() => relay.close());

const as = (cookie: string, method: string, path: string, body?: unknown) =>
  call(t.url, method, `/api/v1${path}`, { cookie, ...(body !== undefined ? { body } : {}) });

async function save(body: object) {
  const res = await as(supervisor, 'POST', `/channel-accounts/${accountId}/searches`, body);
  expect(res.status, res.text).toBe(201);
  return res.json.savedSearch as { id: string; query: string; updatedAt: string };
}

describe('saved searches through the API', () => {
  it('lets a supervisor save, change and delete a search, and an agent only read them', async () => {
    expect((await as(agent, 'GET', `/channel-accounts/${accountId}/searches`)).json).toEqual({ items: [] });
    const refused = await as(agent, 'POST', `/channel-accounts/${accountId}/searches`, { name: 'x', terms: { keywords: ['x'] } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/supervisor role/);

    const res = await as(supervisor, 'POST', `/channel-accounts/${accountId}/searches`, {
      name: 'Router complaints',
      terms: { keywords: ['router'], hashtags: ['#averia'], anyOf: ['Movistar', 'Fibra'], language: 'ES' },
    });
    expect(res.status, res.text).toBe(201);
    expect(Object.keys(res.json)).toEqual(['savedSearch']);
    const created = res.json.savedSearch;
    expect(created).toMatchObject({
      channelAccountId: accountId,
      name: 'Router complaints',
      // Defaults filled, the # and the capitals taken off.
      terms: {
        keywords: ['router'],
        phrases: [],
        hashtags: ['averia'],
        anyOf: ['Movistar', 'Fibra'],
        exclude: [],
        language: 'es',
        excludeRetweets: true,
        excludeOwnPosts: true,
      },
      query: 'router #averia (Movistar OR Fibra) lang:es -is:retweet -from:me',
      problems: [],
      intervalSeconds: 300,
      paused: false,
      createdBy: f.users.supervisor.id,
    });
    const listed = await as(agent, 'GET', `/channel-accounts/${accountId}/searches`);
    expect(listed.json.items).toEqual([created]);

    // Terms merge: the lists given replace theirs, the rest stays; null clears the language.
    const patched = await as(supervisor, 'PATCH', `/searches/${created.id}`, {
      name: 'Router',
      terms: { keywords: ['router', 'wifi'], language: null, excludeRetweets: false },
      intervalSeconds: 120,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.savedSearch).toMatchObject({
      name: 'Router',
      terms: { keywords: ['router', 'wifi'], hashtags: ['averia'], language: null, excludeRetweets: false },
      query: 'router wifi #averia (Movistar OR Fibra) -from:me',
      intervalSeconds: 120,
    });
    expect(Date.parse(patched.json.savedSearch.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
    expect((await as(agent, 'PATCH', `/searches/${created.id}`, { paused: true })).status).toBe(403);
    expect((await as(agent, 'DELETE', `/searches/${created.id}`)).status).toBe(403);

    expect((await as(supervisor, 'DELETE', `/searches/${created.id}`)).status).toBe(204);
    expect((await as(agent, 'GET', `/channel-accounts/${accountId}/searches`)).json.items).toEqual([]);
    const gone = await as(supervisor, 'PATCH', `/searches/${created.id}`, { paused: true });
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toBe(`No saved search ${created.id} in this workspace.`);
  });

  it('refuses, with a sentence that says why, a search the account cannot run', async () => {
    const post = (id: string, body: object) => as(supervisor, 'POST', `/channel-accounts/${id}/searches`, body);
    const form = await post(f.formAccountId, { name: 'x', terms: { keywords: ['router'] } });
    expect(form.status).toBe(400);
    expect(form.json.error.message).toBe('Web form accounts cannot listen: this channel runs no saved searches.');

    const nothing = await post(accountId, { name: 'Only exclusions', terms: { exclude: ['spam'], language: 'es' } });
    expect(nothing.status).toBe(400);
    expect(nothing.json.error.message).toBe('The search looks for nothing: give at least one keyword, phrase, hashtag or "any of" word.');

    const words = Array.from({ length: 15 }, (_, i) => `palabra${i}`);
    const long = await post(accountId, { name: 'Too long', terms: { anyOf: words } });
    expect(long.status).toBe(400);
    expect(long.json.error.message).toMatch(new RegExp(`^The relay's query would be \\d+ characters; it takes ${RELAY_QUERY_LIMIT}\\.`));
    expect(long.json.error.details.problems).toHaveLength(1);

    const malformed = await post(accountId, { name: 'x', terms: { keywords: ['mi router'] }, intervalSeconds: 30 });
    expect(malformed.status).toBe(422);
    expect(malformed.json.error.message).toContain('terms.keywords.0: a keyword is one word; put words that belong together in phrases');
    expect(malformed.json.error.message).toContain('intervalSeconds: intervalSeconds is at least 60');
    const unknown = await post(accountId, { name: 'x', terms: { keywords: ['router'], words: ['typo'] } });
    expect(unknown.status).toBe(422);

    // A change that would make a saved search unrunnable is refused the same way, and nothing changes.
    const ok = await save({ name: 'Short', terms: { keywords: ['router'] } });
    const longer = await as(supervisor, 'PATCH', `/searches/${ok.id}`, { terms: { anyOf: words } });
    expect(longer.status).toBe(400);
    expect(longer.json.error.message).toMatch(/^The relay's query would be/);
    const after = await as(agent, 'GET', `/channel-accounts/${accountId}/searches`);
    expect(after.json.items.find((s: { id: string }) => s.id === ok.id).query).toBe('router -is:retweet -from:me');
    await as(supervisor, 'DELETE', `/searches/${ok.id}`);
  });

  it('keeps each workspace’s searches its own: another workspace gets 404 for them and for the account', async () => {
    const mine = await save({ name: 'Mine', terms: { phrases: ['no tengo internet'] } });
    const other = await createFixture(t);
    const stranger = await login(t.url, other.users.admin.email);
    for (const [method, path] of [
      ['GET', `/channel-accounts/${accountId}/searches`],
      ['POST', `/channel-accounts/${accountId}/searches`],
      ['PATCH', `/searches/${mine.id}`],
      ['DELETE', `/searches/${mine.id}`],
    ] as const) {
      const res = await as(
        stranger,
        method,
        path,
        method === 'POST' || method === 'PATCH' ? { name: 'x', terms: { keywords: ['x'] } } : undefined,
      );
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await as(agent, 'GET', `/channel-accounts/${accountId}/searches`)).json.items.map((s: { id: string }) => s.id)).toContain(
      mine.id,
    );
    await as(supervisor, 'DELETE', `/searches/${mine.id}`);
  });

  it('hands the adapter only the searches not paused, read afresh at each call', async () => {
    const ctx = await waitFor(() => contexts.get(accountId), { what: 'the relay account to connect' });
    const a = await save({ name: 'A', terms: { keywords: ['router'] }, intervalSeconds: 90 });
    const b = await save({ name: 'B', terms: { hashtags: ['fibra'] } });
    const names = async () => (await ctx.listening.searches()).map((s) => s.name);
    expect(await ctx.listening.searches()).toEqual([
      {
        id: a.id,
        name: 'A',
        terms: expect.objectContaining({ keywords: ['router'], excludeOwnPosts: true }),
        intervalSeconds: 90,
        updatedAt: a.updatedAt,
      },
      expect.objectContaining({ id: b.id, name: 'B' }),
    ]);
    expect((await as(supervisor, 'PATCH', `/searches/${a.id}`, { paused: true })).json.savedSearch.paused).toBe(true);
    expect(await names()).toEqual(['B']);
    expect((await as(supervisor, 'PATCH', `/searches/${a.id}`, { paused: false })).status).toBe(200);
    expect(await names()).toEqual(['A', 'B']);
    await as(supervisor, 'DELETE', `/searches/${b.id}`);
    expect(await names()).toEqual(['A']);
    await as(supervisor, 'DELETE', `/searches/${a.id}`);
    expect(await ctx.listening.searches()).toEqual([]);
  });
});

describe('a conversation found by listening', () => {
  it('is proactive in the API and the inbox filter, stays so when the customer answers, and rules see it', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      call(t.url, method, `/api/v1${path}`, { token: f.adminToken, ...(body !== undefined ? { body } : {}) });
    expect((await admin('POST', '/teams', { name: 'Outreach' })).status).toBe(201);
    const document = {
      rules: [{ id: 'outreach', when: 'conversation.proactive', target: { teams: ['Outreach'] }, priority: 2 }],
    };
    expect((await admin('PUT', '/routing/rules/draft', { document })).json.draft.issues).toEqual([]);
    expect((await admin('POST', '/routing/rules/publish', {})).status).toBe(201);

    expect(await relay.deliver(relay.push('@lucia', 'Otra vez sin fibra en Vallecas', undefined, { proactive: true }))).toEqual([200]);
    expect(await relay.deliver(relay.push('@pedro', 'Hola, mi factura está mal'))).toEqual([200]);
    const byOrigin = async (origin: string) =>
      (await admin('GET', `/conversations?channelAccountId=${accountId}&origin=${origin}`)).json.items as {
        id: string;
        origin: string;
        preview: string;
        routing: { rule: string | null };
      }[];
    const [found] = await waitFor(
      async () => {
        const items = await byOrigin('proactive');
        return items.length === 1 && items;
      },
      { what: 'the proactive conversation' },
    );
    expect(found).toMatchObject({ origin: 'proactive', preview: 'Otra vez sin fibra en Vallecas' });
    expect((await byOrigin('customer')).map((c) => [c.origin, c.preview])).toEqual([['customer', 'Hola, mi factura está mal']]);
    const one = await admin('GET', `/conversations/${found?.id}`);
    expect(one.json.conversation.origin).toBe('proactive');
    const events = await admin('GET', `/conversations/${found?.id}/events`);
    expect(events.json.items[0]).toMatchObject({ type: 'conversation.created', data: { origin: 'proactive' } });

    // Routing sees it: the proactive conversation goes by the outreach rule, the other does not.
    const routed = await waitFor(
      async () => {
        const items = await byOrigin('proactive');
        return items[0]?.routing.rule ? items[0] : undefined;
      },
      { what: 'the proactive conversation to be routed' },
    );
    expect(routed.routing.rule).toBe('outreach');
    const customer = await waitFor(
      async () => {
        const items = await byOrigin('customer');
        return items[0]?.routing.rule ? items[0] : undefined;
      },
      { what: 'the customer conversation to be routed' },
    );
    expect(customer.routing.rule).toBe('fallback');

    // Lucía answers the brand directly: her message joins the conversation, which stays proactive.
    expect(await relay.deliver(relay.push('@lucia', 'Sí, desde ayer por la tarde'))).toEqual([200]);
    await waitFor(async () => (await byOrigin('proactive'))[0]?.preview === 'Sí, desde ayer por la tarde', {
      what: 'the answer to join the proactive conversation',
    });
    expect((await byOrigin('proactive')).map((c) => c.id)).toEqual([found?.id]);
    expect(await byOrigin('customer')).toHaveLength(1);
  });
});
