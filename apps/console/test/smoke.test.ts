import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

describe('the console shell', () => {
  it('signs in, keeps the session and the address across a reload, and signs out', async () => {
    const page = await c.signIn(c.f.users.agent.email);
    await page.waitForURL(/\/inbox\/mine$/);
    await page.getByTestId('view-all').click();
    await page.waitForURL(/\/inbox\/all$/);
    await page.reload();
    await page.waitForURL(/\/inbox\/all$/);
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    c.expectClean(page);
  });

  it('sends someone who is not signed in to sign in, then back to the address they asked for', async () => {
    const page = await c.signIn(c.f.users.agent.email);
    await page.context().clearCookies();
    await page.goto(`${c.url}/inbox/unassigned`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.locator('input[name=email]').fill(c.f.users.agent.email);
    await page.locator('input[name=password]').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/inbox\/unassigned$/);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const page = await c.signIn(c.f.users.supervisor.email, { viewport: size, lang });
      await expectNoHorizontalScroll(page);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await c.shot(page, `shell-${lang}-${size.width}`);
      c.expectClean(page);
    });
  }
});
