import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';
import { listen, refusal } from './sockets.ts';

const t = useServer();
let f: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
});

async function newConversation(text: string) {
  const posted = await postForm(t.url, f.formAccountId, { name: 'Ana', email: 'ana@example.com', message: text });
  expect(posted.status).toBe(201);
  const link = posted.json.conversationLink as string;
  const token = link.split('/c/')[1] as string;
  const row = await t.db.current.db.kysely
    .selectFrom('messages')
    .select('conversation_id')
    .where('workspace_id', '=', f.workspaceId)
    .where('text', '=', text)
    .executeTakeFirstOrThrow();
  return { id: row.conversation_id, link, token };
}

describe('a web-form conversation end to end', () => {
  it('shows a new form post to a console socket, and an API reply on the customer’s page', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    const console = await listen(t.url, { cookie });
    const { id, token } = await newConversation('¿Por qué no tengo fibra?');
    await waitFor(() => console.events.find((e) => e.name === 'message.created'), { what: 'message.created on the console socket' });
    expect(console.events.map((e) => e.name)).toContain('conversation.created');

    const customer = await listen(t.url, { namespace: '/portal', token });
    const reply = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      cookie,
      body: { text: 'Hola Ana, hay una avería en tu zona.' },
      headers: { 'idempotency-key': 'reply-1' },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.message).toMatchObject({ direction: 'outbound', deliveryState: 'queued' });

    // The customer's own post may still be in flight to their page when it connects; what matters is that the reply arrives.
    const seen = await waitFor(
      () =>
        customer.events.find((e) => e.name === 'message.created' && (e.payload as { message: { from: string } }).message.from === 'agent'),
      { what: 'the reply on the customer page' },
    );
    expect(seen.payload).toMatchObject({ message: { from: 'agent', text: 'Hola Ana, hay una avería en tu zona.' } });
    await waitFor(
      async () => {
        const msgs = await call(t.url, 'GET', `/api/v1/conversations/${id}/messages`, { cookie });
        return msgs.json.items.find(
          (m: { direction: string; deliveryState: string }) => m.direction === 'outbound' && m.deliveryState === 'delivered',
        );
      },
      { what: 'the reply to be marked delivered' },
    );
    const page = await call(t.url, 'GET', `/c/${token}/messages`);
    expect(page.json.items.map((m: { text: string }) => m.text)).toEqual([
      '¿Por qué no tengo fibra?',
      'Hola Ana, hay una avería en tu zona.',
    ]);
    // The console saw the reply stored, then its delivery.
    const replyEvents = console.events.filter((e) => JSON.stringify(e.payload).includes('hay una avería'));
    expect(replyEvents.map((e) => e.name)).toEqual(expect.arrayContaining(['message.created', 'message.updated']));
  });

  it('stores one reply when the agent double-clicks send with the same Idempotency-Key', async () => {
    const { id } = await newConversation('double click');
    const body = { text: 'Una sola vez' };
    const a = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: f.adminToken,
      body,
      headers: { 'idempotency-key': 'dbl' },
    });
    const b = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: f.adminToken,
      body,
      headers: { 'idempotency-key': 'dbl' },
    });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.json.message.id).toBe(a.json.message.id);
    const other = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: f.adminToken,
      body: { text: 'different' },
      headers: { 'idempotency-key': 'dbl' },
    });
    expect(other.status).toBe(409);
  });

  it('threads the customer’s answer on their page into the same conversation and tells the console', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    const { id, token } = await newConversation('first question');
    const console = await listen(t.url, { cookie });
    const answer = await call(t.url, 'POST', `/c/${token}/messages`, {
      body: { text: 'and a follow-up' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(answer.status).toBe(201);
    const again = await call(t.url, 'POST', `/c/${token}/messages`, {
      body: { text: 'and a follow-up' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(again.status).toBe(200);
    // Match on the text: the first question's own event may still reach a console that just connected.
    const evt = await waitFor(
      () => console.events.find((e) => e.name === 'message.created' && JSON.stringify(e.payload).includes('and a follow-up')),
      { what: 'the follow-up on the console' },
    );
    expect(evt.payload).toMatchObject({ conversationId: id, message: { text: 'and a follow-up', threadRule: 'portal' } });
    const msgs = await call(t.url, 'GET', `/api/v1/conversations/${id}/messages`, { cookie });
    expect(msgs.json.items.map((m: { text: string }) => m.text)).toEqual(['first question', 'and a follow-up']);
  });

  it('gives an agent a new customer link for a customer who lost theirs, and logs who issued it', async () => {
    const { id, token } = await newConversation('lost my link');
    const cookie = await login(t.url, f.users.agent.email);
    const issued = await call(t.url, 'POST', `/api/v1/conversations/${id}/customer-link`, { cookie, body: {} });
    expect(issued.status).toBe(201);
    const fresh = (issued.json.conversationLink as string).split('/c/')[1] as string;
    expect(fresh).not.toBe(token);
    for (const link of [fresh, token]) {
      const page = await call(t.url, 'GET', `/c/${link}/messages`);
      expect(page.json.items.map((m: { text: string }) => m.text)).toEqual(['lost my link']);
    }
    const events = await call(t.url, 'GET', `/api/v1/conversations/${id}/events`, { cookie });
    const logged = events.json.items.find((e: { type: string }) => e.type === 'conversation.customer_link_issued');
    expect(logged.actor).toEqual({ type: 'user', id: f.users.agent.id });
    expect(JSON.stringify(events.json)).not.toContain(fresh);
  });

  it('keeps internal notes off the customer’s page', async () => {
    const { id, token } = await newConversation('note test');
    const note = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: f.adminToken,
      body: { kind: 'note', text: 'VIP, be nice' },
    });
    expect(note.json.message).toMatchObject({ direction: 'note', visibility: 'private' });
    const page = await call(t.url, 'GET', `/c/${token}/messages`);
    expect(JSON.stringify(page.json)).not.toContain('VIP, be nice');
  });

  it('refuses an unknown customer link, and shows an expired one nothing of the conversation', async () => {
    expect((await call(t.url, 'GET', '/c/ctp_unknown')).status).toBe(404);
    expect(await refusal(t.url, { namespace: '/portal', token: 'ctp_unknown' })).toMatch(/unknown or has expired/);
    const { token } = await newConversation('expiring');
    await t.db.current.db.kysely
      .updateTable('portal_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    // An expired link shows nothing of the conversation; it says so and still takes a message
    // (docs/handoff.md), and the socket refuses it.
    const expired = await call(t.url, 'GET', `/c/${token}/messages`);
    expect([expired.status, expired.json]).toEqual([200, { expired: true, items: [] }]);
    expect(await refusal(t.url, { namespace: '/portal', token })).toMatch(/unknown or has expired/);
  });

  it('resolves, reopens and snoozes with events, and wakes a snoozed conversation on time', async () => {
    const { id } = await newConversation('status test');
    const resolve = await call(t.url, 'POST', `/api/v1/conversations/${id}/status`, { token: f.adminToken, body: { action: 'resolve' } });
    expect(resolve.json.conversation.status).toBe('resolved');
    const twice = await call(t.url, 'POST', `/api/v1/conversations/${id}/status`, { token: f.adminToken, body: { action: 'resolve' } });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/already resolved/);
    await call(t.url, 'POST', `/api/v1/conversations/${id}/status`, { token: f.adminToken, body: { action: 'reopen' } });
    const until = new Date(Date.now() + 1500).toISOString();
    const snooze = await call(t.url, 'POST', `/api/v1/conversations/${id}/status`, {
      token: f.adminToken,
      body: { action: 'snooze', until },
    });
    expect(snooze.json.conversation).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    await waitFor(
      async () => (await call(t.url, 'GET', `/api/v1/conversations/${id}`, { token: f.adminToken })).json.conversation.status === 'open',
      {
        what: 'the snooze to end',
        timeoutMs: 15_000,
      },
    );
    const events = await call(t.url, 'GET', `/api/v1/conversations/${id}/events`, { token: f.adminToken });
    // Routing's own events (queued: nobody is online here) run beside these and are left out.
    const kinds = events.json.items
      .filter((e: { type: string }) => e.type !== 'conversation.queued')
      .map((e: { type: string; data: { to?: string } }) => `${e.type}${e.data.to ? `:${e.data.to}` : ''}`);
    expect(kinds).toEqual([
      'conversation.created',
      'message.received',
      'conversation.status_changed:resolved',
      'conversation.status_changed:open',
      'conversation.status_changed:snoozed',
      'conversation.status_changed:open',
    ]);
  });

  it('reopens a resolved conversation when the customer writes again', async () => {
    const { id, token } = await newConversation('will come back');
    await call(t.url, 'POST', `/api/v1/conversations/${id}/status`, { token: f.adminToken, body: { action: 'resolve' } });
    await call(t.url, 'POST', `/c/${token}/messages`, { body: { text: 'it broke again' } });
    const conv = await call(t.url, 'GET', `/api/v1/conversations/${id}`, { token: f.adminToken });
    expect(conv.json.conversation.status).toBe('open');
  });
});

describe('console sockets see only what their user may see', () => {
  it('refuses a socket without credentials', async () => {
    expect(await refusal(t.url, {})).toMatch(/unauthenticated/);
  });

  it('refuses a signed-in browser socket opened from another site’s page, and accepts our own', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    expect(await refusal(t.url, { cookie, origin: 'https://blog.example.com' })).not.toBeNull();
    expect(await refusal(t.url, { cookie, origin: t.url })).toBeNull();
  });

  it('keeps another workspace’s and another team’s events away from an agent', async () => {
    const other = await createFixture(t);
    const db = t.db.current.db.kysely;
    const team = await db
      .insertInto('teams')
      .values({ workspace_id: f.workspaceId, name: `billing-${Date.now()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const outsider = await listen(t.url, { cookie: await login(t.url, other.users.admin.email) });
    const agent = await listen(t.url, { cookie: await login(t.url, f.users.agent.email) });
    const supervisor = await listen(t.url, { cookie: await login(t.url, f.users.supervisor.email) });

    const { id } = await newConversation('for the billing team only');
    await db.updateTable('conversations').set({ team_id: team.id }).where('id', '=', id).execute();
    await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: f.adminToken,
      body: { kind: 'note', text: 'team-only note' },
    });
    await waitFor(() => supervisor.events.some((e) => JSON.stringify(e.payload).includes('team-only note')), {
      what: 'the supervisor to see the note',
    });
    const mentions = (l: { events: { payload: unknown }[] }) => l.events.some((e) => JSON.stringify(e.payload).includes('team-only note'));
    expect(mentions(agent)).toBe(false);
    expect(mentions(outsider)).toBe(false);
    expect(outsider.events.some((e) => JSON.stringify(e.payload).includes(id))).toBe(false);
    const hidden = await call(t.url, 'GET', `/api/v1/conversations/${id}`, { cookie: await login(t.url, f.users.agent.email) });
    expect(hidden.status).toBe(404);
    // An agent-role API token that belongs to no user sees only what every agent sees.
    const created = await call(t.url, 'POST', '/api/v1/api-tokens', { token: f.adminToken, body: { name: 'bot', role: 'agent' } });
    await db.updateTable('api_tokens').set({ created_by: null }).where('id', '=', created.json.apiToken.id).execute();
    expect((await call(t.url, 'GET', `/api/v1/conversations/${id}`, { token: created.json.token })).status).toBe(404);
  });
});
