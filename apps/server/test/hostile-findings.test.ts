import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// Each finding from the outside attack run, as a user or an attacker would see it.
const t = useServer();
let f: Fixture;
let conversationId: string;
let portalPath: string;

async function countMessages(): Promise<number> {
  const row = await t.db.current.db.kysely
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  f = await createFixture(t);
  const posted = await postForm(t.url, f.formAccountId, { name: 'Ana', email: 'ana@example.com', message: 'first' });
  expect(posted.status).toBe(201);
  portalPath = new URL(posted.json.conversationLink).pathname;
  const list = await call(t.url, 'GET', '/api/v1/conversations', { token: f.adminToken });
  conversationId = list.json.items[0].id;
});

describe('a NUL character is refused with the field named, and nothing is stored', () => {
  it('in a web-form post sent as JSON', async () => {
    const before = await countMessages();
    const res = await postForm(t.url, f.formAccountId, { name: 'Ana', email: 'ana@example.com', message: 'hola\u0000mundo' });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([expect.objectContaining({ field: 'message' })]);
    expect(res.json.error.message).toMatch(/NUL/);
    expect(await countMessages()).toBe(before);
  });

  it('in a web-form post sent url-encoded, as a browser without JavaScript does', async () => {
    const before = await countMessages();
    const res = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body: 'name=Ana&email=ana%40example.com&message=hola%00mundo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('message');
    expect(await countMessages()).toBe(before);
  });

  it('in a customer-page reply', async () => {
    const before = await countMessages();
    const res = await call(t.url, 'POST', `${portalPath}/messages`, { body: { text: 'a\u0000b' } });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('text');
    expect(await countMessages()).toBe(before);
  });

  it('in a search, a note and a signature', async () => {
    const search = await call(t.url, 'GET', '/api/v1/conversations?q=%00', { token: f.adminToken });
    expect(search.status).toBe(422);
    expect(search.json.error.details[0].field).toBe('q');
    const before = await countMessages();
    const note = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: f.adminToken,
      body: { kind: 'note', text: 'x\u0000' },
    });
    expect(note.status).toBe(422);
    expect(note.json.error.details[0].field).toBe('text');
    expect(await countMessages()).toBe(before);
    const signature = await call(t.url, 'PATCH', '/api/v1/me', { token: f.adminToken, body: { signature: 'Ana\u0000' } });
    expect(signature.status).toBe(422);
    expect(signature.json.error.details[0].field).toBe('signature');
    const me = await call(t.url, 'GET', '/api/v1/auth/me', { token: f.adminToken });
    expect(me.json.user.signature ?? null).toBeNull();
  });

  it('and so are other control characters, lone surrogates and invalid UTF-8', async () => {
    const bell = await postForm(t.url, f.formAccountId, { name: 'A\u0007', email: 'a@example.com', message: 'm' });
    expect(bell.status).toBe(422);
    expect(bell.json.error.details[0].field).toBe('name');
    const surrogate = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body: '{"name":"A","email":"a@example.com","message":"x\\ud800y"}',
    });
    expect(surrogate.status).toBe(422);
    expect(surrogate.json.error.message).toMatch(/surrogate/);
    const badBytes = Buffer.concat([
      Buffer.from('{"name":"A","email":"a@example.com","message":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ]);
    const latin1 = await fetch(`${t.url}/webhooks/${f.formAccountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: badBytes,
    });
    expect(latin1.status).toBe(422);
    expect(((await latin1.json()) as { error: { details: { field: string }[] } }).error.details[0]?.field).toBe('message');
    const api = await fetch(`${t.url}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${f.adminToken}` },
      body: Buffer.concat([Buffer.from('{"kind":"note","text":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]),
    });
    expect(api.status).toBe(422);
    expect(((await api.json()) as { error: { details: { field: string }[] } }).error.details[0]?.field).toBe('text');
  });

  it('while tab and line breaks, as a textarea posts them, are kept', async () => {
    const res = await postForm(t.url, f.formAccountId, { name: 'Tab', email: 'tab@example.com', message: 'one\r\ntwo\tthree' });
    expect(res.status).toBe(201);
  });
});

describe('no credential reaches a log line', () => {
  it('scrubs customer links, tokens, cookies, URL passwords and secrets the node has read', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    logger.protect('imap-password-123');
    const secrets = [
      'ctp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde',
      'ctk_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-zyxwv',
      'cts_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
      'imap-password-123',
      's3cr3t-pw',
    ];
    logger.error(
      {
        path: `/c/${secrets[0]}/messages`,
        err: new Error(`login with Bearer ${secrets[1]} failed`),
        header: `centralita_session=${secrets[2]}`,
      },
      'unhandled error',
    );
    logger.warn(
      { detail: `IMAP said: authentication failed for imap-password-123`, url: 'postgres://postgres:s3cr3t-pw@127.0.0.1:5432/x' },
      'x',
    );
    logger.info({ path: '/c/not-even-a-token/messages' }, 'customer page');
    const text = lines.join('');
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toContain('not-even-a-token');
    expect(text).toContain('[redacted]');
    expect(text).toContain('unhandled error');
  });
});

describe('a cookie DELETE with the JSON content type and no body', () => {
  it('is accepted, as docs/api.md says', async () => {
    const cookie = await login(t.url, f.users.supervisor.email);
    const created = await call(t.url, 'POST', '/api/v1/canned-responses', { cookie, body: { shortcut: 'bye', text: 'Goodbye' } });
    expect(created.status).toBe(201);
    const id = created.json.id ?? created.json.cannedResponse?.id;
    const res = await fetch(`${t.url}/api/v1/canned-responses/${id}`, {
      method: 'DELETE',
      headers: { cookie, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(204);
    const list = await call(t.url, 'GET', '/api/v1/canned-responses', { cookie });
    expect(list.json.items.map((c: { shortcut: string }) => c.shortcut)).not.toContain('bye');
  });
});
