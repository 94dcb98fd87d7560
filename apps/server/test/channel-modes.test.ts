import { waitFor } from '@centralita/channel-kit/conformance';
import { createRelayAdapter, RelayPeer } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, useServer } from './harness.ts';

// The relay's accounts either poll its stream or take its signed webhooks: the host must read
// only the polling ones, and let the others answer webhooks.
const relay = new RelayPeer();
const t = useServer({ adapters: [createRelayAdapter()], pullLockRetryMs: 100 });
let f: Fixture;

beforeAll(async () => {
  await relay.listen();
  f = await createFixture(t);
});
afterAll(() => relay.close());

async function account(name: string, mode: 'pull' | 'push') {
  // No token given: the adapter generates one with the account.
  const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
    token: f.adminToken,
    body: { kind: 'relay', name, config: { host: '127.0.0.1', port: relay.port, mode } },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.channelAccount as { id: string; capabilities: { inbound: { push: boolean; pull: boolean }; signedWebhooks: boolean } };
}

async function storedTexts(accountId: string): Promise<string[]> {
  const rows = await t.db.current.db.kysely
    .selectFrom('messages')
    .select('text')
    .where('channel_account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.text);
}

describe('an adapter whose accounts poll or take webhooks', () => {
  it('reads only the accounts that poll, and lets the others answer webhooks', async () => {
    const polling = await account('Polling', 'pull');
    const hooked = await account('Hooked', 'push');
    expect(polling.capabilities).toMatchObject({ inbound: { push: false, pull: true }, signedWebhooks: false });
    expect(hooked.capabilities).toMatchObject({ inbound: { push: true, pull: false }, signedWebhooks: true });

    await waitFor(() => t.node.ctx.channels.runningPullAccounts().includes(polling.id), { what: 'the polling account to run' });
    relay.push('+34600000001', 'read from the stream');
    await waitFor(async () => (await storedTexts(polling.id)).includes('read from the stream'), { what: 'the pulled message' });
    // Several claim rounds later, the webhook account is still not read as a stream.
    await new Promise((r) => setTimeout(r, 350));
    expect(t.node.ctx.channels.runningPullAccounts()).not.toContain(hooked.id);

    // The webhook account registered its URL with the relay when it was saved, with the token
    // generated for it (sealed at rest, never shown), and the relay's signed delivery is taken.
    const row = await t.db.current.db.kysely
      .selectFrom('channel_accounts')
      .select('secrets_encrypted')
      .where('id', '=', hooked.id)
      .executeTakeFirstOrThrow();
    const { token } = t.node.ctx.box.open(row.secrets_encrypted as string);
    expect(token?.length).toBeGreaterThanOrEqual(16);
    expect(relay.webhooks).toEqual([{ url: `${t.url}/webhooks/${hooked.id}`, token }]);
    expect(await relay.deliver(relay.push('+34600000002', 'posted to the webhook'))).toEqual([200]);
    expect(await storedTexts(hooked.id)).toEqual(['posted to the webhook']);
    // Each account says how it is, in the list the console reads.
    const states = async () => {
      const list = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken });
      return new Map(
        (list.json.items as { id: string; state: { state: string; detail: string; changedAt: string } | null }[]).map((a) => [
          a.id,
          a.state,
        ]),
      );
    };
    await waitFor(async () => (await states()).get(polling.id)?.state === 'ready', { what: 'the polling account to be ready' });
    expect((await states()).get(hooked.id)).toMatchObject({
      state: 'ready',
      detail: `The relay delivers to ${t.url}/webhooks/${hooked.id}.`,
    });
    const readySince = (await states()).get(polling.id)?.changedAt;
    relay.dropAll();
    await waitFor(async () => (await states()).get(polling.id)?.changedAt !== readySince, { what: 'the drop to be reported' });
    await waitFor(async () => (await states()).get(polling.id)?.state === 'ready', { what: 'the polling account to be ready again' });
    // The polling account does not take webhooks.
    expect((await fetch(`${t.url}/webhooks/${polling.id}`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('an account whose credentials the channel refuses', () => {
  it('shows as logged out, with what to do, and stops knocking', async () => {
    const strict = await new RelayPeer({ token: 'the-right-token-0123456789' }).listen();
    try {
      const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
        token: f.adminToken,
        body: { kind: 'relay', name: 'Wrong token', config: { host: '127.0.0.1', port: strict.port, token: 'a-wrong-token-0123456789' } },
      });
      expect(res.status, res.text).toBe(201);
      const id = res.json.channelAccount.id as string;
      const state = await waitFor(
        async () => {
          const list = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken });
          const s = list.json.items.find((a: { id: string }) => a.id === id)?.state;
          return s?.state === 'logged_out' && s;
        },
        { what: 'the account to show as logged out' },
      );
      expect(state.detail).toMatch(/refused this account’s token/);
      const since = state.changedAt;
      await new Promise((r) => setTimeout(r, 300));
      const later = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken });
      expect(later.json.items.find((a: { id: string }) => a.id === id)?.state).toMatchObject({ state: 'logged_out', changedAt: since });
    } finally {
      await strict.close();
    }
  });
});

describe('an account whose webhook cannot be registered when it is saved', () => {
  it('answers deliveries all the same, shows as degraded, and registers once the channel is back', { timeout: 20_000 }, async () => {
    relay.failRegistrations = 1;
    const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'relay', name: 'Late hook', config: { host: '127.0.0.1', port: relay.port, mode: 'push' } },
    });
    expect(res.status, res.text).toBe(201);
    const id = res.json.channelAccount.id as string;
    const url = `${t.url}/webhooks/${id}`;
    const stateOf = async () => {
      const list = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken });
      return list.json.items.find((a: { id: string }) => a.id === id)?.state as { state: string; detail: string } | null;
    };
    expect((await stateOf())?.state).toBe('degraded');
    expect(relay.webhooks.map((w) => w.url)).not.toContain(url);

    // A delivery (registered some other way, or from before) is still taken.
    const row = await t.db.current.db.kysely
      .selectFrom('channel_accounts')
      .select('secrets_encrypted')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const { token = '' } = t.node.ctx.box.open(row.secrets_encrypted as string);
    const req = relay.webhookRequest(relay.push('+34600000003', 'before the registration'), token);
    const hook = await fetch(url, { method: 'POST', headers: req.headers as Record<string, string>, body: new Uint8Array(req.rawBody) });
    expect(hook.status, await hook.text()).toBe(200);

    // The host tries again in the background (after 5 s), and the account becomes ready.
    await waitFor(async () => (await stateOf())?.state === 'ready', { what: 'the registration to be retried', timeoutMs: 15_000 });
    expect(relay.webhooks.map((w) => w.url)).toContain(url);
  });
});
