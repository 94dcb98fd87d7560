import { call } from '@centralita/server/test-harness';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

describe('the channels screen', () => {
  it('lists channel accounts as their adapters present them, with the state they reported', async () => {
    // The form's connection starts at its first use, and reports itself ready.
    expect((await call(c.url, 'GET', `/webhooks/${c.f.formAccountId}`)).status).toBe(200);
    const page = await c.signIn(c.f.users.admin.email);
    await page.getByRole('link', { name: 'Channels' }).click();
    const form = page.getByTestId('channel-account').filter({ hasText: 'Form' }).filter({ hasText: 'Web form' });
    await form.getByTestId('account-state').getByText('Ready').waitFor();
    await form.getByText('Receiving and sending.').waitFor();
    await expect
      .poll(() => form.getByTestId('account-state-detail').textContent())
      .toContain(`The form takes submissions at ${c.url}/webhooks/${c.f.formAccountId}.`);
    // Settings under the adapter's labels; the adapter's icon as an image that runs nothing.
    await form.getByText('Submissions per minute from one visitor').waitFor();
    expect(await form.locator('img[src^="data:image/svg+xml"]').count()).toBeGreaterThan(0);
    const text = (await form.textContent()) ?? '';
    expect(text).not.toContain('{');
    await c.shot(page, 'channels');
    c.expectClean(page);
  });

  it('opens an account’s own screen at its address: the channel’s registered one, or the default', async () => {
    const page = await c.signIn(c.f.users.admin.email);
    await page.goto(`${c.url}/channels`);
    await page.getByRole('link', { name: 'Open Form' }).click();
    await page.waitForURL(new RegExp(`/channels/${c.f.formAccountId}$`));
    // The web form registers a screen of its own (channels/screens.ts): the form's address to open or copy.
    const own = page.getByTestId('channel-screen-webform');
    await own.getByRole('link', { name: 'Open the form' }).waitFor();
    expect(await own.getByRole('link', { name: 'Open the form' }).getAttribute('href')).toBe(`${c.url}/webhooks/${c.f.formAccountId}`);
    // Above what every channel shows.
    await own.getByTestId('channel-screen-default').getByText('Submissions per minute from one visitor').waitFor();
    await c.shot(page, 'channel-webform');
    // A reload keeps the place; an address with no account says so.
    await page.reload();
    await own.getByRole('link', { name: 'Open the form' }).waitFor();
    await page.goto(`${c.url}/channels/00000000-0000-4000-8000-000000000000`);
    await page.getByText('There is no channel account at this address.').waitFor();
    c.expectClean(page);
  });

  it('names channels in Spanish for a Spanish console', async () => {
    const page = await c.signIn(c.f.users.admin.email, { lang: 'es' });
    await page.goto(`${c.url}/channels`);
    const form = page.getByTestId('channel-account').filter({ hasText: 'Form' });
    await form.getByText('Formulario web').waitFor();
    await form.getByTestId('account-state').getByText('Lista').waitFor();
    await form.getByText('Envíos por minuto de un mismo visitante').waitFor();
    expect(await form.getByText('Web form', { exact: true }).count()).toBe(0);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits the channels screens on a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const page = await c.signIn(c.f.users.admin.email, { viewport: size, lang });
      await page.goto(`${c.url}/channels`);
      await page.getByRole('heading', { name: lang === 'es' ? 'Canales' : 'Channels', level: 1 }).waitFor();
      await page.getByTestId('channel-account').first().waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `channels-${lang}-${size.width}`);
      await page.goto(`${c.url}/channels/${c.f.formAccountId}`);
      await page.getByTestId('channel-screen-webform').waitFor();
      await expectNoHorizontalScroll(page);
      c.expectClean(page);
    });
  }
});
