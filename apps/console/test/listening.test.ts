import { createFixture } from '@centralita/server/test-harness';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { openConversation } from './conversation-kit.ts';
import { createTieredChannel, tieredAccount, tieredPost } from './tiered-channel.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createTieredChannel()] });

describe('conversations found by listening', () => {
  it('are marked in the list and the conversation, and the inbox can show only them', async () => {
    const f = await createFixture(c.server);
    const account = await tieredAccount(c, f);
    const found = await tieredPost(c, account, { id: 'found-1', from: 'maria', text: 'Mi pedido no llega', proactive: true });
    await tieredPost(c, account, { id: 'wrote-1', from: 'luis', text: '@brand hola', mentions: true });
    const page = await c.signIn(f.users.agent.email);
    await page.goto(`${c.url}/inbox/all`);
    const rows = page.getByTestId('conversation-row');
    await expect.poll(() => rows.count()).toBe(2);
    // Rows have no names here (the channel gave none), so they are told apart by their preview.
    const foundRow = rows.filter({ hasText: 'Mi pedido no llega' });
    const wroteRow = rows.filter({ hasText: '@brand hola' });
    await foundRow.getByTestId('row-proactive').getByText('Found by listening').waitFor();
    expect(await wroteRow.getByTestId('row-proactive').count()).toBe(0);

    await page.locator('.inbox-toolbar').getByText('Found by listening only').click();
    await expect.poll(() => page.url()).toContain('origin=proactive');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Mi pedido no llega');
    // The address keeps the filter.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);

    await openConversation(c, page, found);
    await page.getByTestId('conversation-origin').getByText('Found by listening').waitFor();
    await page.getByText('A saved search found this post', { exact: false }).waitFor();
    await c.shot(page, 'conversation-proactive');
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const f = await createFixture(c.server);
      const account = await tieredAccount(c, f);
      const id = await tieredPost(c, account, {
        id: `found-${lang}-${size.width}`,
        from: `p-${lang}-${size.width}`,
        text: 'Encontrada',
        proactive: true,
      });
      const page = await c.signIn(f.users.agent.email, { viewport: size, lang });
      await openConversation(c, page, id);
      await page
        .getByTestId('conversation-origin')
        .getByText(lang === 'es' ? 'Encontrada escuchando' : 'Found by listening')
        .waitFor();
      await expectNoHorizontalScroll(page);
      c.expectClean(page);
    });
  }
});
