import { waitFor } from '@centralita/channel-kit/conformance';
import { createUser } from '@centralita/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/crypto.ts';
import { call, createFixture, type Fixture, login, PASSWORD, postForm, useServer } from './harness.ts';

// Inputs that once reached PostgreSQL or crashed a handler: each must get a clear 4xx instead.
const t = useServer();
let f: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
});

describe('malformed API input gets a 4xx, never a 500', () => {
  it('refuses an empty PATCH, naming what may be sent', async () => {
    const user = await call(t.url, 'PATCH', `/api/v1/users/${f.users.agent.id}`, { token: f.adminToken, body: {} });
    expect(user.status).toBe(422);
    expect(user.json.error.message).toMatch(/at least one of name, role, active/);
    const account = await call(t.url, 'PATCH', `/api/v1/channel-accounts/${f.formAccountId}`, { token: f.adminToken, body: {} });
    expect(account.status).toBe(422);
  });

  it('refuses a cursor that decodes but was not issued here', async () => {
    const forged = Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url');
    const res = await call(t.url, 'GET', `/api/v1/conversations?cursor=${forged}`, { token: f.adminToken });
    expect(res.status).toBe(400);
  });

  it('refuses an event cursor beyond any sequence number', async () => {
    const posted = await postForm(t.url, f.formAccountId, { name: 'A', email: 'a@example.com', message: 'events' });
    expect(posted.status).toBe(201);
    const list = await call(t.url, 'GET', '/api/v1/conversations', { token: f.adminToken });
    const res = await call(t.url, 'GET', `/api/v1/conversations/${list.json.items[0].id}/events?after=99999999999999999999`, {
      token: f.adminToken,
    });
    expect(res.status).toBe(422);
  });

  it('treats a mangled session cookie as no session, so sign-in still works', async () => {
    const res = await call(t.url, 'GET', '/api/v1/auth/me', { cookie: 'centralita_session=%E0' });
    expect(res.status).toBe(401);
    const out = await call(t.url, 'POST', '/api/v1/auth/logout', { cookie: 'centralita_session=%E0' });
    expect(out.status).toBe(204);
  });
});

describe('web-form Idempotency-Key is bound to its submission', () => {
  it('refuses the same key with different content, storing nothing new', async () => {
    const first = await postForm(
      t.url,
      f.formAccountId,
      { name: 'Ana', email: 'ana@example.com', message: 'original' },
      { 'idempotency-key': 'order-1001' },
    );
    expect(first.status).toBe(201);
    const other = await postForm(
      t.url,
      f.formAccountId,
      { name: 'Eve', email: 'eve@example.com', message: 'let me in' },
      { 'idempotency-key': 'order-1001' },
    );
    expect(other.status).toBe(409);
    expect(other.json.conversationLink).toBeUndefined();
  });

  it('gives a repeat from another client no customer link', async () => {
    const fields = { name: 'Ana', email: 'ana@example.com', message: 'same words' };
    const mine = await postForm(t.url, f.formAccountId, fields, { 'idempotency-key': 'k-7' });
    expect(mine.json.conversationLink).toMatch(/\/c\/ctp_/);
    // Another client: the test server trusts no proxy, so change the key's recorded client instead.
    const db = t.db.current.db.kysely;
    const row = await db.selectFrom('channel_state').select(['key', 'value']).where('key', '=', 'idem:k-7').executeTakeFirstOrThrow();
    const [id, content] = row.value.split('.');
    await db
      .updateTable('channel_state')
      .set({ value: `${id}.${content}.someone-else` })
      .where('key', '=', 'idem:k-7')
      .execute();
    const theirs = await postForm(t.url, f.formAccountId, fields, { 'idempotency-key': 'k-7' });
    expect(theirs.status).toBe(200);
    expect(mine.json.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(theirs.json).toMatchObject({ duplicate: true, conversationLink: null, conversationId: null });
  });
});

describe('API tokens are worth no more than their creator', () => {
  it('stops a deactivated creator’s tokens and caps a demoted creator’s', async () => {
    const db = t.db.current.db.kysely;
    const creator = await createUser(db, {
      workspaceId: f.workspaceId,
      email: 'boss@x.test',
      name: 'Boss',
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    const cookie = await login(t.url, 'boss@x.test');
    const token = (await call(t.url, 'POST', '/api/v1/api-tokens', { cookie, body: { name: 'automation', role: 'admin' } })).json.token;
    expect((await call(t.url, 'GET', '/api/v1/api-tokens', { token })).status).toBe(200);
    await call(t.url, 'PATCH', `/api/v1/users/${creator.id}`, { token: f.adminToken, body: { role: 'agent' } });
    expect((await call(t.url, 'GET', '/api/v1/api-tokens', { token })).status).toBe(403);
    expect((await call(t.url, 'GET', '/api/v1/conversations', { token })).status).toBe(200);
    await call(t.url, 'PATCH', `/api/v1/users/${creator.id}`, { token: f.adminToken, body: { active: false } });
    expect((await call(t.url, 'GET', '/api/v1/conversations', { token })).status).toBe(401);
  });
});

describe('sign-in with one email in several workspaces', () => {
  it('names the workspaces only to someone who knows the password', async () => {
    const other = await createFixture(t);
    const db = t.db.current.db.kysely;
    await createUser(db, {
      workspaceId: other.workspaceId,
      email: f.users.supervisor.email,
      name: 'Twin',
      role: 'agent',
      passwordHash: await hashPassword(PASSWORD),
    });
    const wrong = await call(t.url, 'POST', '/api/v1/auth/login', { body: { email: f.users.supervisor.email, password: 'not it' } });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('workspaces');
    const right = await call(t.url, 'POST', '/api/v1/auth/login', { body: { email: f.users.supervisor.email, password: PASSWORD } });
    expect(right.status).toBe(422);
    expect(right.json.error.details.workspaces).toHaveLength(2);
  });
});

describe('a reply whose channel cannot be used', () => {
  it('is marked failed with the reason instead of staying queued', async () => {
    const posted = await postForm(t.url, f.formAccountId, { name: 'B', email: 'b@example.com', message: 'broken channel' });
    const row = await t.db.current.db.kysely
      .selectFrom('messages')
      .select('conversation_id')
      .where('text', '=', 'broken channel')
      .executeTakeFirstOrThrow();
    expect(posted.status).toBe(201);
    // A stored setting the adapter no longer accepts (as after a bad manual edit or an upgrade).
    await t.db.current.db.kysely
      .updateTable('channel_accounts')
      .set({ settings: JSON.stringify({ maxMessageLength: 5 }) })
      .where('id', '=', f.formAccountId)
      .execute();
    const reply = await call(t.url, 'POST', `/api/v1/conversations/${row.conversation_id}/messages`, {
      token: f.adminToken,
      body: { text: 'hola' },
    });
    expect(reply.status).toBe(201);
    const failed = await waitFor(
      async () => {
        const msgs = await call(t.url, 'GET', `/api/v1/conversations/${row.conversation_id}/messages`, { token: f.adminToken });
        return msgs.json.items.find((m: { deliveryState: string }) => m.deliveryState === 'failed');
      },
      { what: 'the reply to be marked failed' },
    );
    expect(failed.failureReason).toMatch(/maxMessageLength/);
    const hook = await call(t.url, 'GET', `/webhooks/${f.formAccountId}`);
    expect(hook.status).toBe(503);
    expect(hook.json.error.code).toBe('channel_misconfigured');
    expect(t.logs.join('')).toContain('channel account configuration is invalid');
  });
});
