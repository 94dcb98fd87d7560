import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, postForm, useServer } from './harness.ts';

const t = useServer();
let f: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
});

const valid = {
  name: 'Lucía',
  email: 'lucia@example.es',
  subject: 'Sin fibra',
  message: 'No tengo internet desde las 8',
  country: 'es',
  timezone: 'Europe/Madrid',
};

async function messageCount(): Promise<number> {
  const r = await t.db.current.db.kysely
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', f.workspaceId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('web-form channel through the server', () => {
  it('turns a form post into a conversation the API lists, with the contact’s country and timezone', async () => {
    const res = await postForm(t.url, f.formAccountId, valid, { 'idempotency-key': 'first-post' });
    expect(res.status).toBe(201);
    expect(res.json.conversationLink).toMatch(/\/c\/ctp_[\w-]{40,}$/);
    const list = await call(t.url, 'GET', '/api/v1/conversations?channel=webform', { token: f.adminToken });
    expect(list.status).toBe(200);
    const conv = list.json.items[0];
    // The answer names the conversation it created.
    expect(res.json).toEqual({
      submissionId: expect.any(String),
      conversationId: conv.id,
      duplicate: false,
      conversationLink: expect.any(String),
    });
    expect(conv.subject).toBe('Sin fibra');
    expect(conv.region).toBe('ES');
    const detail = await call(t.url, 'GET', `/api/v1/conversations/${conv.id}`, { token: f.adminToken });
    expect(detail.json.contact).toMatchObject({ name: 'Lucía', country: 'ES', timezone: 'Europe/Madrid' });
    expect(detail.json.contact.identities).toEqual([
      { kind: 'email', externalId: 'lucia@example.es', verified: false, displayName: 'Lucía' },
    ]);
    const msgs = await call(t.url, 'GET', `/api/v1/conversations/${conv.id}/messages`, { token: f.adminToken });
    expect(msgs.json.items.map((m: { text: string }) => m.text)).toEqual(['No tengo internet desde las 8']);
  });

  it('stores one message when the same form arrives twice with one Idempotency-Key, even at once', async () => {
    const before = await messageCount();
    const fields = { ...valid, message: 'Posted twice' };
    const [a, b] = await Promise.all([
      postForm(t.url, f.formAccountId, fields, { 'idempotency-key': 'twice' }),
      postForm(t.url, f.formAccountId, fields, { 'idempotency-key': 'twice' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.json.submissionId).toBe(b.json.submissionId);
    expect(a.json.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.json.conversationId).toBe(a.json.conversationId);
    expect(await messageCount()).toBe(before + 1);
  });

  it('counts identical posts from one client within the window as one, without a key', async () => {
    const before = await messageCount();
    const fields = { ...valid, message: 'No key, clicked twice' };
    const a = await postForm(t.url, f.formAccountId, fields);
    const b = await postForm(t.url, f.formAccountId, fields);
    expect(b.json.duplicate).toBe(true);
    expect(b.json.submissionId).toBe(a.json.submissionId);
    expect(await messageCount()).toBe(before + 1);
  });

  it('never joins an existing contact by a typed-in email', async () => {
    const a = await postForm(t.url, f.formAccountId, { ...valid, message: 'first person' });
    const b = await postForm(t.url, f.formAccountId, { ...valid, message: 'someone typing the same email' });
    const rows = await t.db.current.db.kysely
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.text', 'conversations.contact_id', 'conversations.id'])
      .where('messages.text', 'in', ['first person', 'someone typing the same email'])
      .execute();
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
    expect(new Set(rows.map((r) => r.contact_id)).size).toBe(2);
  });

  it.each([
    ['a missing message', { ...valid, message: undefined }, 'application/json', 422, /message/],
    ['an invalid email', { ...valid, email: 'not-an-email' }, 'application/json', 422, /email/],
    ['an unknown timezone', { ...valid, timezone: 'Mars/Olympus' }, 'application/json', 422, /timezone/],
    ['broken JSON', '{"name": "Ana", "email": ', 'application/json', 400, /not valid JSON/],
    ['a wrong content type', 'name=Ana', 'text/plain', 415, /Content-Type text\/plain/],
  ])('answers %s with a JSON error naming the problem and stores nothing', async (_label, body, type, status, pattern) => {
    const before = await messageCount();
    const res = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, { body, headers: { 'content-type': type } });
    expect(res.status).toBe(status);
    expect(res.json.error.message).toMatch(pattern);
    expect(await messageCount()).toBe(before);
  });

  it('refuses a 1 MB body with 413 and stores nothing', async () => {
    const before = await messageCount();
    const res = await postForm(t.url, f.formAccountId, { ...valid, message: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('payload_too_large');
    expect(await messageCount()).toBe(before);
  });

  it('answers 404 for an unknown channel account, and for a malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await postForm(t.url, id, valid);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
  });

  it('pretends to accept a bot that filled the trap field, and stores nothing', async () => {
    const before = await messageCount();
    const res = await postForm(t.url, f.formAccountId, { ...valid, message: 'buy pills', website: 'http://spam.example' });
    expect(res.status).toBe(202);
    expect(await messageCount()).toBe(before);
  });

  it('redirects a plain (no-JavaScript) form post to the customer’s conversation page', async () => {
    // Exactly what the form page sends without JavaScript: the hidden fields stay blank.
    const body = new URLSearchParams({
      name: 'Pablo',
      email: 'pablo@example.es',
      subject: '',
      message: 'Sin JavaScript',
      website: '',
      timezone: '',
      language: '',
    }).toString();
    const res = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(303);
    const page = await fetch(res.headers.get('location') ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Your conversation');
  });

  it('serves the embeddable form page with its framing policy', async () => {
    const res = await fetch(`${t.url}/webhooks/${f.formAccountId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(res.headers.get('x-frame-options')).toBeNull();
    // target=_top: an embedded form opens the conversation page in the whole window.
    expect(await res.text()).toContain('<form id="form" method="post" target="_top">');
  });

  it('limits submissions per client and says when to retry', async () => {
    const created = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'webform', name: 'Strict form', config: { submissionsPerMinute: 3 } },
    });
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await postForm(t.url, created.json.channelAccount.id, { ...valid, message: `burst ${i}` }, { 'idempotency-key': `burst-${i}` }))
          .status,
      );
    }
    // A minute boundary may fall inside the burst and reset the window once.
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(3);
    const limited = await postForm(t.url, created.json.id, { ...valid, message: 'one more' });
    const last = statuses[3] === 429 ? statuses[3] : limited.status;
    expect(last).toBe(429);
    if (limited.status === 429) expect(limited.headers.get('retry-after')).toBe('60');
  });
});
