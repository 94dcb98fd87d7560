import { type CapsOverride, peerConfig, startXPeer, X_ROUTES, type XPeer } from '@centralita/channel-twitter/testing';
import { call } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';

// An administrator sets up an X account in the console, against a local X API peer
// (packages/channel-twitter/testing): the form is drawn from what GET /channel-kinds says of X's fields.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();
// The account polls many times a second; X's real caps would stop it within seconds.
const ROOMY: CapsOverride = Object.fromEntries(X_ROUTES.map((r) => [r, { per15min: 1_000_000, per24h: 1_000_000 }]));
let peer: XPeer;
beforeAll(async () => {
  peer = await startXPeer({ caps: ROOMY });
});
afterAll(async () => {
  await peer?.close();
});

const field = (page: Page, name: string) => page.getByTestId('account-form').locator(`[data-field="${name}"]`);

/** Types the peer's credentials and address, and quick polls, as an admin copies them from X's developer console. */
async function typeXSettings(page: Page) {
  const config = peerConfig(peer, { listening: false });
  for (const name of [
    'consumerKey',
    'consumerSecret',
    'accessToken',
    'accessTokenSecret',
    'bearerToken',
    'apiUrl',
    'caCertificate',
  ] as const) {
    await field(page, name).fill(String(config[name]));
  }
  for (const name of ['mentionsIntervalSeconds', 'directMessagesIntervalSeconds', 'reconcileSeconds'] as const) {
    await field(page, name).fill(String(config[name]));
  }
  await page.getByRole('switch', { name: 'Run saved searches' }).click({ force: true });
}

async function openAddForm(page: Page) {
  await page.goto(`${c.url}/channels`);
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.getByTestId('account-form').waitFor();
  await page.getByRole('combobox', { name: 'Channel' }).click();
  await page.getByRole('option', { name: 'X', exact: true }).click();
  await field(page, 'consumerKey').waitFor();
}

async function checks(page: Page) {
  const rows = page.getByTestId('connection-check');
  await rows.first().waitFor();
  return rows.evaluateAll((els) => els.map((e) => ({ ok: e.getAttribute('data-ok'), text: e.textContent })));
}

describe('setting up a channel account in the console', () => {
  it('adds an X account: tests the connection (and names a wrong token), saves it, sees it Ready, and changes a polling interval keeping the secrets', async () => {
    const page = await c.signIn(c.f.users.admin.email);
    await openAddForm(page);
    // Every field as X's schema describes it, under X's own labels and help.
    const form = page.getByTestId('account-form');
    await form.getByText('From the app’s Keys and tokens page in X’s developer console.').waitFor();
    expect(await field(page, 'accessToken').getAttribute('type')).toBe('password');
    expect(await page.getByRole('switch', { name: 'Read mentions' }).isChecked()).toBe(true);
    await page.getByRole('textbox', { name: 'Account name' }).fill(`@${peer.brand.username} on X`);
    await typeXSettings(page);

    await form.getByRole('button', { name: 'Test connection' }).click();
    expect(await checks(page)).toEqual([
      { ok: 'true', text: `OKapi: ${peer.url} answered over TLS.` },
      {
        ok: 'true',
        text: `OKuser token: The access token belongs to @${peer.brand.username} (user id ${peer.brand.id}).`,
      },
    ]);
    await form.getByText('Every check passed.').waitFor();
    await c.shot(page, 'channel-setup');

    // A wrong access token: the user-token check fails, saying X refused it with a 401.
    await field(page, 'accessToken').fill('1-not-the-brands-token');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.getByText('Something is wrong: see the failed check.').waitFor();
    const failed = (await checks(page)).find((x) => x.ok === 'false');
    expect(failed?.text).toContain('user token: X refused the API key and access token (401)');

    // A field the channel refuses is named on the field itself.
    await field(page, 'accessToken').fill(peerConfig(peer).accessToken);
    await field(page, 'apiUrl').fill('not an address');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.locator('.mantine-InputWrapper-error').count()).toBe(1);
    expect(await form.locator('.mantine-InputWrapper-error').textContent()).toMatch(/URL/i);
    await field(page, 'apiUrl').fill(peer.url);
    await form.getByRole('button', { name: 'Save' }).click();

    // Saved: its own screen, where it reaches Ready.
    await page.waitForURL(/\/channels\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;
    await page.getByTestId('channel-screen-twitter').getByTestId('account-state').getByText('Ready').waitFor({ timeout: 20_000 });
    await page.getByTestId('x-account').getByText(`@${peer.brand.username}`).waitFor();

    // Edit settings: prefilled, secrets blank ("set — leave empty to keep"); a new polling interval.
    await page.getByRole('button', { name: 'Edit settings' }).click();
    expect(await field(page, 'mentionsIntervalSeconds').inputValue()).toBe('0.05');
    expect(await field(page, 'accessToken').inputValue()).toBe('');
    expect(await field(page, 'accessToken').getAttribute('placeholder')).toBe('Set — leave empty to keep');
    await field(page, 'mentionsIntervalSeconds').fill('30');
    // The stored secrets fill in what the form leaves empty, for a test too.
    await page.getByTestId('account-form').getByRole('button', { name: 'Test connection' }).click();
    await page.getByTestId('account-form').getByText('Every check passed.').waitFor();
    await page.getByTestId('account-form').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('account-form').waitFor({ state: 'detached' });
    await page.getByTestId('x-inbound').getByText('Mentions, read every 30 s').waitFor();

    const res = await call(c.url, 'GET', '/api/v1/channel-accounts', { token: c.f.adminToken });
    const saved = (res.json.items as { id: string; settings: Record<string, unknown>; secrets: Record<string, string> }[]).find(
      (a) => a.id === id,
    );
    expect(saved?.settings.mentionsIntervalSeconds).toBe(30);
    expect(saved?.settings.brandUsername).toBe(peer.brand.username);
    expect(saved?.secrets).toEqual({
      consumerKey: 'set',
      consumerSecret: 'set',
      accessToken: 'set',
      accessTokenSecret: 'set',
      bearerToken: 'set',
    });
    const test = await call(c.url, 'POST', '/api/v1/channel-accounts/test', { token: c.f.adminToken, body: { accountId: id } });
    expect(test.json.ok, test.text).toBe(true);
    c.expectClean(page);
  });

  it('shows agents no way to add or change an account', async () => {
    const page = await c.signIn(c.f.users.agent.email);
    await page.goto(`${c.url}/channels`);
    await page.getByTestId('channel-account').first().waitFor();
    expect(await page.getByRole('button', { name: 'Add account' }).count()).toBe(0);
    await page.goto(`${c.url}/channels/${c.f.formAccountId}`);
    await page.getByTestId('channel-screen-default').waitFor();
    expect(await page.getByRole('button', { name: 'Edit settings' }).count()).toBe(0);
    c.expectClean(page);
  });

  for (const [lang, viewport] of SCREENS) {
    it(`fits a ${viewport.width} px screen in ${languageName(lang)}, adding and editing`, async () => {
      const page = await c.signIn(c.f.users.admin.email, { viewport, lang });
      const es = lang === 'es';
      await page.goto(`${c.url}/channels`);
      await page.getByRole('button', { name: es ? 'Añadir cuenta' : 'Add account' }).click();
      await page.getByRole('combobox', { name: es ? 'Canal' : 'Channel' }).click();
      await page.getByRole('option', { name: 'X', exact: true }).click();
      await field(page, 'caCertificate').waitFor();
      // X's Spanish labels, from its presentation's locales.
      if (es) await page.getByTestId('account-form').getByText('Nivel de la API').waitFor();
      await expectNoHorizontalScroll(page);
      await page.goto(`${c.url}/channels/${c.f.formAccountId}`);
      await page.getByRole('button', { name: es ? 'Editar ajustes' : 'Edit settings' }).click();
      await field(page, 'maxMessageLength').waitFor();
      await expectNoHorizontalScroll(page);
      if (lang === 'es' && viewport.width === 360) await c.shot(page, 'channel-setup-es-360');
      c.expectClean(page);
    });
  }
});
