import type { ChannelConnection } from '@centralita/channel-kit';
import { createMemoryContext, type MemoryContext } from '@centralita/channel-kit/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppAdapter } from '../adapter.ts';
import type { WhatsAppConfigInput } from '../config.ts';
import { type GraphPeer, PEER_VERIFY_TOKEN, peerAccount, startGraphPeer, type WhatsAppPeerAccount } from '../testing/index.ts';

// How a Cloud API account comes up, and what "Test connection" tells an administrator, against
// the local Graph peer. Subscribing the app makes the peer verify the callback URL first, as Meta
// does: the verification GET reaches the connection through the local receiver.
const adapter = createWhatsAppAdapter();

interface Setup {
  peer: GraphPeer;
  account: WhatsAppPeerAccount;
  ctx: MemoryContext;
  connection: ChannelConnection;
}

let current: Setup | undefined;
afterEach(async () => {
  await current?.connection.stop();
  await current?.account.close();
  current = undefined;
});

async function setUp(config: Partial<WhatsAppConfigInput> = {}, webhookUrl?: string): Promise<Setup> {
  const peer = await startGraphPeer();
  const account = await peerAccount(peer, { config });
  const ctx = createMemoryContext({ webhookUrl: webhookUrl ?? account.webhookUrl });
  const connection = adapter.connect(
    { id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'WhatsApp', config: adapter.config.parse(account.config) },
    ctx,
  );
  account.forwardTo(connection);
  current = { peer, account, ctx, connection };
  return current;
}

const start = (s: Setup) => s.connection.start(new AbortController().signal);

describe('start', () => {
  it('subscribes the app with the account’s webhook URL, which Meta verifies, and reports ready naming the number', async () => {
    const s = await setUp();
    await start(s);
    expect(s.peer.subscribedApps).toMatchObject([
      { wabaId: s.peer.wabaId, callbackUrl: s.account.webhookUrl, verifyToken: PEER_VERIFY_TOKEN },
    ]);
    // The connection itself answered the peer's verification.
    const verification = s.account.exchanges.find((e) => e.request.method === 'GET');
    expect(verification?.response.status).toBe(200);
    expect(verification?.response.body).toBe(verification?.request.query['hub.challenge']);
    expect(s.ctx.states).toEqual([
      { state: 'connecting', detail: 'Checking the business number with the Graph API.' },
      { state: 'ready', detail: 'Receiving and sending as +34 910 00 00 00 (Acme Tienda); quality green.' },
    ]);
  });

  it('leaves the app’s webhook alone when the account says so', async () => {
    const s = await setUp({ subscribeWebhook: false });
    await start(s);
    expect(s.peer.subscribedApps).toEqual([]);
    expect(s.ctx.states.at(-1)?.state).toBe('ready');
  });

  it('reports the account logged out when Meta refuses the token', async () => {
    const s = await setUp({ accessToken: 'EAAExpiredToken' });
    await expect(start(s)).rejects.toThrow(/190/);
    expect(s.ctx.states.at(-1)).toEqual({
      state: 'logged_out',
      detail: 'Meta refused the access token (190): set a valid system user token.',
    });
    expect(s.peer.subscribedApps).toEqual([]);
  });

  it('fails to start, degraded and saying why, when Meta cannot verify the webhook URL', async () => {
    // Nothing answers there: Meta's verification GET fails, and so does the subscription.
    const s = await setUp({}, 'http://127.0.0.1:9/webhooks/whatsapp');
    await expect(start(s)).rejects.toThrow(/2200/);
    const last = s.ctx.states.at(-1);
    expect(last?.state).toBe('degraded');
    expect(last?.detail).toMatch(/Callback verification failed/);
    expect(s.peer.subscribedApps).toEqual([]);
  });

  it('checks its health by asking for the number', async () => {
    const s = await setUp();
    await start(s);
    expect(await s.connection.checkHealth?.()).toEqual({ ok: true, detail: '+34 910 00 00 00: quality green.' });
    s.peer.failNext({ on: 'phone_number', httpStatus: 503 });
    expect(await s.connection.checkHealth?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/503/) });
  });
});

describe('testConnection', () => {
  const test = async (config: Partial<WhatsAppConfigInput>) => {
    const s = await setUp(config);
    return adapter.testConnection?.(adapter.config.parse(s.account.config));
  };

  it('goes step by step: the API, the number behind the token, the templates', async () => {
    const report = await test({});
    expect(report?.ok).toBe(true);
    expect(report?.checks).toEqual([
      { name: 'api', ok: true, detail: `${current?.peer.url} answered.` },
      { name: 'phone number', ok: true, detail: 'The token reaches +34 910 00 00 00 (Acme Tienda), quality green.' },
      {
        name: 'templates',
        ok: true,
        detail: '4 approved template(s) of 7 (1 more need a media header or button parameters Centralita cannot send yet).',
      },
    ]);
  });

  it('says the token was refused, past an API that answered', async () => {
    const report = await test({ accessToken: 'EAAExpiredToken' });
    expect(report?.ok).toBe(false);
    expect(report?.checks.map((c) => [c.name, c.ok])).toEqual([
      ['api', true],
      ['phone number', false],
    ]);
    expect(report?.checks[1]?.detail).toMatch(/^Meta refused the access token \(190\)/);
  });

  it('says the Graph API could not be reached', async () => {
    const report = await test({ graphUrl: 'http://127.0.0.1:9' });
    expect(report?.ok).toBe(false);
    expect(report?.checks).toHaveLength(1);
    expect(report?.checks[0]).toMatchObject({
      name: 'api',
      ok: false,
      detail: expect.stringMatching(/^http:\/\/127\.0\.0\.1:9 could not be reached: /),
    });
  });

  it('says templates cannot be listed without a business account id', async () => {
    const report = await test({ businessAccountId: undefined, subscribeWebhook: false });
    expect(report?.ok).toBe(false);
    expect(report?.checks.map((c) => [c.name, c.ok])).toEqual([
      ['api', true],
      ['phone number', true],
      ['templates', false],
    ]);
    expect(report?.checks[2]?.detail).toMatch(/No WhatsApp Business Account id: templates cannot be listed/);
  });

  it('tells the template list failing apart from the number', async () => {
    const s = await setUp();
    s.peer.failNext({ on: 'templates', code: 100, details: 'Unsupported get request' });
    const report = await adapter.testConnection?.(adapter.config.parse(s.account.config));
    expect(report?.checks.map((c) => [c.name, c.ok])).toEqual([
      ['api', true],
      ['phone number', true],
      ['templates', false],
    ]);
    expect(report?.checks[2]?.detail).toMatch(/Meta answered 400 \(100\): Unsupported get request/);
  });
});
