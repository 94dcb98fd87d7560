import { waitFor } from '@centralita/channel-kit/conformance';
import { describe, expect, it } from 'vitest';
import { call, useServer } from './harness.ts';
import { accountReaches, copiesOf, createXAccount, deliveryOf, storedMessage, useXPeer } from './x-kit.ts';

// What X's limits and bills do to an account: rate limits and outages are waited out with nothing
// lost or doubled; no credits and a spent budget stop the account, visibly, without a retry loop,
// and replies wait in the outbox instead of failing.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const x = useXPeer(t);

const MENTIONS = 'GET /2/users/:id/mentions';
const reads = () => x.peer.requests().filter((r) => r.route === MENTIONS).length;

async function reply(conversationId: string, text: string) {
  const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { cookie: x.cookie, body: { text } });
  expect(res.status, res.text).toBe(201);
  return res.json.message.id as string;
}

async function message(id: string) {
  return t.db.current.db.kysely
    .selectFrom('messages')
    .select(['delivery_state', 'hold_reason', 'failure_reason'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('X limits and money', () => {
  let accountId = '';
  let conversationId = '';

  it('reads on after a 429 (at its reset) and 503s, losing and doubling nothing', async () => {
    accountId = await createXAccount(t, x.f.adminToken, x.peer);
    x.peer.addUser({ username: 'limite_1', name: 'Límite', acceptsDms: true });
    conversationId = (await storedMessage(t, x.peer.post({ from: 'limite_1', text: `@${x.peer.brand.username} primera` }).id))
      .conversation_id;
    x.peer.failNext(MENTIONS, 1, { status: 429, resetInSeconds: 1 });
    x.peer.failNext(MENTIONS, 2, { status: 503 });
    const posts = [1, 2, 3, 4, 5].map((n) => x.peer.post({ from: 'limite_1', text: `@${x.peer.brand.username} mensaje ${n}` }).id);
    const degraded = await accountReaches(t, x.f.adminToken, accountId, 'degraded');
    expect(degraded.detail).toMatch(/rate limit|failed/);
    for (const id of posts) await storedMessage(t, id);
    for (const id of posts) expect(await copiesOf(t, id)).toBe(1);
    await accountReaches(t, x.f.adminToken, accountId, 'ready');
  });

  it('sends a reply exactly once through a 503 and a 429', async () => {
    x.peer.failNext('POST /2/tweets', 1, { status: 503 });
    const first = await reply(conversationId, 'Respuesta tras un 503');
    await deliveryOf(t, first, 'sent', 30_000);
    x.peer.failNext('POST /2/tweets', 1, { status: 429, resetInSeconds: 1 });
    const second = await reply(conversationId, 'Respuesta tras un 429');
    await deliveryOf(t, second, 'sent', 30_000);
    // X puts the handles of the people answered in front of a reply's text.
    const texts = x.peer.createdPosts().map((p) => p.post.text);
    expect(texts.filter((s) => s.endsWith('Respuesta tras un 503'))).toHaveLength(1);
    expect(texts.filter((s) => s.endsWith('Respuesta tras un 429'))).toHaveLength(1);
  });

  it('shows a 402 as the account being out of credits, stops calling X, and holds replies instead of failing them', async () => {
    x.peer.failNext(MENTIONS, 1, { status: 402 });
    const state = await accountReaches(t, x.f.adminToken, accountId, 'out_of_credits');
    expect(state.detail).toMatch(/402/);
    // No retry loop: an hour passes before the next probe.
    const before = reads();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(reads()).toBe(before);
    const held = await reply(conversationId, 'Esto espera a que haya créditos');
    const row = await waitFor(async () => {
      const m = await message(held);
      return m.hold_reason ? m : undefined;
    });
    expect(row.delivery_state).toBe('queued');
    expect(row.hold_reason).toMatch(/402|credits/);
    expect(x.peer.createdPosts().some((p) => p.post.text.endsWith('Esto espera a que haya créditos'))).toBe(false);
  });
});

describe('the monthly budget', () => {
  it('pauses reading and holds replies once the budget is spent, and resumes when an admin raises it', async () => {
    const accountId = await createXAccount(t, x.f.adminToken, x.peer);
    x.peer.addUser({ username: 'caro_1', name: 'Caro', acceptsDms: true });
    const first = x.peer.post({ from: 'caro_1', text: `@${x.peer.brand.username} hola` });
    const conversationId = (await storedMessage(t, first.id, { accountId })).conversation_id;
    // A budget of a tenth of a cent: the next posts read spend it.
    const set = await call(t.url, 'PUT', `/api/v1/channel-accounts/${accountId}/budget`, {
      token: x.f.adminToken,
      body: { monthlyBudget: 0.001 },
    });
    expect(set.status, set.text).toBe(200);
    for (const n of [1, 2]) x.peer.post({ from: 'caro_1', text: `@${x.peer.brand.username} gasto ${n}` });
    const paused = await accountReaches(t, x.f.adminToken, accountId, 'degraded');
    expect(paused.detail).toMatch(/budget/);
    const quiet = reads();
    const late = x.peer.post({ from: 'caro_1', text: `@${x.peer.brand.username} llego con el presupuesto agotado` });
    const held = await reply(conversationId, 'Respuesta sin presupuesto');
    const row = await waitFor(async () => {
      const m = await message(held);
      return m.hold_reason ? m : undefined;
    });
    expect(row.delivery_state).toBe('queued');
    expect(row.hold_reason).toMatch(/budget/i);
    expect(reads()).toBe(quiet);
    expect(await copiesOf(t, late.id, accountId)).toBe(0);

    const raised = await call(t.url, 'PUT', `/api/v1/channel-accounts/${accountId}/budget`, {
      token: x.f.adminToken,
      body: { monthlyBudget: 50 },
    });
    expect(raised.status, raised.text).toBe(200);
    await deliveryOf(t, held, 'sent', 30_000);
    await storedMessage(t, late.id, { accountId });
    await accountReaches(t, x.f.adminToken, accountId, 'ready');
    const usage = await call(t.url, 'GET', `/api/v1/channel-accounts/${accountId}/usage`, { token: x.f.adminToken });
    expect(usage.status, usage.text).toBe(200);
    const kinds = Object.fromEntries((usage.json.kinds as { kind: string; units: number }[]).map((k) => [k.kind, k.units]));
    expect(kinds.owned_post_read).toBeGreaterThanOrEqual(4);
    expect(kinds.reply_create).toBe(1);
  });
});
