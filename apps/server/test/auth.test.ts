import { waitFor } from '@centralita/channel-kit/conformance';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, PASSWORD, postForm, useServer } from './harness.ts';
import { listen } from './sockets.ts';

const t = useServer();
let f: Fixture;
let other: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
  other = await createFixture(t);
});

describe('authentication and roles', () => {
  it('answers 401 without credentials and 401 for an unknown token', async () => {
    const none = await call(t.url, 'GET', '/api/v1/conversations');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('unauthenticated');
    const bogus = await call(t.url, 'GET', '/api/v1/conversations', { token: 'ctk_nope' });
    expect(bogus.status).toBe(401);
  });

  it('answers 403 naming the role needed when the role is too weak', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    const res = await call(t.url, 'POST', '/api/v1/users', { cookie, body: { email: 'x@y.test', name: 'X', role: 'agent' } });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toMatch(/admin role/);
    const supervisorOnly = await call(t.url, 'GET', '/api/v1/users', { cookie });
    expect(supervisorOnly.status).toBe(403);
  });

  it('keeps a session across requests and ends it on logout', async () => {
    const cookie = await login(t.url, f.users.supervisor.email);
    const me = await call(t.url, 'GET', '/api/v1/auth/me', { cookie });
    expect(me.json).toMatchObject({ kind: 'session', role: 'supervisor', user: { email: f.users.supervisor.email } });
    expect((await call(t.url, 'POST', '/api/v1/auth/logout', { cookie })).status).toBe(204);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('refuses a wrong password with the same answer as an unknown email', async () => {
    const wrong = await call(t.url, 'POST', '/api/v1/auth/login', { body: { email: f.users.agent.email, password: 'nope' } });
    const unknown = await call(t.url, 'POST', '/api/v1/auth/login', { body: { email: 'ghost@nowhere.test', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);
  });

  it('throttles repeated failed sign-ins, on every node alike (the count lives in PostgreSQL)', async () => {
    const email = f.users.admin.email;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: `wrong-${i}` } })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const right = await call(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('900');
  });

  it('refuses cookie-authenticated writes that are not JSON (cross-site forms)', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    const res = await call(t.url, 'POST', '/api/v1/api-tokens', {
      cookie,
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
  });

  it('accepts a bodiless DELETE from a signed-in browser', async () => {
    // Another workspace's admin: this file's admin is locked out by the throttling test.
    const cookie = await login(t.url, other.users.admin.email);
    const created = await call(t.url, 'POST', '/api/v1/api-tokens', { cookie, body: { name: 'to revoke', role: 'agent' } });
    expect((await call(t.url, 'DELETE', `/api/v1/api-tokens/${created.json.apiToken.id}`, { cookie })).status).toBe(204);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, lists it without its secret, and revokes it at once', async () => {
    const created = await call(t.url, 'POST', '/api/v1/api-tokens', { token: f.adminToken, body: { name: 'ci', role: 'agent' } });
    expect(created.status).toBe(201);
    const secret = created.json.token as string;
    expect(secret).toMatch(/^ctk_/);
    expect((await call(t.url, 'GET', '/api/v1/conversations', { token: secret })).status).toBe(200);
    const list = await call(t.url, 'GET', '/api/v1/api-tokens', { token: f.adminToken });
    expect(JSON.stringify(list.json)).not.toContain(secret);
    expect((await call(t.url, 'DELETE', `/api/v1/api-tokens/${created.json.apiToken.id}`, { token: f.adminToken })).status).toBe(204);
    expect((await call(t.url, 'GET', '/api/v1/conversations', { token: secret })).status).toBe(401);
  });

  it('refuses an expiry in the past and stops honouring a token once it expires', async () => {
    const past = await call(t.url, 'POST', '/api/v1/api-tokens', {
      token: f.adminToken,
      body: { name: 'old', role: 'agent', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
    const soon = await call(t.url, 'POST', '/api/v1/api-tokens', {
      token: f.adminToken,
      body: { name: 'soon', role: 'agent', expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    await t.db.current.db.kysely
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', soon.json.apiToken.id)
      .execute();
    expect((await call(t.url, 'GET', '/api/v1/conversations', { token: soon.json.token })).status).toBe(401);
  });
});

describe('users', () => {
  it('creates a user with a generated password that works once shown', async () => {
    const res = await call(t.url, 'POST', '/api/v1/users', {
      token: f.adminToken,
      body: { email: 'nuevo@x.test', name: 'Nuevo', role: 'agent' },
    });
    expect(res.status).toBe(201);
    expect(res.json.initialPassword).toMatch(/^[\w-]{16,}$/);
    await login(t.url, 'nuevo@x.test', res.json.initialPassword);
    const dup = await call(t.url, 'POST', '/api/v1/users', {
      token: f.adminToken,
      body: { email: 'NUEVO@x.test', name: 'Again', role: 'agent' },
    });
    expect(dup.status).toBe(409);
  });

  it('ends a deactivated user’s sessions and a reset password’s old sessions', async () => {
    const res = await call(t.url, 'POST', '/api/v1/users', {
      token: f.adminToken,
      body: { email: 'temp@x.test', name: 'Temp', role: 'agent', password: 'a long enough password' },
    });
    const cookie = await login(t.url, 'temp@x.test', 'a long enough password');
    const reset = await call(t.url, 'POST', `/api/v1/users/${res.json.user.id}/password`, { token: f.adminToken, body: {} });
    expect(reset.json.password).toBeTruthy();
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
    const cookie2 = await login(t.url, 'temp@x.test', reset.json.password);
    await call(t.url, 'PATCH', `/api/v1/users/${res.json.user.id}`, { token: f.adminToken, body: { active: false } });
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { cookie: cookie2 })).status).toBe(401);
  });

  it('refuses a password shorter than 12 characters, naming the field', async () => {
    const res = await call(t.url, 'POST', '/api/v1/users', {
      token: f.adminToken,
      body: { email: 's@x.test', name: 'S', role: 'agent', password: 'short' },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('password');
  });
});

describe('live sockets follow their credentials', () => {
  it('closes a user’s sockets when they sign out, are deactivated, or their token is revoked', async () => {
    const created = await call(t.url, 'POST', '/api/v1/users', {
      token: other.adminToken,
      body: { email: 'live@x.test', name: 'Live', role: 'agent', password: 'a long enough password' },
    });
    const cookie = await login(t.url, 'live@x.test', 'a long enough password');
    const viaSession = await listen(t.url, { cookie });
    await call(t.url, 'POST', '/api/v1/auth/logout', { cookie });
    await waitFor(() => viaSession.socket.disconnected, { what: 'the signed-out session’s socket to close' });

    const again = await listen(t.url, { cookie: await login(t.url, 'live@x.test', 'a long enough password') });
    await call(t.url, 'PATCH', `/api/v1/users/${created.json.user.id}`, { token: other.adminToken, body: { active: false } });
    await waitFor(() => again.socket.disconnected, { what: 'the deactivated user’s socket to close' });

    const token = await call(t.url, 'POST', '/api/v1/api-tokens', { token: other.adminToken, body: { name: 'live', role: 'agent' } });
    const viaToken = await listen(t.url, { token: token.json.token });
    await call(t.url, 'DELETE', `/api/v1/api-tokens/${token.json.apiToken.id}`, { token: other.adminToken });
    await waitFor(() => viaToken.socket.disconnected, { what: 'the revoked token’s socket to close' });
  });

  it('closes a socket when the session it was opened with expires, though nobody signed out', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    // A session about to run out: the socket opens while it is still valid.
    await t.db.current.db.kysely
      .updateTable('sessions')
      .set({ expires_at: sql<Date>`now() + interval '3 seconds'` })
      .where('user_id', '=', f.users.agent.id)
      .execute();
    const live = await listen(t.url, { cookie });
    expect(live.socket.connected).toBe(true);
    await waitFor(() => live.socket.disconnected, { what: 'the expired session’s socket to close' });
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });
});

describe('workspace isolation', () => {
  it('never shows one workspace’s conversations to another', async () => {
    const posted = await postForm(t.url, f.formAccountId, { name: 'A', email: 'a@a.test', message: 'private to workspace A' });
    expect(posted.status).toBe(201);
    const mine = await call(t.url, 'GET', '/api/v1/conversations', { token: f.adminToken });
    const id = mine.json.items[0].id;
    const theirs = await call(t.url, 'GET', '/api/v1/conversations', { token: other.adminToken });
    expect(theirs.json.items).toEqual([]);
    for (const path of [`/api/v1/conversations/${id}`, `/api/v1/conversations/${id}/messages`, `/api/v1/conversations/${id}/events`]) {
      expect((await call(t.url, 'GET', path, { token: other.adminToken })).status).toBe(404);
    }
    const reply = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: other.adminToken, body: { text: 'hijack' } });
    expect(reply.status).toBe(404);
  });

  it('answers 422 for a malformed id instead of a database error', async () => {
    const res = await call(t.url, 'GET', '/api/v1/conversations/123', { token: f.adminToken });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toMatch(/path parameter id/);
  });
});

describe('health and API description', () => {
  it('reports the database state on /healthz', async () => {
    const res = await call(t.url, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', database: { ok: true } });
    expect(Number.parseInt(res.json.database.version, 10)).toBeGreaterThanOrEqual(15);
  });

  it('describes every route in the OpenAPI document', async () => {
    const res = await call(t.url, 'GET', '/api/v1/openapi.json');
    expect(res.json.openapi).toBe('3.1.0');
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/conversations',
        '/api/v1/conversations/{id}/messages',
        '/api/v1/channel-accounts',
        '/api/v1/api-tokens/{id}',
      ]),
    );
    expect(res.json.paths['/api/v1/conversations/{id}/status'].post.requestBody).toBeDefined();
    expect(res.json.paths['/api/v1/auth/login'].post.security).toEqual([]);
  });
});
