import { waitFor } from '@centralita/channel-kit/conformance';
import { call } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useConsole } from './browser.ts';
import { admin, openConversation, postForm, settled } from './conversation-kit.ts';
import { createStandInWhatsApp, standInAccount, standInMessage } from './handoff-channels.ts';

// One person as two contacts, in the contact panel: a customer who writes on WhatsApp and then
// through the web form quoting her WhatsApp number is only suggested as a match, with the
// evidence; a person merges them (saying what moves), undoes it, or keeps them apart; and merges
// by hand with a contact found by name, where an undo a later merge blocks says why.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createStandInWhatsApp()] });

/** Wide enough for the contact panel to stand beside the conversation. */
const WIDE = { width: 1440, height: 900 } as const;

let wa: string | null = null;

/** Someone writes on WhatsApp from a phone (a verified identity); answers their contact. */
async function onWhatsApp(phone: string, name: string): Promise<string> {
  wa ??= await standInAccount(c, 'whatsapp', 'Shop');
  const conversationId = await standInMessage(c, wa, { id: `wa-${phone}`, from: phone, text: 'Hola, no me funciona la fibra', name });
  return contactOf(conversationId);
}

async function contactOf(conversationId: string): Promise<string> {
  const res = await call(c.url, 'GET', `/api/v1/conversations/${conversationId}`, admin(c));
  return res.json.conversation.contactId as string;
}

/** The open suggestion between the web-form contact and the other, once the detector has made it. */
async function suggestion(contactId: string) {
  return waitFor(
    async () => {
      const res = await call(c.url, 'GET', `/api/v1/merge-suggestions?status=open&contactId=${contactId}`, admin(c));
      return (res.json.items as { id: string; status: string }[])[0];
    },
    { timeoutMs: 20_000, what: `a merge suggestion for ${contactId}` },
  );
}

const panel = (page: Page) => page.getByTestId('contact-panel');

describe('merging contacts', () => {
  it('suggests the match with its evidence, merges on confirmation, and undoes the merge', async () => {
    const lucia = await onWhatsApp('+34612345678', 'Lucía');
    const form = await postForm(c, {
      name: 'Lucía Fernández',
      email: 'lucia.f@example.com',
      subject: 'Sigo sin fibra',
      message: 'Os escribí ayer por WhatsApp desde el 612 34 56 78 y nadie me ha contestado.',
    });
    const fernandez = await contactOf(form.id);
    await suggestion(fernandez);
    // Still two people until someone decides.
    expect(fernandez).not.toBe(lucia);

    // An agent (no pii.view) reads the evidence with the number masked.
    const agent = await c.signIn(c.f.users.agent.email, { viewport: WIDE });
    await openConversation(c, agent, form.id);
    const masked = panel(agent).getByTestId('merge-evidence');
    await masked.waitFor();
    expect(await masked.textContent()).not.toContain('612 34 56 78');
    c.expectClean(agent);

    const page = await c.signIn(c.f.users.supervisor.email, { viewport: WIDE });
    await openConversation(c, page, form.id);
    const card = panel(page).getByTestId('merge-suggestion');
    expect(await card.getByTestId('merge-other').textContent()).toBe('Maybe also Lucía');
    expect(await card.getByTestId('merge-reason').textContent()).toBe(
      'A message gives a phone number the other contact has proven is theirs.',
    );
    expect(await card.getByTestId('merge-evidence').textContent()).toContain('desde el 612 34 56 78 y nadie');
    expect(await card.getByRole('link', { name: 'Open the conversation' }).getAttribute('href')).toBe(`/inbox/all/${form.id}`);
    await c.shot(page, 'merge-suggestion');

    // Merge… says who goes into whom and what moves, before anything does.
    await card.getByRole('button', { name: 'Merge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge these contacts?' });
    const summary = dialog.getByTestId('merge-summary');
    await summary.getByText('Lucía Fernández is merged into Lucía.').waitFor();
    await summary.getByText('Moving to Lucía: 1 identity, 1 conversation and the notes; empty details are filled in.').waitFor();
    await summary.getByText('Email: lucia.f@example.com').waitFor();
    await settled(page);
    await c.shot(page, 'merge-confirm');
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByText('Merged with Lucía.').waitFor();

    // One person now: the conversation is Lucía's, with both identities and her WhatsApp conversation.
    await expect.poll(() => contactOf(form.id)).toBe(lucia);
    await expect.poll(() => panel(page).getByTestId('contact-name').textContent()).toBe('Lucía');
    const identities = panel(page).getByTestId('contact-identities');
    await identities.getByText('lucia.f@example.com').waitFor();
    await identities.getByText('+34612345678').waitFor();
    expect(await panel(page).getByTestId('merge-suggestion').count()).toBe(0);
    const merge = panel(page).getByTestId('merge-history').getByTestId('merge');
    await expect.poll(() => merge.first().textContent()).toMatch(/^Lucía Fernández → Lucía1 identity, 1 conversation/);
    await c.shot(page, 'merge-history');

    await merge.first().getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Merge undone: each contact has its own identities and conversations back.').waitFor();
    await expect.poll(() => contactOf(form.id)).toBe(fernandez);
    await expect.poll(() => panel(page).getByTestId('contact-name').textContent()).toBe('Lucía Fernández');
    await expect.poll(() => panel(page).getByTestId('contact-identities').textContent()).not.toContain('+34612345678');
    await panel(page).getByTestId('merge-history').getByTestId('merge-undone').waitFor();
    c.expectClean(page);
  });

  it('keeps two contacts apart when a person says they are not the same', async () => {
    await onWhatsApp('+34633333333', 'Marta');
    const form = await postForm(c, { name: 'Marta Ruiz', email: 'marta.r@example.com', message: 'Mi WhatsApp es el 633 33 33 33' });
    const ruiz = await contactOf(form.id);
    const s = await suggestion(ruiz);
    const page = await c.signIn(c.f.users.supervisor.email, { viewport: WIDE });
    await openConversation(c, page, form.id);
    await panel(page).getByTestId('merge-suggestion').getByRole('button', { name: 'Not the same person' }).click();
    await page.getByText('Kept apart from Marta: this pair is not suggested again for this reason.').waitFor();
    await expect.poll(() => panel(page).getByTestId('merge-suggestion').count()).toBe(0);
    const all = await call(c.url, 'GET', `/api/v1/merge-suggestions?contactId=${ruiz}`, admin(c));
    expect(all.json.items.find((x: { id: string }) => x.id === s.id)?.status).toBe('dismissed');
    expect(await contactOf(form.id)).toBe(ruiz);
    c.expectClean(page);
  });

  it('merges a contact found by name, and says why an undo must wait for a later merge', async () => {
    const uno = await postForm(c, { name: 'Pedro Uno', email: 'pedro.uno@example.com', message: 'Primera consulta' });
    const dos = await postForm(c, { name: 'Pedro Dos', email: 'pedro.dos@example.com', message: 'Segunda consulta' });
    const tres = await postForm(c, { name: 'Pedro Tres', email: 'pedro.tres@example.com', message: 'Tercera consulta' });
    const page = await c.signIn(c.f.users.supervisor.email, { viewport: WIDE });
    await openConversation(c, page, uno.id);
    await panel(page).getByRole('button', { name: 'Merge with…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge another contact into Pedro Uno' });
    await dialog.getByLabel('Find the contact').fill('Pedro Dos');
    await dialog.getByRole('radio', { name: /Pedro Dos/ }).click();
    await dialog.getByTestId('merge-summary').getByText('Pedro Dos is merged into Pedro Uno.').waitFor();
    await dialog.getByRole('button', { name: 'Merge into Pedro Uno' }).click();
    await page.getByText('Merged into Pedro Uno.').waitFor();
    await panel(page).getByTestId('contact-identities').getByText('pedro.dos@example.com').waitFor();
    expect(await contactOf(dos.id)).toBe(await contactOf(uno.id));

    // A later merge into the same contact (through the API): the first one cannot be undone before it.
    const later = await call(c.url, 'POST', `/api/v1/contacts/${await contactOf(uno.id)}/merge`, {
      ...admin(c),
      body: { sourceContactId: await contactOf(tres.id) },
    });
    expect(later.status, later.text).toBe(200);
    await page.reload();
    const merges = panel(page).getByTestId('merge-history').getByTestId('merge');
    // A reload on a loaded machine takes a while: the history comes with the contact panel.
    await expect.poll(() => merges.count(), { timeout: 20_000 }).toBe(2);
    const first = merges.filter({ hasText: 'Pedro Dos' });
    await first.getByRole('button', { name: 'Undo' }).click();
    await expect
      .poll(() => first.getByTestId('merge-undo-error').textContent())
      .toMatch(/A later merge .* involves these contacts; undo it first\./);
    expect(await contactOf(dos.id)).toBe(await contactOf(uno.id));

    await merges.filter({ hasText: 'Pedro Tres' }).getByRole('button', { name: 'Undo' }).click();
    await merges.filter({ hasText: 'Pedro Tres' }).getByTestId('merge-undone').waitFor();
    await first.getByRole('button', { name: 'Undo' }).click();
    await first.getByTestId('merge-undone').waitFor();
    await expect.poll(() => contactOf(dos.id)).not.toBe(await contactOf(uno.id));
    c.expectClean(page);
  });
});
