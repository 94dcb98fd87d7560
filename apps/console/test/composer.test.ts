import { call } from '@centralita/server/test-harness';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { admin, openConversation, postForm } from './conversation-kit.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

describe('the composer', () => {
  it('inserts a canned response from the suggestions typed after /', async () => {
    for (const [shortcut, text] of [
      ['saludo', 'Hola, gracias por escribirnos. Ahora mismo lo miro.'],
      ['salida', 'Tu pedido salió ayer.'],
      ['factura', 'Te adjuntamos la factura.'],
    ]) {
      const made = await call(c.url, 'POST', '/api/v1/canned-responses', { ...admin(c), body: { shortcut, text } });
      expect(made.status, made.text).toBe(201);
    }
    const posted = await postForm(c, { subject: 'Respuestas', message: 'Una pregunta' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    const box = page.getByLabel('Reply to the customer');
    await box.click();
    await page.keyboard.type('Buenas. /sal');
    const list = page.getByRole('listbox', { name: 'Canned responses' });
    await list.getByRole('option', { name: '/saludo' }).waitFor();
    await list.getByRole('option', { name: '/salida' }).waitFor();
    // Filtered as the agent types: /factura does not start with "sal".
    expect(await list.getByRole('option', { name: '/factura' }).count()).toBe(0);
    await c.shot(page, 'composer-canned');
    await page.keyboard.type('u');
    await expect.poll(() => list.getByRole('option').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('Buenas. Hola, gracias por escribirnos. Ahora mismo lo miro.');
    await expect.poll(() => list.isVisible()).toBe(false);
    c.expectClean(page);
  });

  it('keeps the draft on the server across a reload, and forgets it once sent', async () => {
    const posted = await postForm(c, { subject: 'Borrador', message: 'Escribidme' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/conversations/${posted.id}/draft`) && r.request().method() === 'PUT');
    await page.getByLabel('Reply to the customer').fill('Estoy a medias con esta respuesta');
    await saved;
    await page.reload();
    await expect.poll(() => page.getByLabel('Reply to the customer').inputValue()).toBe('Estoy a medias con esta respuesta');
    // Another tab of the same agent sees it too: it is on the server, not in this browser.
    const other = await page.context().newPage();
    await openConversation(c, other, posted.id);
    await expect.poll(() => other.getByLabel('Reply to the customer').inputValue()).toBe('Estoy a medias con esta respuesta');
    await other.close();
    await page.getByLabel('Reply to the customer').click();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('message').filter({ hasText: 'Estoy a medias con esta respuesta' }).waitFor();
    await expect.poll(() => page.getByLabel('Reply to the customer').inputValue()).toBe('');
    await page.reload();
    await page.getByTestId('timeline').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByLabel('Reply to the customer').inputValue()).toBe('');
    c.expectClean(page);
  });

  it('leaves the composer with Escape, and says the channel’s rules before sending', async () => {
    const posted = await postForm(c, { subject: 'Teclas', message: 'Hola' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    await page.getByTestId('channel-rules').getByText('Web form replies have no length limit.', { exact: false }).waitFor();
    const box = page.getByLabel('Reply to the customer');
    await box.click();
    await page.keyboard.type('abc');
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('3 characters');
    await page.keyboard.press('Escape');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(false);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const posted = await postForm(c, { subject: 'Redactar', message: 'Hola' });
      const page = await c.signIn(c.f.users.agent.email, { viewport: size, lang });
      await openConversation(c, page, posted.id);
      const box = page.getByLabel(lang === 'es' ? 'Respuesta al cliente' : 'Reply to the customer');
      await box.fill('x'.repeat(400));
      await page
        .locator('.composer')
        .getByText(lang === 'es' ? 'Nota interna' : 'Internal note', { exact: true })
        .click();
      await page
        .getByLabel(lang === 'es' ? 'Nota interna, solo la ven tus compañeros' : 'Internal note, seen only by your colleagues')
        .waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `composer-${lang}-${size.width}`);
      c.expectClean(page);
    });
  }
});
