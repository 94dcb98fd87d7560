import { ConfigError, type ConnectionReport } from '@centralita/channel-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { createTwitterAdapter } from './adapter.ts';
import type { TwitterConfig, TwitterConfigInput } from './config.ts';
import { peerConfig, startXPeer, type XPeer } from './testing/index.ts';

// What an admin reads after "Test connection" on an X account: each step on its own, so a wrong
// address, a wrong token and a token of another account read differently. Against the local X
// peer with the real twitter-api-v2 client.
const adapter = createTwitterAdapter();

let peer: XPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function started(): Promise<XPeer> {
  peer = await startXPeer();
  return peer;
}

function configFor(p: XPeer, overrides: Partial<TwitterConfigInput> = {}): TwitterConfig {
  return adapter.config.parse(peerConfig(p, { webhook: true, ...overrides }));
}

function check(report: ConnectionReport, name: string) {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no "${name}" check in ${JSON.stringify(report.checks)}`);
  return found;
}

describe('testing an X account’s settings', () => {
  it('passes every check with good settings and names the brand the token belongs to', async () => {
    const p = await started();
    const report = await adapter.testConnection?.(configFor(p, { brandUserId: p.brand.id, brandUsername: p.brand.username }));
    if (!report) throw new Error('the X adapter tests connections');
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['api', true],
      ['user token', true],
      ['bearer token', true],
    ]);
    expect(check(report, 'user token').detail).toContain(`@${p.brand.username}`);
    expect(check(report, 'user token').detail).toContain(p.brand.id);
  });

  it('says the API answered but refused the access token (401)', async () => {
    const p = await started();
    const report = await adapter.testConnection?.(configFor(p, { accessToken: `${p.brand.id}-revoked-token` }));
    expect(report?.ok).toBe(false);
    expect(check(report as ConnectionReport, 'api').ok).toBe(true);
    const token = check(report as ConnectionReport, 'user token');
    expect(token.ok).toBe(false);
    expect(token.detail).toMatch(/refused the API key and access token \(401\)/);
  });

  it('says the API could not be reached at a wrong address', async () => {
    const p = await started();
    const report = await adapter.testConnection?.(configFor(p, { apiUrl: 'https://127.0.0.1:9' }));
    expect(report?.ok).toBe(false);
    const api = check(report as ConnectionReport, 'api');
    expect(api.ok).toBe(false);
    expect(api.detail).toMatch(/could not be reached/);
    expect(report?.checks.some((c) => c.name === 'user token')).toBe(false);
  });

  it('says the webhook needs the app’s bearer token, and when X refuses the one given', async () => {
    const p = await started();
    const { bearerToken: _bearer, ...withoutBearer } = peerConfig(p, { webhook: true });
    expect(() => adapter.config.parse(withoutBearer)).toThrow(ConfigError);
    // A host that tested the settings without parsing them first still hears it from the test.
    const parsed = adapter.config.parse({ ...withoutBearer, webhook: false });
    const missing = await adapter.testConnection?.({ ...parsed, webhook: true });
    expect(missing?.ok).toBe(false);
    expect(check(missing as ConnectionReport, 'bearer token').detail).toMatch(/needs the app’s bearer token/);
    const wrong = await adapter.testConnection?.(configFor(p, { bearerToken: 'AAAAAAAAAAAAAAAAAAAAAwrong' }));
    expect(wrong?.ok).toBe(false);
    expect(check(wrong as ConnectionReport, 'user token').ok).toBe(true);
    expect(check(wrong as ConnectionReport, 'bearer token').detail).toMatch(/refused the bearer token \(401\)/);
  });

  it('names the account the token belongs to when the settings name another user id', async () => {
    const p = await started();
    const report = await adapter.testConnection?.(configFor(p, { brandUserId: '42' }));
    expect(report?.ok).toBe(false);
    const brand = check(report as ConnectionReport, 'brand');
    expect(brand.ok).toBe(false);
    expect(brand.detail).toContain('42');
    expect(brand.detail).toContain(`@${p.brand.username}`);
    expect(brand.detail).toContain(p.brand.id);
  });

  it('names the account the token belongs to when the settings name another handle', async () => {
    const p = await started();
    const report = await adapter.testConnection?.(configFor(p, { brandUserId: p.brand.id, brandUsername: 'acme_sales' }));
    expect(report?.ok).toBe(false);
    const brand = check(report as ConnectionReport, 'brand');
    expect(brand.detail).toContain('@acme_sales');
    expect(brand.detail).toContain(`@${p.brand.username}`);
  });
});
