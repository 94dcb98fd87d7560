import { inboxRowsQuery } from '@centralita/db';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, conversationOfIdentity, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// What an agent sees in the inbox list: who wrote, what they said last, whether it is new to
// them, and the orders the console offers, paged without gaps or repeats.
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies freely
type Row = Record<string, any>;

const t = useServer({ worker: false });
let f: Fixture;
let agent: string;
const ids: Record<string, string> = {};
const links: Record<string, string> = {};

const conversationOf = (email: string) => conversationOfIdentity(t, email);

const list = async (query: string, cookie = agent) => {
  const res = await call(t.url, 'GET', `/api/v1/conversations${query}`, { cookie });
  expect(res.status, res.text).toBe(200);
  return res.json as { items: Row[]; nextCursor: string | null };
};
const row = async (id: string, cookie = agent) => (await list('?limit=200', cookie)).items.find((r) => r.id === id);
const customerWrites = async (email: string, text: string) => {
  const res = await call(t.url, 'POST', `${new URL(links[email] as string).pathname}/messages`, { body: { text } });
  expect(res.status, res.text).toBe(201);
};

beforeAll(async () => {
  f = await createFixture(t);
  agent = await login(t.url, f.users.agent.email);
  const posts = [
    { name: 'Ana García López', email: 'ana@example.com', message: 'Las facturas\n\n  de noviembre   llegaron duplicadas.' },
    { name: 'José', email: 'jose.nunez@example.com', message: `${'Muy largo. '.repeat(40)}fin` },
  ];
  for (const p of posts) {
    const res = await postForm(t.url, f.formAccountId, p);
    expect(res.status, res.text).toBe(201);
    links[p.email] = res.json.conversationLink;
    ids[p.email] = await conversationOf(p.email);
  }
  // A contact known only by their address (an email that came without a display name).
  await t.db.current.db.kysely
    .updateTable('contacts')
    .set({ name: null })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('conversations')
        .select('contact_id')
        .where('id', '=', ids['jose.nunez@example.com'] as string),
    )
    .execute();
});

describe('inbox rows', () => {
  it('carry the contact with initials, a one-line preview and who holds it', async () => {
    const ana = await row(ids['ana@example.com'] as string);
    expect(ana?.contact).toMatchObject({ name: 'Ana García López', initials: 'AL', handle: 'ana@example.com' });
    expect(ana?.preview).toBe('Las facturas de noviembre llegaron duplicadas.');
    expect(ana?.lastMessageDirection).toBe('inbound');
    expect(ana?.assignee).toBeNull();
    // No name: the initials come from the address before its @.
    const jose = await row(ids['jose.nunez@example.com'] as string);
    expect(jose?.contact.initials).toBe('JN');
    expect(Array.from(jose?.preview as string)).toHaveLength(140);
    expect(jose?.preview.endsWith('…')).toBe(true);
  });

  it('never preview a note; a reply replaces the preview and names the direction', async () => {
    const id = ids['ana@example.com'] as string;
    await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { cookie: agent, body: { kind: 'note', text: 'cliente VIP, ojo' } });
    expect((await row(id))?.preview).toBe('Las facturas de noviembre llegaron duplicadas.');
    await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { cookie: agent, body: { text: 'Lo revisamos hoy mismo.' } });
    const after = await row(id);
    expect(after?.preview).toBe('Lo revisamos hoy mismo.');
    expect(after?.lastMessageDirection).toBe('outbound');
  });

  it('show the assignee by name once someone takes it', async () => {
    const id = ids['jose.nunez@example.com'] as string;
    const took = await call(t.url, 'POST', `/api/v1/conversations/${id}/assign`, { cookie: agent, body: { agentId: f.users.agent.id } });
    expect(took.status, took.text).toBe(200);
    expect((await row(id))?.assignee).toEqual({ id: f.users.agent.id, name: 'agent' });
  });
});

describe('read state', () => {
  it('is unread until read; a new customer message makes it unread again; the agent’s own reply does not', async () => {
    const id = ids['ana@example.com'] as string;
    expect((await row(id))?.unread).toBe(true);
    const read = await call(t.url, 'POST', `/api/v1/conversations/${id}/read`, { cookie: agent });
    expect(read.status, read.text).toBe(200);
    expect(read.json.readState).toMatchObject({ conversationId: id, unread: false });
    expect((await row(id))?.unread).toBe(false);

    await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { cookie: agent, body: { text: 'Ya está corregido.' } });
    expect((await row(id))?.unread).toBe(false);

    await customerWrites('ana@example.com', '¡Sigue llegando doble!');
    const again = await row(id);
    expect(again?.unread).toBe(true);
    expect(again?.preview).toBe('¡Sigue llegando doble!');
  });

  it('is kept per user: one agent reading it leaves it unread for the supervisor', async () => {
    const id = ids['ana@example.com'] as string;
    const supervisor = await login(t.url, f.users.supervisor.email);
    await call(t.url, 'POST', `/api/v1/conversations/${id}/read`, { cookie: agent });
    expect((await row(id))?.unread).toBe(false);
    expect((await row(id, supervisor))?.unread).toBe(true);
  });

  it('reads up to a given message, never moves back, and can be forgotten', async () => {
    const id = ids['ana@example.com'] as string;
    const messages = (await call(t.url, 'GET', `/api/v1/conversations/${id}/messages`, { cookie: agent })).json.items;
    const first = messages[0].id as string;
    // Already read further: marking an older message keeps the later mark.
    const older = await call(t.url, 'POST', `/api/v1/conversations/${id}/read`, { cookie: agent, body: { messageId: first } });
    expect(older.json.readState.unread).toBe(false);
    const unread = await call(t.url, 'DELETE', `/api/v1/conversations/${id}/read`, { cookie: agent });
    expect(unread.status).toBe(204);
    expect((await row(id))?.unread).toBe(true);
    const upToFirst = await call(t.url, 'POST', `/api/v1/conversations/${id}/read`, { cookie: agent, body: { messageId: first } });
    expect(upToFirst.json.readState).toMatchObject({ messageId: first, unread: true });
    const foreign = await call(t.url, 'POST', `/api/v1/conversations/${id}/read`, {
      cookie: agent,
      body: { messageId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(foreign.status).toBe(404);
  });

  it('belongs to people: an API token has none', async () => {
    const id = ids['ana@example.com'] as string;
    const res = await call(t.url, 'POST', `/api/v1/conversations/${id}/read`, { token: f.adminToken });
    expect(res.status).toBe(403);
    expect((await call(t.url, 'GET', '/api/v1/conversations', { token: f.adminToken })).json.items.every((r: Row) => !r.unread)).toBe(true);
  });
});

describe('sorts over 600 conversations', () => {
  const N = 600;
  let ws: string;
  let otherToken: string;

  beforeAll(async () => {
    const other = await createFixture(t);
    ws = other.workspaceId;
    const db = t.db.current.db.kysely;
    // Made in SQL: the orders and the plan are what is under test, not ingest.
    await sql`
      WITH c AS (
        INSERT INTO contacts (workspace_id, name) SELECT ${ws}::uuid, 'Contact ' || g FROM generate_series(1, ${N}) g RETURNING id, name
      ), n AS (SELECT id, substr(name, 9)::int AS g FROM c)
      INSERT INTO conversations (workspace_id, contact_id, channel_account_id, status, priority, last_message_at, last_inbound_at,
        waiting_since, awaiting_reply_since, first_response_due_at)
      SELECT ${ws}::uuid, n.id, ${other.formAccountId}::uuid, 'open', (n.g % 4) - 1,
        timestamp '2026-03-01' + (n.g % 37) * interval '1 minute' + (n.g % 5) * interval '1 microsecond',
        timestamp '2026-03-01',
        CASE WHEN n.g % 3 = 0 THEN NULL ELSE timestamp '2026-02-01' + (n.g % 11) * interval '1 minute' END,
        CASE WHEN n.g % 3 = 0 THEN timestamp '2026-02-01' + (n.g % 7) * interval '30 second' END,
        CASE WHEN n.g % 2 = 0 THEN timestamp '2026-03-02' + (n.g % 13) * interval '1 minute' END
      FROM n`.execute(db);
    await sql`UPDATE conversations SET assignee_id = ${other.users.agent.id}::uuid WHERE workspace_id = ${ws}::uuid AND waiting_since IS NULL`.execute(
      db,
    );
    await sql`
      INSERT INTO messages (workspace_id, conversation_id, channel_account_id, direction, visibility, author_type, text, delivery_state, created_at)
      SELECT workspace_id, id, channel_account_id, d.direction, 'private', d.author, d.direction || ' ' || id, 'received', last_message_at - d.back
      FROM conversations, (VALUES ('inbound', 'contact', interval '2 second'), ('outbound', 'agent', interval '1 second'), ('note', 'agent', interval '0 second'))
        AS d(direction, author, back)
      WHERE workspace_id = ${ws}::uuid`.execute(db);
    await sql`ANALYZE conversations; ANALYZE messages`.execute(db);
    otherToken = other.adminToken;
  });

  const all = async (sort: string) => {
    const token = otherToken;
    const out: Row[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/v1/conversations?sort=${sort}&limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await call(t.url, 'GET', path, { token });
      expect(res.status, res.text).toBe(200);
      out.push(...res.json.items);
      cursor = res.json.nextCursor;
    } while (cursor);
    return out;
  };
  const ms = (v: string | null) => (v === null ? Number.POSITIVE_INFINITY : Date.parse(v));
  const waited = (r: Row) => Math.min(ms(r.routing.waitingSince), ms(r.routing.awaitingReplySince));

  /** Every row once, and each next to the one before in the documented order. */
  function expectOrdered(rows: Row[], before: (a: Row, b: Row) => boolean) {
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.id)).size).toBe(N);
    for (let i = 1; i < rows.length; i++) expect(before(rows[i] as Row, rows[i - 1] as Row), `row ${i}`).toBe(false);
  }

  it('newest: the latest message first, the preview never a note', async () => {
    const rows = await all('newest');
    expectOrdered(rows, (a, b) => ms(a.lastMessageAt) > ms(b.lastMessageAt));
    expect(rows.every((r) => r.preview.startsWith('outbound '))).toBe(true);
  });

  it('oldest_waiting: the customer who has waited longest first', async () => {
    expectOrdered(await all('oldest_waiting'), (a, b) => waited(a) < waited(b));
  });

  it('sla_due: the earliest deadline first, conversations without one last', async () => {
    const rows = await all('sla_due');
    expectOrdered(rows, (a, b) => ms(a.slaDueAt) < ms(b.slaDueAt));
    expect(rows[0]?.slaDueAt).not.toBeNull();
    expect(rows[N - 1]?.slaDueAt).toBeNull();
  });

  it('priority: the highest first, then the longest waiting', async () => {
    const rows = await all('priority');
    expectOrdered(rows, (a, b) => a.priority > b.priority || (a.priority === b.priority && waited(a) < waited(b)));
    expect(rows[0]?.priority).toBe(2);
  });

  it('refuses a cursor from another sort', async () => {
    const token = otherToken;
    const first = await call(t.url, 'GET', '/api/v1/conversations?sort=newest&limit=5', { token });
    const res = await call(t.url, 'GET', `/api/v1/conversations?sort=priority&cursor=${first.json.nextCursor}`, { token });
    expect(res.status).toBe(400);
    const bad = await call(t.url, 'GET', '/api/v1/conversations?sort=fastest', { token });
    expect(bad.status).toBe(422);
  });

  it('finds each page’s last message through the messages index, and newest pages through the list index', async () => {
    const db = t.db.current.db.kysely;
    const plan = async (sort: 'newest' | 'sla_due') => {
      const q = inboxRowsQuery(db, ws, {}, { limit: 50, sort, userId: f.users.agent.id }).compile(db);
      const out = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...q, sql: `EXPLAIN ${q.sql}` });
      return out.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const newest = await plan('newest');
    expect(newest).toMatch(/Index Scan Backward using messages_conversation_idx on messages|Index Scan using messages_conversation_idx/);
    expect(newest).toContain('conversations_list_idx');
    expect(await plan('sla_due')).toContain('messages_conversation_idx');
  });
});
