import { call, createFixture } from '@centralita/server/test-harness';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { openConversation } from './conversation-kit.ts';
import { createTieredChannel, TIERED_REASON, tieredAccount, tieredPost, tieredSent } from './tiered-channel.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createTieredChannel()] });

let n = 0;
const customer = () => {
  n += 1;
  return `customer-${n}`;
};

describe('replies the channel decides on', () => {
  it('says why a public reply is refused, offers the alternatives, and sends only what is allowed', async () => {
    const account = await tieredAccount(c, c.f);
    const from = customer();
    const url = `https://social.example/${from}/status/1`;
    const id = await tieredPost(c, account, { id: `${from}-1`, from, text: 'Vuestro servicio es lento', url });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    // The customer wrote in public, so the reply starts as a public one, which this tier refuses.
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('Public reply');
    const refusal = page.getByTestId('reply-refused');
    await refusal.getByText('Not allowed on Tiered: Public reply').waitFor();
    expect(await refusal.getByTestId('refusal-reason').textContent()).toBe(TIERED_REASON);
    await page.getByLabel('Reply to the customer').fill('Lo sentimos, lo miramos ahora');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await page.getByLabel('Reply to the customer').press('Control+Enter');
    // The post's own page opens in a new tab that cannot reach back into the console.
    const external = refusal.getByRole('link', { name: 'Open the post in Tiered' });
    expect(await external.getAttribute('href')).toBe(url);
    expect(await external.getAttribute('target')).toBe('_blank');
    expect((await external.getAttribute('rel'))?.split(' ').sort()).toEqual(['noopener', 'noreferrer']);
    // The handoff is offered too (handoff.test.ts opens it).
    expect(await refusal.getByRole('button', { name: 'Move to another channel' }).isEnabled()).toBe(true);
    // The same message with the link opens from the timeline too.
    expect(await page.getByTestId('message-link').getAttribute('href')).toBe(url);
    await c.shot(page, 'composer-refused');

    await refusal.getByRole('button', { name: 'Send as DM instead' }).click();
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('DM');
    await expect.poll(() => refusal.count()).toBe(0);
    await page.getByTestId('send').click();
    await page.getByTestId('message').filter({ hasText: 'Lo sentimos, lo miramos ahora' }).waitFor();
    await expect.poll(() => tieredSent.filter((s) => s.text === 'Lo sentimos, lo miramos ahora').length).toBe(1);
    expect(tieredSent.filter((s) => s.text === 'Lo sentimos, lo miramos ahora').map((s) => s.visibility)).toEqual(['private']);
    c.expectClean(page);
  });

  it('starts a reply as the customer last wrote: a DM is answered by DM', async () => {
    const account = await tieredAccount(c, c.f);
    const from = customer();
    await tieredPost(c, account, { id: `${from}-1`, from, text: '@brand hola', mentions: true });
    const id = await tieredPost(c, account, { id: `${from}-2`, from, text: 'Te escribo por privado', visibility: 'private' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('DM');
    // A public reply is allowed here (the post mentioned the brand): choosing it shows no refusal.
    await page.getByRole('combobox', { name: 'Send as' }).click();
    await page.getByRole('option', { name: 'Public reply' }).click();
    await page.getByLabel('Reply to the customer').fill('Respuesta pública');
    expect(await page.getByTestId('reply-refused').count()).toBe(0);
    expect(await page.getByTestId('send').isDisabled()).toBe(false);
    c.expectClean(page);
  });

  it('counts the reply the channel’s way: a link is 23 and an emoji or a CJK character 2', async () => {
    const account = await tieredAccount(c, c.f);
    const from = customer();
    const id = await tieredPost(c, account, { id: `${from}-1`, from, text: '@brand ayuda', mentions: true });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    const box = page.getByLabel('Reply to the customer');
    await box.fill('Mira https://example.com/una/ruta/muy/larga/de/verdad 👍🏽 中文');
    // "Mira " 5 + link 23 + " " 1 + emoji 2 + " " 1 + 2 × 2
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('36 / 280');
    await box.fill('🙂'.repeat(141));
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('282 / 280');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await page.getByTestId('split').click();
    expect(await page.getByTestId('send').isDisabled()).toBe(false);
    c.expectClean(page);
  });

  it('shows why a queued reply waits (a spent budget), and that it went once the budget is raised', async () => {
    const f = await createFixture(c.server);
    const account = await tieredAccount(c, f, 'Spent brand');
    const from = customer();
    const id = await tieredPost(c, account, { id: `${from}-1`, from, text: 'Hola por DM', visibility: 'private' });
    const budget = await call(c.url, 'PUT', `/api/v1/channel-accounts/${account}/budget`, {
      token: f.adminToken,
      body: { monthlyBudget: 0.5 },
    });
    expect(budget.status, budget.text).toBe(200);
    const page = await c.signIn(f.users.agent.email);
    await openConversation(c, page, id);
    await page.getByLabel('Reply to the customer').fill('Esta respuesta espera');
    await page.getByTestId('send').click();
    const sent = page.getByTestId('message').filter({ hasText: 'Esta respuesta espera' });
    await sent.getByTestId('hold-reason').getByText('Waiting for budget', { exact: false }).waitFor();
    expect(await sent.getByTestId('delivery').textContent()).toBe('Waiting');
    await c.shot(page, 'message-held');
    const raised = await call(c.url, 'PUT', `/api/v1/channel-accounts/${account}/budget`, {
      token: f.adminToken,
      body: { monthlyBudget: 100 },
    });
    expect(raised.status, raised.text).toBe(200);
    await expect.poll(() => sent.getByTestId('delivery').textContent(), { timeout: 10_000 }).toBe('Sent');
    expect(await sent.getByTestId('hold-reason').count()).toBe(0);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a refusal on a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const account = await tieredAccount(c, c.f);
      const from = customer();
      const id = await tieredPost(c, account, {
        id: `${from}-1`,
        from,
        text: 'Sin mención',
        url: `https://social.example/${from}/status/1`,
      });
      const page = await c.signIn(c.f.users.agent.email, { viewport: size, lang });
      await openConversation(c, page, id);
      await page.getByTestId('reply-refused').waitFor();
      await page
        .getByTestId('reply-refused')
        .getByText(lang === 'es' ? 'No permitido en Escalonado: Respuesta pública' : 'Not allowed on Tiered: Public reply')
        .waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `composer-refused-${lang}-${size.width}`);
      c.expectClean(page);
    });
  }
});
