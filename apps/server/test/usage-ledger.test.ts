import { randomBytes } from 'node:crypto';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createRelayAdapter, RelayPeer } from '@centralita/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageService } from '../src/services/usage.ts';
import { call, conversationOfIdentity, createFixture, type Fixture, useServer } from './harness.ts';
import { type Listener, listen } from './sockets.ts';

// The relay test channel "charges" 0.005 USD a message read and 0.01 USD a part sent, so the
// ledger, budgets and held replies are exercised with no X or WhatsApp code in the server.

/** The server's clock: real time, or held at one instant while a test needs it to stand still. */
let frozenAt: number | null = null;
let shiftMs = 0;
const clock = () => new Date(frozenAt ?? Date.now() + shiftMs);
const relay = new RelayPeer();
const adapter = createRelayAdapter();
const t = useServer({ adapters: [adapter], clock });
let f: Fixture;
let admin: Listener;

beforeAll(async () => {
  await relay.listen();
  f = await createFixture(t);
});
// Sockets close after each test (sockets.ts): each test listens afresh.
beforeEach(async () => {
  admin = await listen(t.url, { token: f.adminToken });
});
afterAll(() => relay.close());

const api = (method: string, path: string, body?: unknown, token = f.adminToken) =>
  call(t.url, method, `/api/v1${path}`, { token, ...(body !== undefined ? { body } : {}) });

/** A relay account taking signed webhooks, with a token the test knows. */
async function relayAccount(name: string) {
  const token = randomBytes(18).toString('base64url');
  const res = await api('POST', '/channel-accounts', {
    kind: 'relay',
    name,
    config: { host: '127.0.0.1', port: relay.port, mode: 'push', token },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.channelAccount.id as string, token };
}

let seq = 0;
/** A customer writes to the account through its webhook; the account reads one message. */
async function customerWrites(account: { id: string; token: string }, from: string, text = 'hello') {
  seq += 1;
  const req = relay.webhookRequest({ seq, id: `in-${seq}-${randomBytes(3).toString('hex')}`, from, text }, account.token);
  const res = await call(t.url, 'POST', `/webhooks/${account.id}`, {
    body: req.rawBody.toString(),
    headers: req.headers as Record<string, string>,
  });
  expect(res.status, res.text).toBe(200);
}

async function usage(accountId: string, query = '') {
  const res = await api('GET', `/channel-accounts/${accountId}/usage${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json;
}

async function reply(conversationId: string, text: string) {
  const res = await api('POST', `/conversations/${conversationId}/messages`, { text });
  expect(res.status, res.text).toBe(201);
  return res.json.message.id as string;
}

async function message(id: string) {
  const row = await t.db.current.db.kysely
    .selectFrom('messages')
    .select(['conversation_id', 'delivery_state', 'hold_reason'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const listed = await api('GET', `/conversations/${row.conversation_id}/messages`);
  return listed.json.items.find((m: { id: string }) => m.id === id) as { deliveryState: string; holdReason: string | null };
}

async function sendJob(messageId: string) {
  const { rows } = await sql<{ run_at: Date; attempts: number; max_attempts: number; payload: { earlierAttempts?: number } }>`
    SELECT run_at, attempts, max_attempts, payload FROM graphile_worker._private_jobs WHERE key = ${`send:${messageId}`}`.execute(
    t.db.current.db.kysely,
  );
  return rows[0];
}

/** The reply once it is held (queued, with a reason), else undefined. */
async function held(id: string) {
  const m = await message(id);
  return m.deliveryState === 'queued' && m.holdReason !== null ? m : undefined;
}
const socketEvents = (name: string, accountId: string) =>
  admin.events.filter((e) => e.name === name && (e.payload as { channelAccountId: string }).channelAccountId === accountId);

describe('the usage ledger', () => {
  it('counts each kind at the account’s price in force, and shows the month on the account', async () => {
    const account = await relayAccount('Priced');
    for (const n of [1, 2, 3]) await customerWrites(account, `+3460000000${n}`);
    let month = await usage(account.id);
    expect(month.kinds).toEqual([
      { kind: 'message_read', label: 'Messages read', units: 3, unitPrice: 0.005, cost: 0.015 },
      { kind: 'message_sent', label: 'Messages sent', units: 0, unitPrice: 0.01, cost: 0 },
    ]);
    expect(month).toMatchObject({ total: 0.015, budget: null, currency: 'USD', state: 'ok' });

    // The account's own price applies from now on; what was read before keeps its price.
    const put = await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: null, unitPrices: { message_read: 0.02 } });
    expect(put.status, put.text).toBe(200);
    expect(put.json.budget).toEqual({ monthlyBudget: null, currency: 'USD', unitPrices: { message_read: 0.02, message_sent: 0.01 } });
    await customerWrites(account, '+34600000001', 'again');
    await customerWrites(account, '+34600000002', 'again');
    month = await usage(account.id);
    expect(month.kinds[0]).toEqual({ kind: 'message_read', label: 'Messages read', units: 5, unitPrice: 0.02, cost: 0.055 });
    expect(month.total).toBe(0.055);

    const accounts = await api('GET', '/channel-accounts');
    const shown = accounts.json.items.find((a: { id: string }) => a.id === account.id);
    expect(shown.usage).toEqual({ month: month.month, spent: 0.055, budget: null, currency: 'USD', state: 'ok' });
    // A channel that charges nothing has no ledger.
    expect(accounts.json.items.find((a: { id: string }) => a.id === f.formAccountId).usage).toBeNull();
    expect((await api('GET', `/channel-accounts/${f.formAccountId}/usage`)).status).toBe(404);
  });

  it('refuses prices for kinds the channel does not meter, and other workspaces’ accounts', async () => {
    const account = await relayAccount('Checked');
    const bad = await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 10, unitPrices: { posts_read: 0.1 } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toBe(
      'Relay (test) accounts meter message_read, message_sent (a price for one market is kind@CC, such as message_read@ES); there is no usage kind "posts_read".',
    );
    // A price for one market is a declared kind and a country code.
    const market = await api('PUT', `/channel-accounts/${account.id}/budget`, {
      monthlyBudget: 10,
      unitPrices: { 'message_sent@ES': 0.2 },
    });
    expect([market.status, market.json.budget?.unitPrices?.['message_sent@ES']]).toEqual([200, 0.2]);
    expect(
      (await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 10, unitPrices: { 'message_sent@spain': 0.2 } })).status,
    ).toBe(422);
    expect((await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: -1 })).status).toBe(422);

    const other = await createFixture(t);
    expect((await api('GET', `/channel-accounts/${account.id}/usage`, undefined, other.adminToken)).status).toBe(404);
    expect((await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 5 }, other.adminToken)).status).toBe(404);
  });

  it('announces 80% and 100% once each, however many nodes record at once', async () => {
    const account = await relayAccount('Raced');
    expect((await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 1 })).status).toBe(200);
    // Two nodes' ledgers on the one database, 75 sends each at 0.01, all at the same time.
    const nodes = [0, 1].map(
      () =>
        new UsageService({
          db: t.db.current.db,
          clock,
          logger: t.node.ctx.logger,
          commits: t.node.ctx.commits,
          realtime: t.node.ctx.realtime,
        }),
    );
    const meters = nodes.map((n) => n.meter({ id: account.id, workspaceId: f.workspaceId }, adapter));
    const statuses = await Promise.all(Array.from({ length: 150 }, (_, i) => meters[i % 2]?.record('message_sent', 1)));
    // Each record saw the total its own addition made: 150 different totals, up to 1.50 exactly.
    const totals = statuses.map((s) => s?.spent);
    expect(new Set(totals).size).toBe(150);
    expect(Math.max(...(totals as number[]))).toBe(1.5);
    expect(statuses.filter((s) => s?.state === 'warning')).toHaveLength(20);

    const month = await usage(account.id);
    expect(month).toMatchObject({ total: 1.5, budget: 1, state: 'exhausted' });
    const notices = month.events.filter((e: { type: string }) => e.type !== 'channel_account.budget_changed');
    expect(notices.map((e: { type: string; data: { threshold: number } }) => [e.type, e.data.threshold])).toEqual([
      ['channel_account.budget_exhausted', 1],
      ['channel_account.budget_warning', 0.8],
    ]);
    await waitFor(() => socketEvents('channel_account.budget_exhausted', account.id).length === 1, { what: 'the 100% notice' });
    expect(socketEvents('channel_account.budget_warning', account.id)).toHaveLength(1);
    expect(socketEvents('channel_account.budget_warning', account.id)[0]?.payload).toMatchObject({
      usage: { budget: 1, currency: 'USD' },
      event: { type: 'channel_account.budget_warning', data: { month: month.month, budget: 1, currency: 'USD', threshold: 0.8 } },
    });

    // A raised budget is a new one: its own 80% is announced when it is reached.
    await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 1.8 });
    await meters[0]?.record('message_sent', 1);
    await waitFor(() => socketEvents('channel_account.budget_warning', account.id).length === 2, { what: 'the new budget’s 80% notice' });
  });
});

describe('replies and the budget', () => {
  it('holds a reply while the budget is spent, queued and not failed, and sends it when the budget is raised', async () => {
    const account = await relayAccount('Spent');
    await customerWrites(account, '+34611111111', 'my order?');
    await customerWrites(account, '+34611111111', 'hello??');
    expect((await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 0.01 })).status).toBe(200);
    expect((await usage(account.id)).state).toBe('exhausted');

    const conversationId = await conversationOfIdentity(t, '+34611111111');
    const id = await reply(conversationId, 'On its way');
    expect(await waitFor(() => held(id), { what: 'the reply to be held' })).toMatchObject({
      deliveryState: 'queued',
      holdReason: 'Waiting for budget: the monthly budget of 0.01 USD is spent',
    });
    expect(relay.sent.filter((s) => s.ref.startsWith(id))).toEqual([]);
    // The console heard it, and the next try is at the month's turn with no attempt used.
    await waitFor(
      () =>
        admin.events.some(
          (e) => e.name === 'message.updated' && (e.payload as { message: { id: string; holdReason: string | null } }).message.holdReason,
        ),
      { what: 'the held reply’s update' },
    );
    const job = await sendJob(id);
    expect(job).toMatchObject({ attempts: 0, max_attempts: 10 });
    const turn = Date.UTC(clock().getUTCFullYear(), clock().getUTCMonth() + 1, 1);
    expect(Math.abs((job?.run_at.getTime() ?? 0) - turn)).toBeLessThan(5_000);

    const raised = await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 5 });
    expect(raised.json).toMatchObject({ usage: { state: 'ok', budget: 5 }, released: 1 });
    await waitFor(async () => (await message(id)).deliveryState === 'sent', { what: 'the released reply to be sent' });
    expect((await message(id)).holdReason).toBeNull();
    expect(relay.sent.filter((s) => s.ref === `${id}:0`)).toHaveLength(1);
    expect((await usage(account.id)).kinds[1]).toMatchObject({ kind: 'message_sent', units: 1, cost: 0.01 });
  });

  it('keeps a reply queued while the channel is out of credits, without using its attempts', async () => {
    const account = await relayAccount('No credits');
    await customerWrites(account, '+34622222222', 'anyone?');
    const conversationId = await conversationOfIdentity(t, '+34622222222');
    relay.outOfCredits = { reason: 'add credits in the console', retryAfterMs: 300 };
    const id = await reply(conversationId, 'Yes, here');
    // The relay is asked again after each 300 ms it said, and each refusal leaves the attempts whole.
    await waitFor(() => relay.refused.filter((r) => r === `${id}:0`).length >= 3, { what: 'three refused tries' });
    const m = await message(id);
    expect(m).toMatchObject({ deliveryState: 'queued', holdReason: 'The relay is out of credits: add credits in the console' });
    const job = await sendJob(id);
    expect(job).toMatchObject({ attempts: 0, max_attempts: 10 });
    expect(job?.payload.earlierAttempts ?? 0).toBe(0);
    // The same hold is written once, not at every try.
    const holds = await t.db.current.db.kysely
      .selectFrom('events')
      .select('data')
      .where('conversation_id', '=', conversationId)
      .where('type', '=', 'message.held')
      .execute();
    expect(holds).toHaveLength(1);

    relay.outOfCredits = null;
    await waitFor(async () => (await message(id)).deliveryState === 'sent', { what: 'the reply once credits are back' });
    expect((await message(id)).holdReason).toBeNull();
  });

  it('starts each month at zero, and a reply held at the month’s end goes out when it turns', async () => {
    // The server's clock stands one second before a month's end.
    const turn = Date.UTC(2031, 1, 1);
    frozenAt = turn - 1_000;
    const account = await relayAccount('Month end');
    await customerWrites(account, '+34633333333', 'last day!');
    await customerWrites(account, '+34633333333', 'still there?');
    await api('PUT', `/channel-accounts/${account.id}/budget`, { monthlyBudget: 0.01 });
    expect(await usage(account.id)).toMatchObject({ month: '2031-01', total: 0.01, state: 'exhausted' });
    const conversationId = await conversationOfIdentity(t, '+34633333333');
    const id = await reply(conversationId, 'Happy new month');
    expect(await waitFor(() => held(id), { what: 'the reply to be held' })).toMatchObject({
      holdReason: 'Waiting for budget: the monthly budget of 0.01 USD is spent',
    });
    // Its next try is at the turn, a second away; while the clock stands, it waits again.
    expect((await sendJob(id))?.attempts).toBe(0);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await held(id)).toBeDefined();

    frozenAt = null;
    shiftMs = turn + 100 - Date.now();
    await waitFor(async () => (await message(id)).deliveryState === 'sent', { what: 'the reply after the month turned' });
    const february = await usage(account.id, '?months=2');
    expect(february).toMatchObject({ month: '2031-02', total: 0.01, budget: 0.01, state: 'exhausted' });
    expect(february.kinds.map((k: { units: number }) => k.units)).toEqual([0, 1]);
    expect(february.history.map((h: { month: string; total: number }) => [h.month, h.total])).toEqual([
      ['2031-02', 0.01],
      ['2031-01', 0.01],
    ]);
    expect((await usage(account.id, '?month=2031-01')).kinds[0]).toMatchObject({ units: 2, cost: 0.01 });
    shiftMs = 0;
    expect((await usage(account.id)).month).toBe(new Date().toISOString().slice(0, 7));
  });
});
