import { call } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { admin, openConversation, postForm, settled } from './conversation-kit.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

/** The contact panel: beside the conversation on wide screens, behind "Details" on others. */
async function openPanel(page: Page, label = 'Details') {
  const details = page.getByRole('button', { name: label });
  if (await details.isVisible()) {
    await details.click();
    await page.getByTestId('contact-panel').waitFor();
    await settled(page);
  }
  await page.getByTestId('contact-panel').waitFor();
  return page.getByTestId('contact-panel');
}

async function contactOf(id: string) {
  const conv = await call(c.url, 'GET', `/api/v1/conversations/${id}`, admin(c));
  return (await call(c.url, 'GET', `/api/v1/contacts/${conv.json.conversation.contactId}`, admin(c))).json.contact;
}

describe('the contact panel', () => {
  it('saves a timezone and refuses a bad one with a message', async () => {
    const posted = await postForm(c, { name: 'Lucía Pérez', email: 'lucia@example.com', subject: 'Zona', message: 'Hola' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    const panel = await openPanel(page);
    await panel.getByTestId('contact-identities').getByText('lucia@example.com').waitFor();
    const zone = panel.getByRole('combobox', { name: 'Timezone' });
    await zone.fill('Mars/Olympus_Mons');
    await panel.getByRole('button', { name: 'Save details' }).click();
    await panel.getByText('That is not a known timezone (for example Europe/Madrid).').waitFor();
    expect((await contactOf(posted.id)).timezone).not.toBe('Mars/Olympus_Mons');
    await zone.fill('America/Mexico_City');
    // The error goes as soon as the field changes: no stale message beside a new value.
    expect(await panel.getByText('That is not a known timezone', { exact: false }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await panel.getByRole('button', { name: 'Save details' }).click();
    await expect.poll(async () => (await contactOf(posted.id)).timezone).toBe('America/Mexico_City');
    await panel.getByTestId('contact-local-time').getByText('America/Mexico_City', { exact: false }).waitFor();
    await c.shot(page, 'contact-timezone');
    c.expectClean(page);
  });

  it('adds and removes a note about the contact, and links their other conversations', async () => {
    const first = await postForm(c, { name: 'Pablo', email: 'pablo@example.com', subject: 'Primera', message: 'Hola' });
    const second = await postForm(c, { name: 'Pablo', email: 'pablo@example.com', subject: 'Segunda', message: 'Otra vez' });
    // A web form cannot prove an address, so each submission has its own contact; here both are
    // one person's, as after a merge.
    await c.server.db.current.db.kysely
      .updateTable('conversations')
      .set({ contact_id: (await contactOf(first.id)).id })
      .where('id', '=', second.id)
      .execute();
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, second.id);
    const panel = await openPanel(page);
    await panel.getByLabel('New note').fill('Prefiere que le llamen por la tarde.');
    await panel.getByRole('button', { name: 'Add note' }).click();
    const note = panel.getByTestId('contact-note').filter({ hasText: 'Prefiere que le llamen por la tarde.' });
    await note.getByText('supervisor', { exact: false }).waitFor();
    const contact = await contactOf(second.id);
    const notes = await call(c.url, 'GET', `/api/v1/contacts/${contact.id}/notes`, admin(c));
    expect(notes.json.items.map((n: { text: string }) => n.text)).toContain('Prefiere que le llamen por la tarde.');
    const link = panel.getByTestId('contact-past').getByRole('link', { name: 'Primera' });
    expect(await link.getAttribute('href')).toBe(`/inbox/all/${first.id}`);
    await note.getByRole('button', { name: 'Delete note' }).click();
    await expect.poll(() => panel.getByTestId('contact-note').count()).toBe(0);
    await link.click();
    await page.waitForURL(new RegExp(`/inbox/all/${first.id}$`));
    await page.getByTestId('conversation-title').getByText('Primera').waitFor();
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const posted = await postForm(c, { subject: 'Contacto', message: 'Hola' });
      const page = await c.signIn(c.f.users.agent.email, { viewport: size, lang });
      await openConversation(c, page, posted.id);
      const panel = await openPanel(page, lang === 'es' ? 'Detalles' : 'Details');
      await panel
        .getByText(lang === 'es' ? 'Zona horaria' : 'Timezone')
        .first()
        .waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `contact-${lang}-${size.width}`);
      c.expectClean(page);
    });
  }
});
