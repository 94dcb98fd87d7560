import { randomBytes } from 'node:crypto';
import { createApiToken } from '@centralita/db';
import { sql } from 'kysely';
import { hashToken } from '../../src/crypto.ts';
import { PERIODIC_TASKS } from '../../src/jobs.ts';
import { call, createFixture, type Fixture, PASSWORD, postForm, type useServer } from '../harness.ts';
import type { Operation, Role } from './openapi.ts';

type Server = ReturnType<typeof useServer>;

/** A workspace with one of everything a path can name, and a bearer token per role. */
export interface World {
  fixture: Fixture;
  tokens: Record<Exclude<Role, 'public'>, string>;
  /** Values for path parameters, by the path segment before them. */
  ids: Record<string, string>;
  portalPath: string;
  /** Every credential the world holds: none may ever reach a log line. */
  secrets: string[];
}

async function tokenFor(t: Server, f: Fixture, role: 'agent' | 'supervisor'): Promise<string> {
  const token = `ctk_${randomBytes(24).toString('base64url')}`;
  await createApiToken(t.db.current.db.kysely, {
    workspaceId: f.workspaceId,
    name: role,
    role,
    tokenHash: hashToken(token),
    createdBy: f.users.admin.id,
    expiresAt: null,
  });
  return token;
}

export async function buildWorld(t: Server): Promise<World> {
  const f = await createFixture(t);
  const tokens = { admin: f.adminToken, agent: await tokenFor(t, f, 'agent'), supervisor: await tokenFor(t, f, 'supervisor') };
  const posted = await postForm(t.url, f.formAccountId, { name: 'Ana', email: 'ana@example.com', message: 'hello' });
  const portalPath = new URL(posted.json.conversationLink).pathname;
  const conversations = await call(t.url, 'GET', '/api/v1/conversations', { token: f.adminToken });
  const conversationId = conversations.json.items[0].id as string;
  const messages = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, { token: f.adminToken });
  const team = await call(t.url, 'POST', '/api/v1/teams', { token: f.adminToken, body: { name: 'Soporte' } });
  const canned = await call(t.url, 'POST', '/api/v1/canned-responses', { token: f.adminToken, body: { shortcut: 'hi', text: 'Hi!' } });
  const sla = await call(t.url, 'POST', '/api/v1/sla-policies', {
    token: f.adminToken,
    body: { name: 'Standard', firstResponseMinutes: 60 },
  });
  const spare = await call(t.url, 'POST', '/api/v1/api-tokens', { token: f.adminToken, body: { name: 'spare', role: 'agent' } });
  const idOf = (r: { json: Record<string, unknown> }, key: string) =>
    ((r.json?.[key] as { id?: string } | undefined)?.id ?? (r.json?.id as string | undefined) ?? '') as string;
  return {
    fixture: f,
    tokens,
    portalPath,
    ids: {
      conversations: conversationId,
      messages: messages.json.items[0].id,
      users: f.users.agent.id,
      agents: f.users.agent.id,
      teams: idOf(team, 'team'),
      'channel-accounts': f.formAccountId,
      'api-tokens': idOf(spare, 'apiToken'),
      'canned-responses': idOf(canned, 'cannedResponse'),
      'sla-policies': idOf(sla, 'slaPolicy'),
      versions: '1',
    },
    secrets: [...Object.values(tokens), spare.json?.token, PASSWORD, portalPath.split('/')[2] as string].filter(Boolean),
  };
}

/** The operation's path with every parameter filled from the world, or `override` for one of them. */
export function fillPath(op: Operation, world: World, override?: { name: string; raw: string }): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string, offset: number) => {
    if (override?.name === name) return override.raw;
    const segment = op.path.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
    return encodeURIComponent(world.ids[segment] ?? '00000000-0000-4000-8000-000000000000');
  });
}

/**
 * How many rows each table of the product holds. A refused request must leave it unchanged.
 * Rate-limit counters are left out: counting a refused attempt is their job. So are the accounts'
 * reported states: an account's connection reports how its link is (an X account with the
 * example's unreachable API retrying in the background) whenever it tries, not because of a
 * request.
 */
export async function storedRows(t: Server): Promise<Record<string, number>> {
  const db = t.db.current.db.kysely;
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not in ('rate_limits', 'kysely_migration', 'kysely_migration_lock', 'channel_account_states',
        'inbound_buckets', 'worker_nodes')
    order by table_name`.execute(db);
  const counts = sql.join(
    tables.rows.map((r) => sql`select ${r.name} as name, count(*)::int as n from ${sql.table(r.name)}`),
    sql` union all `,
  );
  // Background writers a request never causes: the detector's counts (a flush timer), node
  // heartbeats, and the jobs the clock starts every minute.
  const jobs = sql`select 'jobs' as name, count(*)::int as n from graphile_worker._private_jobs j
    join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier <> all(${[...PERIODIC_TASKS]}::text[])`;
  const rows = await sql<{ name: string; n: number }>`${counts} union all ${jobs}`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.name, r.n]));
}

/**
 * Waits until background work (routing the conversations just made) has stopped writing, so a
 * later "stored nothing" comparison sees only what the request under test did.
 */
export async function settled(t: Server): Promise<void> {
  let last = JSON.stringify(await storedRows(t));
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const now = JSON.stringify(await storedRows(t));
    if (now === last) return;
    last = now;
  }
  throw new Error('the database kept changing for 7.5 s with no request under way');
}
