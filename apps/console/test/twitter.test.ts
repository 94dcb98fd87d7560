import { join } from 'node:path';
import type { ChannelAdapter } from '@centralita/channel-kit';
import { createTwitterAdapter } from '@centralita/channel-twitter';
import { recordUsage } from '@centralita/db';
import { call, createFixture, type Fixture } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { artifacts, expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';

// The server installs X (apps/server/src/adapters.ts); the adapter here only lends its example settings.
const x = createTwitterAdapter() as ChannelAdapter;
// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

const month = (offset = 0) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
};

/** An X account made through the API with the adapter's example settings (it reaches no X). */
async function xAccount(f: Fixture, name = '@marca en X'): Promise<string> {
  const res = await call(c.url, 'POST', '/api/v1/channel-accounts', {
    token: f.adminToken,
    body: { kind: 'twitter', name, config: { ...x.config.example?.(), brandUsername: 'marca' } },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.channelAccount.id as string;
}

/** What X charged this account for, straight into the ledger at the list prices. */
async function spend(f: Fixture, accountId: string, m: string, kind: string, units: number, unitPrice: number) {
  const where = { workspaceId: f.workspaceId, channelAccountId: accountId };
  await recordUsage(c.server.db.current.db.kysely, where, { month: m, kind, units, unitPrice, currency: 'USD' });
}

async function openAccount(page: Page, id: string) {
  await page.goto(`${c.url}/channels/${id}`);
  await page.getByTestId('channel-screen-twitter').waitFor();
}

describe('an X account', () => {
  it('shows its tier, how posts arrive, the month’s usage by kind with any month picked, and the budget an admin sets', async () => {
    const f = await createFixture(c.server);
    const id = await xAccount(f);
    await spend(f, id, month(), 'owned_post_read', 1200, 0.001);
    await spend(f, id, month(), 'dm_create', 10, 0.015);
    await spend(f, id, month(-1), 'post_read', 400, 0.005);
    const page = await c.signIn(f.users.admin.email);
    await openAccount(page, id);
    const account = page.getByTestId('x-account');
    await account.getByText('Self-serve (pay-per-use, Basic, Pro)').waitFor();
    await account.getByText('Public replies only to posts that mention the brand', { exact: false }).waitFor();
    await account.getByText('@marca').waitFor();
    // The example settings read mentions and DMs and take the webhook.
    const inbound = await account.getByTestId('x-inbound').locator('li').allTextContents();
    expect(inbound).toEqual([
      'OnMentions, read every 60 s',
      'OnDMs, read every 120 s',
      'OnReal time by webhook (gaps filled every 900 s)',
      'OnSaved searches, each on its own schedule',
    ]);

    const usage = page.getByTestId('usage');
    const line = (label: string) => usage.getByTestId('usage-row').filter({ hasText: label });
    await expect
      .poll(() => line('Own mentions read').locator('td').allTextContents())
      .toEqual(['Own mentions read', '1,200', '$0.001', '$1.20']);
    expect(await line('DMs sent').locator('td').allTextContents()).toEqual(['DMs sent', '10', '$0.015', '$0.15']);
    expect(await usage.getByTestId('usage-total').textContent()).toBe('$1.35');
    await usage.getByText('No monthly budget: nothing is held back.').waitFor();
    // Last month, picked by name.
    await usage.getByRole('combobox', { name: 'Month' }).click();
    const [year, mon] = month(-1).split('-').map(Number) as [number, number];
    const last = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(Date.UTC(year, mon - 1, 1)),
    );
    await page.getByRole('option', { name: last }).click();
    await expect.poll(() => usage.getByTestId('usage-total').textContent()).toBe('$2.00');
    expect(await line('Posts read (search, webhook)').locator('td').nth(1).textContent()).toBe('400');

    // The budget, as an administrator sets it: 1.35 of 1.50 is 90 %.
    const editor = page.getByTestId('budget-editor');
    await editor.getByLabel('Monthly budget (USD)').fill('1.50');
    await editor.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('Budget saved.').waitFor();
    await usage.getByRole('combobox', { name: 'Month' }).click();
    await page
      .getByRole('option', { name: new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' }).format(new Date()) })
      .click();
    await expect.poll(() => usage.getByTestId('usage-budget').textContent()).toBe('$1.35 of $1.50 (90 %)');
    expect(await usage.getByTestId('budget-state').textContent()).toBe('80 % of the budget spent');
    await c.shot(page, 'channel-x');
    c.expectClean(page);
  });

  it('tells admins on every screen when a budget is 80 % or all spent, and what happens, and nobody else', async () => {
    const f = await createFixture(c.server);
    const warned = await xAccount(f, 'Marca ES');
    const spent = await xAccount(f, 'Marca MX');
    await xAccount(f, 'Marca AR');
    await spend(f, warned, month(), 'post_read', 170, 0.005);
    await spend(f, spent, month(), 'post_read', 200, 0.005);
    for (const account of [warned, spent]) {
      const res = await call(c.url, 'PUT', `/api/v1/channel-accounts/${account}/budget`, {
        token: f.adminToken,
        body: { monthlyBudget: 1 },
      });
      expect(res.status, res.text).toBe(200);
    }
    const page = await c.signIn(f.users.admin.email);
    const banners = page.getByTestId('budget-banner');
    await expect.poll(() => banners.count()).toBe(2);
    const texts = await banners.allTextContents();
    expect(texts.find((s) => s.startsWith('Marca ES'))).toBe(
      'Marca ES has spent $0.85 of its monthly budget of $1.00. At 100 %, replies wait until the budget is raised or the month turns.See the budget',
    );
    expect(texts.find((s) => s.startsWith('Marca MX'))).toBe(
      'Marca MX has spent its monthly budget of $1.00: replies wait until the budget is raised or the month turns.See the budget',
    );
    await c.shot(page, 'budget-banner');
    // It links to the account, where the budget is raised; raising it clears that banner.
    await banners.filter({ hasText: 'Marca MX' }).getByRole('link', { name: 'See the budget' }).click();
    await page.getByTestId('channel-screen-twitter').waitFor();
    await page.getByTestId('budget-editor').getByLabel('Monthly budget (USD)').fill('10');
    await page.getByTestId('budget-editor').getByRole('button', { name: 'Save budget' }).click();
    await expect.poll(() => banners.count()).toBe(1);
    c.expectClean(page);

    for (const role of ['agent', 'supervisor'] as const) {
      const other = await c.signIn(f.users[role].email);
      await other.waitForLoadState('networkidle');
      expect(await other.getByTestId('budget-banner').count(), role).toBe(0);
    }
  });

  it('lets a supervisor save, pause, change and delete searches, showing X’s query and why one cannot run', async () => {
    const f = await createFixture(c.server);
    const id = await xAccount(f);
    const page = await c.signIn(f.users.supervisor.email);
    await openAccount(page, id);
    const searches = page.getByTestId('saved-searches');
    await searches.getByText('No saved searches yet.').waitFor();
    await searches.getByRole('button', { name: 'New search' }).click();
    const dialog = page.getByRole('dialog', { name: 'New saved search' });
    await dialog.getByLabel('Name').fill('Retrasos');
    await dialog.getByLabel('Words (all of them)').fill('pedido');
    await dialog.getByLabel('Words (all of them)').press('Enter');
    await dialog.getByLabel('Exact phrases').fill('no llega');
    await dialog.getByLabel('Exact phrases').press('Enter');
    await dialog.getByLabel('Hashtags').fill('envios');
    await dialog.getByLabel('Hashtags').press('Enter');
    await dialog.getByLabel('Language', { exact: true }).fill('es');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const card = searches.getByTestId('saved-search').filter({ hasText: 'Retrasos' });
    await card.getByTestId('search-query').waitFor();
    const query = (await card.getByTestId('search-query').textContent()) ?? '';
    // X's own query, as the adapter builds it from the terms.
    for (const part of ['pedido', '"no llega"', '#envios', 'lang:es', '-is:retweet']) expect(query).toContain(part);
    expect(await card.getByTestId('search-state').textContent()).toBe('Running');
    await card.getByText('Every 5 minutes').waitFor();
    // The list alone, for the docs, without the toast that says it was saved.
    await page.addStyleTag({ content: '.mantine-Notifications-root { display: none }' });
    await searches.screenshot({ path: join(artifacts, 'channel-x-searches.png') });

    await card.getByRole('button', { name: 'Pause Retrasos' }).click();
    await expect.poll(() => card.getByTestId('search-state').textContent()).toBe('Paused');
    await card.getByRole('button', { name: 'Resume Retrasos' }).click();
    await expect.poll(() => card.getByTestId('search-state').textContent()).toBe('Running');

    // A query longer than the tier takes is refused with X's reason, and nothing changes.
    await card.getByRole('button', { name: 'Edit Retrasos' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Retrasos”' });
    for (let i = 0; i < 45; i++) {
      await edit.getByLabel('Any of these words').fill(`palabralarga${i}`);
      await edit.getByLabel('Any of these words').press('Enter');
    }
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByTestId('search-error').waitFor();
    expect(await edit.getByTestId('search-error').textContent()).toMatch(/512/);
    await c.shot(page, 'channel-x-search-refused');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    expect(await card.getByTestId('search-query').textContent()).toBe(query);

    await card.getByRole('button', { name: 'Delete Retrasos' }).click();
    await page.getByRole('dialog', { name: 'Delete Retrasos' }).getByRole('button', { name: 'Delete' }).click();
    await searches.getByText('No saved searches yet.').waitFor();
    c.expectClean(page);
  });

  it('shows an agent the searches without the controls, and no usage or budget', async () => {
    const f = await createFixture(c.server);
    const id = await xAccount(f);
    const made = await call(c.url, 'POST', `/api/v1/channel-accounts/${id}/searches`, {
      token: f.adminToken,
      body: { name: 'Marca', terms: { keywords: ['marca'] } },
    });
    expect(made.status, made.text).toBe(201);
    const page = await c.signIn(f.users.agent.email);
    await openAccount(page, id);
    await page.getByTestId('saved-search').filter({ hasText: 'Marca' }).waitFor();
    await page.getByText('Supervisors and administrators add and change saved searches.', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'New search' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pause Marca' }).count()).toBe(0);
    expect(await page.getByTestId('usage').count()).toBe(0);
    expect(await page.getByTestId('budget-editor').count()).toBe(0);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const f = await createFixture(c.server);
      const id = await xAccount(f);
      await spend(f, id, month(), 'owned_post_read', 123_456, 0.001);
      const made = await call(c.url, 'POST', `/api/v1/channel-accounts/${id}/searches`, {
        token: f.adminToken,
        body: { name: 'Quejas sobre entregas', terms: { keywords: ['pedido', 'retraso'], hashtags: ['envios'] } },
      });
      expect(made.status, made.text).toBe(201);
      const page = await c.signIn(f.users.admin.email, { viewport: size, lang });
      await openAccount(page, id);
      await page.getByTestId('usage-row').first().waitFor();
      await page.getByTestId('saved-search').waitFor();
      await page
        .getByTestId('x-account')
        .getByText(lang === 'es' ? 'Autoservicio (pago por uso, Basic, Pro)' : 'Self-serve (pay-per-use, Basic, Pro)')
        .waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `channel-x-${lang}-${size.width}`);
      c.expectClean(page);
    });
  }
});
