import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, conversationOfIdentity, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';
import { listen } from './sockets.ts';

// The API behind the console: search, live counts, tags, canned responses, signatures, retries,
// queues and presence.
const t = useServer({ worker: false });
let f: Fixture;
const ids: Record<string, string> = {};

const conversationOf = (email: string) => conversationOfIdentity(t, email);

beforeAll(async () => {
  f = await createFixture(t);
  const posts = [
    { name: 'Ana García', email: 'ana@example.com', subject: 'Facturación', message: 'Las facturas de noviembre llegaron duplicadas.' },
    { name: 'José Núñez', email: 'jose@example.com', subject: 'Router', message: 'The router keeps rebooting every night.' },
    { name: 'Luis', email: 'luis@example.com', subject: 'Otra cosa', message: 'Quiero darme de baja.' },
  ];
  for (const p of posts) {
    const res = await postForm(t.url, f.formAccountId, p);
    expect(res.status, res.text).toBe(201);
    ids[p.email] = await conversationOf(p.email);
  }
});

const search = async (q: string) =>
  (
    (await call(t.url, 'GET', `/api/v1/conversations?q=${encodeURIComponent(q)}`, { token: f.adminToken })).json.items as { id: string }[]
  ).map((c) => c.id);

describe('search', () => {
  it('finds Spanish words by their stem and without accents, English words by theirs', async () => {
    expect(await search('factura')).toEqual([ids['ana@example.com']]);
    expect(await search('facturacion')).toEqual([ids['ana@example.com']]);
    expect(await search('DUPLICADA')).toEqual([ids['ana@example.com']]);
    expect(await search('reboots')).toEqual([ids['jose@example.com']]);
    expect(await search('nada de esto')).toEqual([]);
  });

  it('finds contacts by part of their name, accents ignored, or of their address', async () => {
    expect(await search('nunez')).toEqual([ids['jose@example.com']]);
    expect(await search('luis@exam')).toEqual([ids['luis@example.com']]);
    // LIKE wildcards are taken literally.
    expect(await search('%')).toEqual([]);
  });
});

describe('counts, tags, canned responses and signatures', () => {
  it('counts live conversations by status, unassigned and all', async () => {
    const res = await call(t.url, 'GET', '/api/v1/conversations/counts', { token: f.adminToken });
    expect(res.json.open).toEqual({ mine: 0, unassigned: 3, teams: 0, all: 3 });
    await call(t.url, 'POST', `/api/v1/conversations/${ids['luis@example.com']}/status`, {
      token: f.adminToken,
      body: { action: 'resolve' },
    });
    const after = await call(t.url, 'GET', '/api/v1/conversations/counts', { token: f.adminToken });
    expect(after.json.open.all).toBe(2);
  });

  it('tags a conversation, filters by tag, and records who did it', async () => {
    const id = ids['ana@example.com'] as string;
    const res = await call(t.url, 'PUT', `/api/v1/conversations/${id}/tags`, {
      token: f.adminToken,
      body: { tags: ['Facturación', 'vip', 'vip'] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.conversation.tags).toEqual(['facturación', 'vip']);
    const list = await call(t.url, 'GET', '/api/v1/conversations?tag=VIP', { token: f.adminToken });
    expect(list.json.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const bad = await call(t.url, 'PUT', `/api/v1/conversations/${id}/tags`, { token: f.adminToken, body: { tags: ['<script>'] } });
    expect(bad.status).toBe(422);
    const events = await call(t.url, 'GET', `/api/v1/conversations/${id}/events`, { token: f.adminToken });
    expect(events.json.items.map((e: { type: string }) => e.type)).toContain('conversation.tagged');
  });

  it('keeps canned responses per workspace, made by supervisors', async () => {
    const agent = await login(t.url, f.users.agent.email);
    const refused = await call(t.url, 'POST', '/api/v1/canned-responses', { cookie: agent, body: { shortcut: 'hola', text: 'Hola' } });
    expect(refused.status).toBe(403);
    const made = await call(t.url, 'POST', '/api/v1/canned-responses', {
      token: f.adminToken,
      body: { shortcut: 'fibra', text: 'Estamos revisando la fibra de tu zona.' },
    });
    expect(made.status, made.text).toBe(201);
    const twice = await call(t.url, 'POST', '/api/v1/canned-responses', { token: f.adminToken, body: { shortcut: 'fibra', text: 'x' } });
    expect(twice.status).toBe(409);
    const list = await call(t.url, 'GET', '/api/v1/canned-responses', { cookie: agent });
    expect(list.json.items).toEqual([made.json.cannedResponse]);
    expect(made.json.cannedResponse).toMatchObject({ shortcut: 'fibra', text: 'Estamos revisando la fibra de tu zona.' });
  });

  it('keeps an agent’s signature and shows it in /auth/me', async () => {
    const agent = await login(t.url, f.users.agent.email);
    const set = await call(t.url, 'PATCH', '/api/v1/me', { cookie: agent, body: { signature: 'Marta · Soporte' } });
    expect(set.status, set.text).toBe(200);
    const me = await call(t.url, 'GET', '/api/v1/auth/me', { cookie: agent });
    expect(me.json.user.signature).toBe('Marta · Soporte');
    expect(set.json).toEqual({ user: me.json.user });
  });

  it('sends a failed reply again only once, and only if it failed', async () => {
    const id = ids['jose@example.com'] as string;
    const posted = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: f.adminToken, body: { text: 'Lo miramos' } });
    const messageId = posted.json.message.id as string;
    const early = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages/${messageId}/retry`, { token: f.adminToken });
    expect(early.status).toBe(409);
    await t.db.current.db.kysely
      .updateTable('messages')
      .set({ delivery_state: 'failed', failure_reason: 'down' })
      .where('id', '=', messageId)
      .execute();
    const retried = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages/${messageId}/retry`, { token: f.adminToken });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.message).toMatchObject({ deliveryState: 'queued', failureReason: null });
    const again = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages/${messageId}/retry`, { token: f.adminToken });
    expect(again.status).toBe(409);
  });

  it('shows the waiting queue with its oldest wait', async () => {
    const res = await call(t.url, 'GET', '/api/v1/routing/queues', { token: f.adminToken });
    expect(res.status, res.text).toBe(200);
    const none = res.json.items.find((q: { teamId: string | null }) => q.teamId === null);
    expect(none.waiting).toBeGreaterThanOrEqual(1);
    expect(new Date(none.oldestSince).getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('presence', () => {
  it('tells everyone viewing a conversation who else is viewing it, and when they leave', async () => {
    const id = ids['ana@example.com'] as string;
    const agent = await listen(t.url, { cookie: await login(t.url, f.users.agent.email) });
    const supervisor = await listen(t.url, { cookie: await login(t.url, f.users.supervisor.email) });
    const viewersSeenBy = (l: typeof agent) => {
      const last = l.events.filter((e) => e.name === 'presence.updated').at(-1)?.payload as { viewers: { name: string }[] } | undefined;
      return last?.viewers.map((v) => v.name).sort() ?? [];
    };
    agent.socket.emit('presence.view', { conversationId: id });
    await waitFor(() => viewersSeenBy(agent).join() === 'agent', { what: 'the agent alone' });
    supervisor.socket.emit('presence.view', { conversationId: id });
    await waitFor(() => viewersSeenBy(agent).join() === 'agent,supervisor', { what: 'the agent to see the supervisor' });
    supervisor.socket.emit('presence.leave');
    await waitFor(() => viewersSeenBy(agent).join() === 'agent', { what: 'the supervisor to leave' });
    // A conversation id that does not exist (or is not visible) is ignored.
    supervisor.socket.emit('presence.view', { conversationId: '00000000-0000-4000-8000-000000000000' });
  });
});
