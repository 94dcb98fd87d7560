import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sanitiseEmailHtml } from '@centralita/channel-email';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount, ingestMessage } from '@centralita/db';
import { call, createFixture, type Fixture, PASSWORD, useServer } from '@centralita/server/test-harness';
import { launchChromium } from '@centralita/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShortChannel, shortSent } from './short-channel.ts';

// The built console in a real browser (Debian's Chromium, headless), against a real server and
// PostgreSQL. Screenshots of the main screens go to apps/console/test-artifacts (not committed).
const root = join(import.meta.dirname, '..');
const artifacts = join(root, 'test-artifacts');

// Built before the server starts. In its own process: Vitest sets NODE_ENV=test, which would make
// a development build, and the console under test is the production build users get.
execFileSync(process.execPath, [join(root, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
  cwd: root,
  env: { ...process.env, NODE_ENV: 'production' },
  stdio: 'inherit',
});

let browser: Browser;
// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const t = useServer({ worker: true, adapters: [createShortChannel()] });
let f: Fixture;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  f = await createFixture(t);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function signIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  // Each step fails on its own within 10 s, naming what it waited for, well inside the test's time.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(t.url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

describe('the console in a browser', () => {
  it('signs in, keeps the session across a reload, and signs out', async () => {
    const page = await signIn(f.users.agent.email);
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await shot(page, 'inbox-empty');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('shows a web-form conversation arriving live; the agent replies and resolves, and the customer sees the reply', {
    timeout: 60_000,
  }, async () => {
    const page = await signIn(f.users.agent.email);
    await page.getByTestId('view-unassigned').click();
    const posted = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body: {
        name: 'Ana García',
        email: 'ana@example.com',
        subject: 'Sin fibra desde ayer',
        message: 'No tengo conexión desde ayer por la tarde.',
      },
    });
    expect(posted.status, posted.text).toBe(201);
    const row = page.getByTestId('conversation-row').filter({ hasText: 'Sin fibra desde ayer' });
    await row.waitFor();
    await row.click();
    await page.getByTestId('timeline').getByText('No tengo conexión desde ayer por la tarde.').waitFor();
    await page.getByTestId('composer').fill('Hola Ana, ya estamos revisando tu línea.');
    await page.getByTestId('send').click();
    await page.getByTestId('message').filter({ hasText: 'Hola Ana, ya estamos revisando tu línea.' }).getByText('Delivered').waitFor();
    await shot(page, 'conversation');

    const customer = await browser.newPage();
    await customer.goto(posted.json.conversationLink);
    await customer.getByText('Hola Ana, ya estamos revisando tu línea.').waitFor();
    await customer.close();

    await page.getByTestId('resolve').click();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('Resolved');
    await page.context().close();
  });

  it('lets a supervisor change an agent’s status, and the queue view follows', async () => {
    const admin = { token: f.adminToken };
    const team = await call(t.url, 'POST', '/api/v1/teams', { ...admin, body: { name: 'Soporte' } });
    expect(team.status, team.text).toBe(201);
    const profile = await call(t.url, 'PATCH', `/api/v1/agents/${f.users.agent.id}`, {
      ...admin,
      body: { status: 'offline', capacity: { total: 5, channels: {} }, teamIds: [team.json.team?.id ?? team.json.id] },
    });
    expect(profile.status, profile.text).toBe(200);
    await call(t.url, 'PUT', '/api/v1/routing/rules/draft', {
      ...admin,
      body: { document: { rules: [], fallback: { target: { teams: ['Soporte'] } } } },
    });
    const published = await call(t.url, 'POST', '/api/v1/routing/rules/publish', { ...admin, body: {} });
    expect(published.status, published.text).toBe(201);
    await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body: { name: 'Luis', email: 'luis@example.com', subject: 'Factura', message: 'Me habéis cobrado dos veces.' },
    });

    const page = await signIn(f.users.supervisor.email);
    await page.getByRole('button', { name: 'Supervisor' }).click();
    const waiting = page.getByTestId('queue-row').filter({ hasText: 'Soporte' }).getByTestId('queue-waiting');
    // Luis's conversation waits (and any earlier one still open), with the only agent offline.
    await expect.poll(async () => Number((await waiting.textContent()) ?? 0), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await shot(page, 'supervisor');
    await page.getByLabel('Status agent').selectOption('online');
    // The agent comes online, routing hands them the waiting conversation, and the queue empties.
    await expect.poll(async () => (await waiting.count()) === 0 || (await waiting.textContent()) === '0', { timeout: 15_000 }).toBe(true);
    // Why it went there names the agent and the team, not their ids.
    await page.getByRole('button', { name: 'Inbox' }).click();
    await page.getByTestId('view-all').click();
    await page.getByTestId('conversation-row').filter({ hasText: 'Factura' }).first().click();
    await expect.poll(() => page.getByTestId('routing-explanation').textContent()).toContain('→ assign agent · Soporte');
    await page.context().close();
  });

  it('holds a reply to the channel’s 280 characters unless the agent splits it', async () => {
    const account = await createChannelAccount(t.db.current.db.kysely, {
      workspaceId: f.workspaceId,
      kind: 'shortx',
      name: 'Short',
      settings: {},
      secretsEncrypted: null,
    });
    const res = await call(t.url, 'POST', `/webhooks/${account.id}`, {
      body: { id: 'tw-1', from: 'user-1', text: 'Mi router parpadea en rojo' },
    });
    expect(res.status, res.text).toBe(200);
    const page = await signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    // The list names the channel as its adapter presents it, never by its raw kind.
    const row = page.getByTestId('conversation-row').filter({ hasText: 'Short (test)' });
    await row.first().waitFor();
    await row.first().click();
    // Visibilities under the channel's own names.
    await expect.poll(() => page.getByRole('combobox', { name: 'Public' }).textContent()).toContain('Public post');
    const long = 'a'.repeat(281);
    await page.getByTestId('composer').fill(long);
    await expect.poll(() => page.getByTestId('counter').textContent()).toContain('281/280');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await shot(page, 'composer-limit');
    // The server holds the same line for any client.
    const conv = await waitFor(() =>
      t.db.current.db.kysely.selectFrom('conversations').select('id').where('channel_account_id', '=', account.id).executeTakeFirst(),
    );
    const refused = await call(t.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token: f.adminToken, body: { text: long } });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toContain('280');
    await page.getByTestId('split').check();
    await page.getByTestId('send').click();
    await waitFor(() => shortSent.length >= 2, { what: 'the reply sent in two parts' });
    expect(shortSent.map((p) => [...p.text].length).every((n) => n <= 280)).toBe(true);
    await page.context().close();
  });

  it('never runs hostile markup from customers, in the console or on the customer’s page', async () => {
    const hostile = {
      name: '<img src=x onerror="window.__pwned=1">',
      email: 'mallory@example.com',
      subject: '<script>window.__pwned=2</script>Asunto',
      message: 'Hola <a href="javascript:window.__pwned=3">pincha</a> <svg onload="window.__pwned=4"></svg>',
    };
    const posted = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, { body: hostile });
    expect(posted.status, posted.text).toBe(201);
    const page = await signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    const row = page.getByTestId('conversation-row').filter({ hasText: 'Asunto' });
    await row.waitFor();
    await row.click();
    // Shown as text, exactly as typed.
    await page.getByTestId('timeline').getByText(hostile.message).waitFor();
    await page.getByTestId('conversation-title').getByText(hostile.subject).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await shot(page, 'hostile');
    const customer = await browser.newPage();
    await customer.goto(posted.json.conversationLink);
    await customer.getByText('pincha', { exact: false }).first().waitFor();
    expect(await customer.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await customer.close();
    await page.context().close();
  });

  it('shows email HTML sanitised, with remote images blocked until the agent allows them', async () => {
    const conv = await waitFor(() =>
      t.db.current.db.kysely
        .selectFrom('conversations')
        .select(['id', 'workspace_id'])
        .where('subject', '=', 'Sin fibra desde ayer')
        .executeTakeFirst(),
    );
    const { html } = sanitiseEmailHtml(
      '<p>Mirad la foto <img src="https://tracker.example.net/p.gif" alt="router"></p><script>parent.__pwned=5</script><a href="javascript:parent.__pwned=6">x</a><img src=x onerror="parent.__pwned=7">',
    );
    await ingestMessage(
      t.db.current.db.kysely,
      { workspaceId: conv.workspace_id, channelAccountId: f.formAccountId, reopenWindowMinutes: 60 },
      {
        type: 'message.received',
        externalMessageId: 'html-1',
        occurredAt: new Date(),
        sender: { kind: 'email', externalId: 'ana@example.com', verified: false },
        text: 'Mirad la foto',
        html,
        visibility: 'private',
        thread: {},
      },
      { now: new Date(), conversationId: conv.id },
    );
    const page = await signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await page.getByTestId('conversation-row').filter({ hasText: 'Sin fibra desde ayer' }).click();
    const frame = page.frameLocator('iframe[title="email"]');
    await frame.getByText('Mirad la foto').waitFor();
    expect(await frame.locator('img[alt="router"]').getAttribute('src')).toBeNull();
    await shot(page, 'email-html');
    await page.getByRole('button', { name: 'Show remote images' }).click();
    await expect
      .poll(() => page.frameLocator('iframe[title="email"]').locator('img[alt="router"]').getAttribute('src'))
      .toBe('https://tracker.example.net/p.gif');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.context().close();
  });

  it('lists channel accounts as their adapters present them, with the state they reported', async () => {
    // The form's connection starts at its first use, and reports itself ready.
    expect((await call(t.url, 'GET', `/webhooks/${f.formAccountId}`)).status).toBe(200);
    const page = await signIn(f.users.admin.email);
    await page.getByRole('button', { name: 'Channels' }).click();
    const form = page.getByTestId('channel-account').filter({ hasText: 'Form' }).filter({ hasText: 'Web form' });
    await form.getByTestId('account-state').getByText('Ready').waitFor();
    await expect
      .poll(() => form.getByTestId('account-state-detail').textContent())
      .toContain(`The form takes submissions at ${t.url}/webhooks/${f.formAccountId}.`);
    // Settings under the adapter's labels.
    await form.getByText('Submissions per minute from one visitor').waitFor();
    await shot(page, 'channels');
    await page.context().close();
  });

  it('reconnects after a dropped connection and shows what arrived meanwhile', async () => {
    const page = await signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await page.getByTestId('conversation-list').waitFor();
    await page.context().setOffline(true);
    await page.getByText('Reconnecting…').waitFor();
    await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body: { name: 'Paula', email: 'paula@example.com', subject: 'Mientras tanto', message: 'Escribo mientras estáis desconectados.' },
    });
    await page.context().setOffline(false);
    await page.getByTestId('conversation-row').filter({ hasText: 'Mientras tanto' }).waitFor({ timeout: 20_000 });
    await page.context().close();
  });
});
