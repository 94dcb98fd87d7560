import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PHONE, useConsole } from './browser.ts';
import { api, postForm, row, rowNames, workspace } from './inbox-helpers.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

/** The contact name on the row that has keyboard focus, or null. */
const focusedRow = (page: Page) =>
  page.evaluate(() => {
    const link = document.activeElement?.closest('[data-testid=conversation-row]');
    return link?.querySelector('[data-testid=row-name]')?.textContent ?? null;
  });

async function fiveConversations() {
  const f = await workspace(c);
  // Posted oldest first: the list (newest first) shows Cinco at the top.
  for (const name of ['Uno', 'Dos', 'Tres', 'Cuatro', 'Cinco']) {
    await postForm(c, f, { name: `Cliente ${name}`, email: `${name.toLowerCase()}@example.com`, message: `Hola, soy ${name}` });
  }
  return f;
}

describe('the keyboard', () => {
  it('moves with j and k every time, opens with Enter, and never takes keys typed into the composer', async () => {
    const f = await fiveConversations();
    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await expect.poll(() => rowNames(page)).toEqual(['Cliente Cinco', 'Cliente Cuatro', 'Cliente Tres', 'Cliente Dos', 'Cliente Uno']);

    for (const key of ['j', 'j', 'j', 'k']) await page.keyboard.press(key);
    expect(await focusedRow(page)).toBe('Cliente Cuatro');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/inbox\/all\/[0-9a-f-]{36}$/);
    await page.getByTestId('timeline').getByText('Hola, soy Cuatro').waitFor();

    // In the composer, j is a letter; Escape leaves it and j/k move through the list again.
    const composer = page.getByRole('textbox', { name: 'Reply to the customer' });
    await composer.click();
    await page.keyboard.type('jk j');
    expect(await composer.inputValue()).toBe('jk j');
    expect(await row(page, 'Cliente Cuatro').getAttribute('data-cursor')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await focusedRow(page)).toBe('Cliente Cuatro');
    await page.keyboard.press('j');
    expect(await focusedRow(page)).toBe('Cliente Tres');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline').getByText('Hola, soy Dos').waitFor();
    await page.keyboard.press('k');
    expect(await focusedRow(page)).toBe('Cliente Tres');
    expect(await composer.inputValue()).not.toContain('k');

    // x selects the current row for bulk actions; / goes to the search box.
    await page.keyboard.press('x');
    expect(await page.getByTestId('bulk-count').textContent()).toBe('1 selected');
    await page.keyboard.press('x');
    expect(await page.getByTestId('bulk-count').count()).toBe(0);
    await page.keyboard.press('/');
    await page.keyboard.type('Uno');
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('Uno');
    await page.waitForURL(/q=Uno/);
    await expect.poll(() => rowNames(page)).toEqual(['Cliente Uno']);
    c.expectClean(page);
  }, 60_000);

  it('shows the shortcut help with ? and closes it with Escape', async () => {
    const f = await workspace(c);
    const page = await c.signIn(f.users.agent.email, { lang: 'es' });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Atajos de teclado' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Conversación siguiente');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    c.expectClean(page);
  });

  it('opens the command palette with Ctrl+K and jumps to a conversation by the contact’s name', async () => {
    const f = await fiveConversations();
    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await row(page, 'Cliente Uno').waitFor();
    await page.keyboard.press('Control+k');
    const search = page.getByRole('textbox', { name: 'Command palette' });
    await search.waitFor();
    await search.fill('cliente tres');
    await page
      .getByTestId(/^palette-c-/)
      .first()
      .waitFor();
    expect(await page.getByTestId(/^palette-c-/).count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline').getByText('Hola, soy Tres').waitFor();
    expect(await row(page, 'Cliente Tres').getAttribute('data-open')).toBe('true');

    // A screen and an action from the same palette.
    await page.keyboard.press('Control+k');
    await search.fill('unassigned');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/inbox\/unassigned$/);
    await page.keyboard.press('Control+k');
    await search.fill('español');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('view-unassigned').textContent()).toContain('Sin asignar');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    c.expectClean(page);
  }, 60_000);

  it('counts what waits for the agent in the tab title, live', async () => {
    const f = await workspace(c);
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push(await postForm(c, f, { name: `Título ${n}`, email: `t${n}@example.com`, message: 'hola' }));
    for (const id of ids.slice(0, 3)) await api(c, f, 'POST', `/conversations/${id}/assign`, { agentId: f.users.agent.id });
    const page = await c.signIn(f.users.agent.email);
    await expect.poll(() => page.title()).toBe('(3) Centralita');
    await api(c, f, 'POST', `/conversations/${ids[3]}/assign`, { agentId: f.users.agent.id });
    await expect.poll(() => page.title()).toBe('(4) Centralita');
    await api(c, f, 'POST', '/conversations/bulk', { ids, action: 'resolve' });
    await expect.poll(() => page.title()).toBe('Centralita');
    c.expectClean(page);
  }, 45_000);

  it('offers notifications politely and keeps the sound off until asked, on a phone in Spanish', async () => {
    const f = await workspace(c);
    const page = await c.signIn(f.users.agent.email, { viewport: PHONE, lang: 'es' });
    // Asked by a button, never by the browser's prompt on load.
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    await page.getByRole('button', { name: 'Activar las notificaciones' }).waitFor();
    await page.getByRole('button', { name: 'Ahora no' }).click();
    expect(await page.getByRole('button', { name: 'Activar las notificaciones' }).count()).toBe(0);
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByRole('button', { name: 'Activar las notificaciones' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Avisos' }).click();
    const sound = page.getByRole('switch', { name: 'Reproducir un sonido' });
    expect(await sound.isChecked()).toBe(false);
    await sound.check();
    expect(await page.evaluate(() => localStorage.getItem('centralita.sound'))).toBe('true');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Paleta de comandos' }).click();
    await page.getByRole('textbox', { name: 'Paleta de comandos' }).waitFor();
    await c.shot(page, 'palette-es-360');
    c.expectClean(page);
  });
});
