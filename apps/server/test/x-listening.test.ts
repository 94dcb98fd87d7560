import { waitFor } from '@centralita/channel-kit/conformance';
import { describe, expect, it } from 'vitest';
import { call, login, useServer } from './harness.ts';
import { createXAccount, storedMessage, useXPeer } from './x-kit.ts';

// Proactive listening on X: a supervisor's saved search runs through recent search on its
// schedule, and a complaint that does not address the brand becomes one proactive conversation,
// whatever finds it again.
let offsetMs = 0;
const t = useServer({ worker: true, pullLockRetryMs: 200, clock: () => new Date(Date.now() + offsetMs) });
const x = useXPeer(t);

const SEARCH = 'GET /2/tweets/search/recent';
const searches = () => x.peer.requests().filter((r) => r.route === SEARCH).length;

/** Lets every saved search come due again (they run at most once a minute). */
async function nextRun() {
  const before = searches();
  offsetMs += 61_000;
  await waitFor(() => searches() > before, { what: 'the saved search to run again' });
}

async function conversationsOf(externalId: string) {
  return t.db.current.db.kysely
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['c.id', 'c.origin'])
    .where('m.external_id', '=', externalId)
    .execute();
}

describe('saved searches on X', () => {
  let accountId = '';
  let searchId = '';
  let supervisor = '';

  it('turns a complaint that does not name the brand into one proactive conversation, across runs and searches', async () => {
    accountId = await createXAccount(t, x.f.adminToken, x.peer, { listening: true });
    supervisor = await login(t.url, x.f.users.supervisor.email);
    const created = await call(t.url, 'POST', `/api/v1/channel-accounts/${accountId}/searches`, {
      cookie: supervisor,
      body: { name: 'Fibra caída', terms: { keywords: ['fibra'], anyOf: ['caída', 'cortada'], language: 'es' }, intervalSeconds: 60 },
    });
    expect(created.status, created.text).toBe(201);
    searchId = created.json.savedSearch.id;
    expect(created.json.savedSearch.query).toContain('-is:retweet');
    expect(created.json.savedSearch.query).toContain(`-from:${x.peer.brand.username}`);
    // A second search that finds the same post.
    const other = await call(t.url, 'POST', `/api/v1/channel-accounts/${accountId}/searches`, {
      cookie: supervisor,
      body: { name: 'Cortes', terms: { keywords: ['cortada'] }, intervalSeconds: 60 },
    });
    expect(other.status, other.text).toBe(201);

    x.peer.addUser({ username: 'vecina_3', name: 'Vecina', followers: 800, location: 'Getafe' });
    const complaint = x.peer.post({ from: 'vecina_3', text: 'otra vez la fibra cortada en mi barrio, esto es un desastre', lang: 'es' });
    const stored = await storedMessage(t, complaint.id, { accountId });
    await nextRun();
    await nextRun();
    const found = await conversationsOf(complaint.id);
    expect(found).toHaveLength(1);
    expect(found[0]?.origin).toBe('proactive');
    expect(found[0]?.id).toBe(stored.conversation_id);
    const listed = await call(t.url, 'GET', `/api/v1/conversations?origin=proactive`, { token: x.f.adminToken });
    expect(listed.json.items.map((c: { id: string }) => c.id)).toContain(stored.conversation_id);
  });

  it('leaves posts that address the brand to the mentions path, and the brand’s own posts out', async () => {
    const mention = x.peer.post({ from: 'vecina_3', text: `@${x.peer.brand.username} la fibra sigue caída`, lang: 'es' });
    const own = x.peer.post({ from: x.peer.brand.username, text: 'Estamos revisando la fibra caída en Getafe', lang: 'es' });
    await nextRun();
    const stored = await storedMessage(t, mention.id, { accountId });
    const rows = await conversationsOf(mention.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.origin).toBe('customer');
    expect(rows[0]?.id).toBe(stored.conversation_id);
    expect(await conversationsOf(own.id)).toHaveLength(0);
  });

  it('stops calling X for a paused search', async () => {
    for (const s of (await call(t.url, 'GET', `/api/v1/channel-accounts/${accountId}/searches`, { cookie: supervisor })).json.items as {
      id: string;
    }[]) {
      const paused = await call(t.url, 'PATCH', `/api/v1/searches/${s.id}`, { cookie: supervisor, body: { paused: true } });
      expect(paused.status, paused.text).toBe(200);
    }
    const before = searches();
    offsetMs += 61_000;
    // Mentions keep being read meanwhile: the account is alive, only its searches are off.
    const mentions = () => x.peer.requests().filter((r) => r.route === 'GET /2/users/:id/mentions').length;
    const m = mentions();
    await waitFor(() => mentions() > m + 3, { what: 'more mention reads' });
    expect(searches()).toBe(before);
    expect(searchId).not.toBe('');
  });
});
