import { waitFor } from '@centralita/channel-kit/conformance';
import { measurePost } from '@centralita/channel-twitter';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { call, useServer } from './harness.ts';
import { createXAccount, deliveryOf, partsOf, storedMessage, useXPeer } from './x-kit.ts';

// X out: an agent's reply goes through the outbox to the peer as a reply to the customer's latest
// post (or as a DM, or as a numbered thread), and what the self-serve tier forbids never leaves.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const x = useXPeer(t);

async function reply(conversationId: string, body: Record<string, unknown>) {
  return call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { cookie: x.cookie, body });
}

async function replyOptions(conversationId: string) {
  const res = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/reply-options`, { cookie: x.cookie });
  expect(res.status, res.text).toBe(200);
  return res.json as {
    defaultVisibility: string;
    options: {
      visibility: string;
      limit: number | null;
      decision: { allowed: boolean; reason?: string; alternatives?: { kind: string; url?: string }[] };
    }[];
  };
}

describe('replies on X', () => {
  let conversationId = '';
  let latestPost = '';

  it('answers a mention publicly, as a reply to the customer’s latest post, and threads the answer back', async () => {
    await createXAccount(t, x.f.adminToken, x.peer, { webhook: true, mentions: true, reconcileSeconds: 0.2 });
    x.peer.addUser({ username: 'marta_r', name: 'Marta', followers: 5_000, acceptsDms: true });
    const first = x.peer.post({ from: 'marta_r', text: `@${x.peer.brand.username} no tengo internet` });
    conversationId = (await storedMessage(t, first.id)).conversation_id;
    // In a reply, leading handles are X's addressees; she names the brand in her own words.
    latestPost = x.peer.post({ from: 'marta_r', text: `¿hay alguien ahí, @${x.peer.brand.username}?`, replyTo: first.id }).id;
    await storedMessage(t, latestPost);
    expect((await replyOptions(conversationId)).defaultVisibility).toBe('public');
    const res = await reply(conversationId, { text: 'Hola Marta, ya lo estamos mirando' });
    expect(res.status, res.text).toBe(201);
    expect(res.json.message.visibility).toBe('public');
    await deliveryOf(t, res.json.message.id, 'sent');
    const sent = x.peer.createdPosts().find((p) => p.post.text.includes('ya lo estamos mirando'));
    expect(sent?.replyTo).toBe(latestPost);
    // Her answer to our reply joins the same conversation.
    const answer = x.peer.post({ from: 'marta_r', text: `@${x.peer.brand.username} gracias`, replyTo: sent?.post.id ?? '' });
    expect((await storedMessage(t, answer.id)).conversation_id).toBe(conversationId);
  });

  it('refuses a public reply over 280 weighted characters unless the agent allows a thread, then posts one', async () => {
    const long = `${'Estamos revisando la avería de fibra en tu zona 🛠️ y te contamos en cuanto sepamos algo más. '.repeat(4)}Estado: https://status.example.com/incidents/2026/12/01/fibra-madrid-norte?ref=x y ayuda: https://help.example.com/articles/como-reiniciar-el-router-paso-a-paso 🙏`;
    expect(long.length).toBeGreaterThan(500);
    // Her "gracias" only answered our reply (X's leading handle): she names the brand again.
    const again = x.peer.post({ from: 'marta_r', text: `sigo esperando, @${x.peer.brand.username}`, replyTo: latestPost });
    await storedMessage(t, again.id);
    const refused = await reply(conversationId, { text: long, visibility: 'public' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(/280/);
    const accepted = await reply(conversationId, { text: long, visibility: 'public', allowSplit: true });
    expect(accepted.status, accepted.text).toBe(201);
    const id = accepted.json.message.id as string;
    await deliveryOf(t, id, 'sent');
    const parts = await partsOf(t, id);
    expect(parts.length).toBeGreaterThan(1);
    const posts = parts.map((p) => x.peer.createdPosts().find((c) => c.post.id === p));
    // Numbered, each within X's count, each answering the one before it.
    posts.forEach((p, i) => {
      expect(p, `part ${i + 1} reached X`).toBeDefined();
      expect(measurePost(p?.post.text ?? '')).toBeLessThanOrEqual(280);
      expect(p?.post.text).toContain(`(${i + 1}/${parts.length})`);
      expect(p?.replyTo).toBe(i === 0 ? again.id : parts[i - 1]);
    });
  });

  it('answers a DM with a DM by default', async () => {
    const dm = x.peer.sendDm({ from: 'marta_r', text: 'te escribo por aquí mejor' });
    await storedMessage(t, dm.id);
    expect((await replyOptions(conversationId)).defaultVisibility).toBe('private');
    const res = await reply(conversationId, { text: 'Perfecto, seguimos por DM' });
    expect(res.status, res.text).toBe(201);
    expect(res.json.message.visibility).toBe('private');
    await deliveryOf(t, res.json.message.id, 'sent');
    const sent = x.peer.sentDms().find((d) => d.event.text === 'Perfecto, seguimos por DM');
    expect(sent?.recipientId).toBe(x.peer.user('marta_r')?.id);
  });
});

describe('the self-serve reply rule', () => {
  it('never sends a public reply to a post that did not summon the brand, and says why', async () => {
    // A customer answers one of the brand's posts without naming it: X delivers it as a reply.
    const brandPost = x.peer.post({ from: x.peer.brand.username, text: 'Mantenimiento programado esta noche' });
    x.peer.addUser({ username: 'quejica_7', name: 'Quejica', acceptsDms: true });
    const complaint = x.peer.post({ from: 'quejica_7', text: 'otra vez sin servicio, qué vergüenza', replyTo: brandPost.id });
    await x.peer.settled();
    const conversationId = (await storedMessage(t, complaint.id)).conversation_id;
    const options = await replyOptions(conversationId);
    const pub = options.options.find((o) => o.visibility === 'public');
    expect(pub?.decision.allowed).toBe(false);
    expect(pub?.decision.reason).toMatch(/self-serve/);
    expect(pub?.decision.alternatives?.map((a) => a.kind)).toEqual(expect.arrayContaining(['visibility', 'open_external']));
    expect(pub?.decision.alternatives?.find((a) => a.kind === 'open_external')?.url).toContain(complaint.id);
    const before = x.peer.createdPosts().length;
    const refused = await reply(conversationId, { text: 'Lo sentimos mucho', visibility: 'public' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(/only to posts that @mention the brand/);
    expect(refused.json.error.details.reply.alternatives.length).toBeGreaterThan(0);
    // The DM the console offers instead goes out.
    const dm = await reply(conversationId, { text: 'Te escribimos por DM', visibility: 'private' });
    expect(dm.status, dm.text).toBe(201);
    await deliveryOf(t, dm.json.message.id, 'sent');
    await waitFor(() => x.peer.sentDms().some((d) => d.event.text === 'Te escribimos por DM'), { what: 'the DM' });
    expect(x.peer.createdPosts().length).toBe(before);
  });
});

describe('replies held back by a cap', () => {
  it('wait in the outbox most urgent conversation first, and keep that order when rescheduled', async () => {
    // One DM per person per window: the second reply to each customer waits for the window.
    const accountId = await createXAccount(t, x.f.adminToken, x.peer, { dmPerUserPer15Min: 1, mentions: false });
    const db = t.db.current.db.kysely;
    const conversations: string[] = [];
    for (const [name, priority] of [
      ['calma_1', 0],
      ['furia_1', 80],
    ] as const) {
      x.peer.addUser({ username: name, name, acceptsDms: true });
      const dm = x.peer.sendDm({ from: name, text: 'hola' });
      const id = (await storedMessage(t, dm.id, { accountId })).conversation_id;
      await db.updateTable('conversations').set({ priority }).where('id', '=', id).execute();
      conversations.push(id);
      const first = await reply(id, { text: `primera para ${name}` });
      expect(first.status, first.text).toBe(201);
      await deliveryOf(t, first.json.message.id, 'sent');
    }
    const second = await Promise.all(conversations.map(async (id) => (await reply(id, { text: 'segunda' })).json.message.id as string));
    const jobs = await waitFor(async () => {
      const rows = await sql<{ key: string; priority: number; attempts: number; run_at: Date }>`
        SELECT key, priority, attempts, run_at FROM graphile_worker._private_jobs WHERE key = ANY(${second.map((m) => `send:${m}`)})`.execute(
        db,
      );
      // Both were tried once and rescheduled for the window's end.
      return rows.rows.length === 2 && rows.rows.every((r) => r.run_at.getTime() > Date.now() + 60_000) ? rows.rows : undefined;
    });
    const byKey = new Map(jobs.map((j) => [j.key, j.priority]));
    // graphile-worker runs the lowest number first: the furious customer's reply goes first.
    expect(byKey.get(`send:${second[1]}`)).toBe(-80);
    expect(byKey.get(`send:${second[0]}`)).toBe(0);
    for (const id of second) expect((await deliveryOf(t, id, 'queued')).delivery_state).toBe('queued');
    expect(x.peer.sentDms().filter((d) => d.event.text === 'segunda')).toHaveLength(0);
  });
});
