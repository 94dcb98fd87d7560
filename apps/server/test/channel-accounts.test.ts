import { type ChannelAdapter, countCodePoints, defineCapabilities, parseWithSchema } from '@centralita/channel-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installedAdapters } from '../src/adapters.ts';
import { call, createFixture, type Fixture, login, useServer } from './harness.ts';

const SECRET = 'sk_live_do-not-leak-0123456789';

/** A push adapter with a secret field, to prove secrets are sealed and never shown. */
const secretive: ChannelAdapter<{ apiKey: string; region: string }> = {
  kind: 'secretive',
  displayName: 'Secretive (test)',
  capabilities: defineCapabilities({ inbound: { push: true, pull: false } }),
  config: {
    parse: (raw) => parseWithSchema(z.object({ apiKey: z.string().min(10), region: z.string().default('eu') }), raw),
    secretKeys: ['apiKey'],
  },
  measureText: countCodePoints,
  connect: (account, ctx) => ({
    async start() {
      ctx.logger.info({ config: account.config }, 'connected with config');
    },
    async stop() {},
    async send() {
      return { externalIds: ['x'], state: 'sent' };
    },
    async handleWebhook() {
      return { status: 200, body: { region: account.config.region } };
    },
  }),
};

const t = useServer({ adapters: [secretive as ChannelAdapter] });
let f: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
});

describe('channel accounts', () => {
  it('lists the installed channel kinds with their capabilities and what a console shows', async () => {
    const res = await call(t.url, 'GET', '/api/v1/channel-kinds', { token: f.adminToken });
    const kinds = res.json.items.map((k: { kind: string }) => k.kind);
    // Whatever this server installs (derived, so a new channel needs no change here), and the test's own.
    expect(kinds).toEqual([...installedAdapters().map((a) => a.kind), 'secretive']);
    for (const item of res.json.items as { kind: string; displayName: string; icon: string; visibilityLabels: object }[]) {
      expect(item.displayName.length, item.kind).toBeGreaterThan(0);
      expect(item.icon, item.kind).toMatch(/^<svg[\s\S]*<\/svg>$/);
    }
    const webform = res.json.items.find((k: { kind: string }) => k.kind === 'webform');
    expect(webform.capabilities).toMatchObject({ customerPortal: true, visibilities: ['private'] });
    expect(webform.visibilityLabels.private).toBe('Customer page');
    // Each field with the form input its config schema describes (docs/adapters/README.md).
    expect(webform.fields).toContainEqual({
      name: 'title',
      label: 'Form title',
      help: null,
      secret: false,
      input: { type: 'string', default: 'Contact us', required: false },
    });
    expect(webform.testable).toBe(false);
    const x = res.json.items.find((k: { kind: string }) => k.kind === 'twitter');
    expect(x.testable).toBe(true);
    expect(x.fields.find((field: { name: string }) => field.name === 'tier').input).toEqual({
      type: 'enum',
      options: ['self_serve', 'enterprise'],
      default: 'self_serve',
      required: false,
    });
    expect(x.fields.find((field: { name: string }) => field.name === 'accessToken')).toMatchObject({
      secret: true,
      input: { required: true },
    });
    // Its words in Spanish, for a console in Spanish; an adapter without any has none.
    expect(webform.locales.es).toMatchObject({ displayName: 'Formulario web', visibilities: { private: 'Página del cliente' } });
    expect(res.json.items.find((k: { kind: string }) => k.kind === 'email').locales.es.displayName).toBe('Correo electrónico');
    // An adapter that labels nothing still gets a label for each secret field and a default icon.
    const secretive = res.json.items.find((k: { kind: string }) => k.kind === 'secretive');
    expect(secretive.fields).toEqual([
      { name: 'apiKey', label: 'Api key', help: null, secret: true, input: { type: 'string', required: false } },
    ]);
    expect(secretive.visibilityLabels).toEqual({ public: 'Public', private: 'Private' });
    expect(secretive.locales).toEqual({});
  });

  it('encrypts secrets at rest and never returns or logs them', async () => {
    const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'secretive', name: 'Vault', config: { apiKey: SECRET, region: 'latam' } },
    });
    expect(res.status).toBe(201);
    expect(res.json.channelAccount).toMatchObject({ kind: 'secretive', settings: { region: 'latam' }, secrets: { apiKey: 'set' } });
    expect(res.text).not.toContain(SECRET);
    const row = await t.db.current.db.kysely
      .selectFrom('channel_accounts')
      .selectAll()
      .where('id', '=', res.json.channelAccount.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SECRET);
    // The adapter gets the decrypted secret (its webhook answers with the parsed config).
    const hook = await call(t.url, 'POST', `/webhooks/${res.json.channelAccount.id}`, { body: {} });
    expect(hook.json).toEqual({ region: 'latam' });
    const list = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken });
    expect(list.text).not.toContain(SECRET);
    expect(t.logs.join('')).not.toContain(SECRET);
    expect(t.logs.join('')).toContain('connected with config');
  });

  it('keeps a secret when a patch omits it, and applies new settings at once', async () => {
    const created = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'secretive', name: 'V2', config: { apiKey: SECRET } },
    });
    await call(t.url, 'POST', `/webhooks/${created.json.channelAccount.id}`, { body: {} });
    const patched = await call(t.url, 'PATCH', `/api/v1/channel-accounts/${created.json.channelAccount.id}`, {
      token: f.adminToken,
      body: { config: { region: 'apac' } },
    });
    expect(patched.json.channelAccount).toMatchObject({ settings: { region: 'apac' }, secrets: { apiKey: 'set' } });
    const hook = await call(t.url, 'POST', `/webhooks/${created.json.channelAccount.id}`, { body: {} });
    expect(hook.json).toEqual({ region: 'apac' });
  });

  it('refuses an unknown kind and a bad config, naming what is wrong', async () => {
    const unknown = await call(t.url, 'POST', '/api/v1/channel-accounts', { token: f.adminToken, body: { kind: 'fax', name: 'Fax' } });
    expect(unknown.status).toBe(422);
    const installed = [...installedAdapters().map((a) => a.kind), 'secretive'].join(', ');
    expect(unknown.json.error.message).toBe(`Unknown channel kind "fax"; this server has ${installed}.`);
    const bad = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'secretive', name: 'Bad', config: { apiKey: 'short' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].path).toBe('apiKey');
    expect(bad.text).not.toContain('short"');
    const typo = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'webform', name: 'Typo', config: { submisionsPerMinute: 5 } },
    });
    expect(typo.status).toBe(422);
    expect(typo.json.error.message).toMatch(/submisionsPerMinute/);
  });

  it('stops answering webhooks for a deactivated account', async () => {
    const created = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'webform', name: 'Old form' },
    });
    expect((await call(t.url, 'GET', `/webhooks/${created.json.channelAccount.id}`)).status).toBe(200);
    await call(t.url, 'PATCH', `/api/v1/channel-accounts/${created.json.channelAccount.id}`, {
      token: f.adminToken,
      body: { active: false },
    });
    expect((await call(t.url, 'GET', `/webhooks/${created.json.channelAccount.id}`)).status).toBe(404);
  });

  it('lets only admins add accounts', async () => {
    const cookie = await login(t.url, f.users.supervisor.email);
    const res = await call(t.url, 'POST', '/api/v1/channel-accounts', { cookie, body: { kind: 'webform', name: 'Nope' } });
    expect(res.status).toBe(403);
  });
});
