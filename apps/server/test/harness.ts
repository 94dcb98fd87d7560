import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { ChannelAdapter } from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import type { Role } from '@centralita/core';
import { createApiToken, createChannelAccount, createUser, createWorkspace } from '@centralita/db';
import { useTestDatabase } from '@centralita/testing';
import { afterAll, beforeAll } from 'vitest';
import { installedAdapters } from '../src/adapters.ts';
import { type Centralita, createCentralita } from '../src/app.ts';
import { hashPassword, hashToken } from '../src/crypto.ts';
import { createLogger } from '../src/logger.ts';

export const PASSWORD = 'correct horse battery staple';

/** A running test server on its own database, with every log line kept for inspection. */
export interface TestNode {
  node: Centralita;
  url: string;
  logs: string[];
}

/** Starts a Centralita node for this test file on a fresh database; stops it afterwards. */
export function useServer(
  options: { adapters?: ChannelAdapter[]; worker?: boolean; clock?: () => Date; pullLockRetryMs?: number; consoleDir?: string } = {},
) {
  const database = useTestDatabase();
  const holder = {} as TestNode & { db: typeof database };
  holder.db = database;
  beforeAll(async () => {
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const node = createCentralita({
      db: database.current.db,
      logger: createLogger('debug', sink),
      secretKey: randomBytes(32),
      // A test's adapter of an installed kind (WhatsApp with a fake WhatsApp Web client) replaces it.
      adapters: [...installedAdapters().filter((a) => !options.adapters?.some((b) => b.kind === a.kind)), ...(options.adapters ?? [])],
      worker: options.worker ?? true,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.pullLockRetryMs ? { pullLockRetryMs: options.pullLockRetryMs } : {}),
      ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    });
    holder.node = node;
    holder.logs = logs;
    holder.url = await node.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await holder.node?.stop();
  });
  return holder;
}

/** A workspace with one user per role, a web-form account and an admin API token. */
export interface Fixture {
  workspaceId: string;
  formAccountId: string;
  users: Record<Role, { id: string; email: string }>;
  adminToken: string;
}

let seq = 0;

/** Creates a fresh workspace fixture through the repositories (fast, no HTTP). */
export async function createFixture(t: TestNode & { db: { current: { db: import('@centralita/db').Db } } }): Promise<Fixture> {
  seq += 1;
  const db = t.db.current.db.kysely;
  const slug = `ws-${seq}-${randomBytes(3).toString('hex')}`;
  const ws = await createWorkspace(db, { slug, name: slug });
  const hash = await hashPassword(PASSWORD);
  const users = {} as Fixture['users'];
  for (const role of ['agent', 'supervisor', 'admin'] as const) {
    const email = `${role}@${slug}.test`;
    const u = await createUser(db, { workspaceId: ws.id, email, name: role, role, passwordHash: hash });
    users[role] = { id: u.id, email };
  }
  const form = await createChannelAccount(db, {
    workspaceId: ws.id,
    kind: 'webform',
    name: 'Form',
    settings: { submissionsPerMinute: 1000 },
    secretsEncrypted: null,
  });
  const adminToken = `ctk_${randomBytes(24).toString('base64url')}`;
  await createApiToken(db, {
    workspaceId: ws.id,
    name: 't',
    role: 'admin',
    tokenHash: hashToken(adminToken),
    createdBy: users.admin.id,
    expiresAt: null,
  });
  return { workspaceId: ws.id, formAccountId: form.id, users, adminToken };
}

export interface CallOptions {
  token?: string;
  cookie?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One HTTP call with JSON in and out. */
export async function call(base: string, method: string, path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely
  return { status: res.status, headers: res.headers, text, json: json as any };
}

/** Signs in and returns the session cookie. */
export async function login(base: string, email: string, password = PASSWORD): Promise<string> {
  const res = await call(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] ?? '';
}

/** Posts a web form as a browser's fetch would. */
export function postForm(base: string, accountId: string, fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(base, 'POST', `/webhooks/${accountId}`, { body: fields, headers });
}

/** Adds an email account reading `config` (a test mail peer's) through the API; returns its id. */
export async function createEmailAccount(base: string, adminToken: string, config: object): Promise<string> {
  const res = await call(base, 'POST', '/api/v1/channel-accounts', { token: adminToken, body: { kind: 'email', name: 'Soporte', config } });
  if (res.status !== 201) throw new Error(`creating the email account answered ${res.status}: ${res.text}`);
  return res.json.channelAccount.id as string;
}

/** The conversation of the contact with this identity (an email address), once it is stored. */
export async function conversationOfIdentity(
  t: { db: { current: { db: import('@centralita/db').Db } } },
  externalId: string,
): Promise<string> {
  const row = await waitFor(() =>
    t.db.current.db.kysely
      .selectFrom('conversations as c')
      .innerJoin('identities as i', 'i.contact_id', 'c.contact_id')
      .select('c.id')
      .where('i.external_id', '=', externalId)
      .executeTakeFirst(),
  );
  return row.id;
}
