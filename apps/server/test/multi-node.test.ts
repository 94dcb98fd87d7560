import { randomBytes } from 'node:crypto';
import { waitFor } from '@centralita/channel-kit/conformance';
import { useTestDatabase } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedAdapters } from '../src/adapters.ts';
import { type Centralita, createCentralita } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { call, createFixture, type Fixture, login, postForm } from './harness.ts';
import { listen } from './sockets.ts';

const database = useTestDatabase();
const nodes: { node: Centralita; url: string }[] = [];
let f: Fixture;

beforeAll(async () => {
  const key = randomBytes(32);
  for (let i = 0; i < 2; i++) {
    const node = createCentralita({
      db: database.current.db,
      logger: createLogger('silent'),
      secretKey: key,
      adapters: installedAdapters(),
    });
    nodes.push({ node, url: await node.listen(0, '127.0.0.1') });
  }
  // createFixture needs only the database handle.
  f = await createFixture({ db: database } as never);
});

/** The two nodes, once started. */
function bothNodes(): [{ url: string }, { url: string }] {
  const [a, b] = nodes;
  if (!a || !b) throw new Error('both nodes should be running');
  return [a, b];
}

afterAll(async () => {
  for (const n of nodes) await n.node.stop();
});

describe('two stateless nodes on one PostgreSQL', () => {
  it('shows a console on node B what a form post to node A stored, and node A’s reply on a customer page served by B', async () => {
    const [a, b] = bothNodes();
    // A session made on node A works on node B: sessions live in PostgreSQL.
    const cookie = await login(a.url, f.users.agent.email);
    const consoleOnB = await listen(b.url, { cookie });
    const posted = await postForm(a.url, f.formAccountId, { name: 'Nodo', email: 'nodo@example.com', message: 'posted to node A' });
    expect(posted.status).toBe(201);
    const created = await waitFor(() => consoleOnB.events.find((e) => e.name === 'message.created'), {
      what: 'node B’s console to hear node A’s message',
    });
    const conversationId = (created.payload as { conversationId: string }).conversationId;

    const token = (posted.json.conversationLink as string).split('/c/')[1] as string;
    const customerOnB = await listen(b.url, { namespace: '/portal', token });
    const reply = await call(a.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      cookie,
      body: { text: 'answered from node A' },
    });
    expect(reply.status).toBe(201);
    await waitFor(() => customerOnB.events.find((e) => JSON.stringify(e.payload).includes('answered from node A')), {
      what: 'the reply on the customer page served by node B',
    });
  });

  it('applies an account change saved on node A to webhooks served by node B', async () => {
    const [a, b] = bothNodes();
    expect((await call(b.url, 'GET', `/webhooks/${f.formAccountId}`)).text).toContain('Contact us');
    await call(a.url, 'PATCH', `/api/v1/channel-accounts/${f.formAccountId}`, {
      token: f.adminToken,
      body: { config: { title: 'Ayuda' } },
    });
    expect((await call(b.url, 'GET', `/webhooks/${f.formAccountId}`)).text).toContain('<title>Ayuda</title>');
    await call(a.url, 'PATCH', `/api/v1/channel-accounts/${f.formAccountId}`, { token: f.adminToken, body: { active: false } });
    expect((await call(b.url, 'GET', `/webhooks/${f.formAccountId}`)).status).toBe(404);
  });
});

describe('event order across nodes', () => {
  it('delivers every conversation’s events to consoles on both nodes in the order they were committed', async () => {
    const [a, b] = bothNodes();
    const token = f.adminToken;
    // The test above deactivated the form.
    await call(a.url, 'PATCH', `/api/v1/channel-accounts/${f.formAccountId}`, { token, body: { active: true } });
    const [onA, onB] = [await listen(a.url, { token }), await listen(b.url, { token })];
    // Many posts at once, so many broadcasts are in flight together on node A.
    const posts = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        postForm(a.url, f.formAccountId, { name: `O${i}`, email: `o${i}@example.com`, message: `order ${i}` }),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual(Array(60).fill(201));
    for (const [where, l] of [
      ['node A', onA],
      ['node B', onB],
    ] as const) {
      await waitFor(() => l.events.filter((e) => e.name === 'message.created').length >= 60, { what: `60 messages on ${where}` });
      const reversed: string[] = [];
      for (const p of posts) {
        const id = p.json.conversationId as string;
        const created = l.events.findIndex(
          (e) => e.name === 'conversation.created' && (e.payload as { conversation: { id: string } }).conversation.id === id,
        );
        const message = l.events.findIndex(
          (e) => e.name === 'message.created' && (e.payload as { conversationId: string }).conversationId === id,
        );
        if (created < 0 || message < created) reversed.push(id);
      }
      expect(reversed, `conversations whose message arrived before the conversation on ${where}`).toEqual([]);
    }
  });
});

describe('routing across nodes', () => {
  it('asks the other nodes to route when an agent comes online on one', async () => {
    const [, b] = bothNodes();
    const routingA = nodes[0]?.node.ctx.routing;
    if (!routingA) throw new Error('node A should be running');
    const asked: string[] = [];
    const kick = routingA.kick.bind(routingA);
    routingA.kick = (workspaceId: string) => {
      asked.push(workspaceId);
      kick(workspaceId);
    };
    const cookie = await login(b.url, f.users.agent.email);
    const res = await call(b.url, 'POST', '/api/v1/me/status', { cookie, body: { status: 'online' } });
    expect(res.json.agent.status).toBe('online');
    await waitFor(() => asked.includes(f.workspaceId), { what: 'node A to be asked to route the workspace' });
  });
});
