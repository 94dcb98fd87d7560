import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, PHONE, useConsole } from './browser.ts';
import { openConversation, postForm } from './conversation-kit.ts';
import { createWindowedChannel, windowedAccount, windowedMessage, windowedSent } from './windowed-channel.ts';

// Quoting (the test-only windowed channel quotes, as WhatsApp does): the agent picks a customer
// message in the timeline, sees it above the reply while writing, and the reply goes out quoting
// it and shows it in the timeline. Channels that cannot quote offer nothing of it.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createWindowedChannel()] });

let n = 0;
/** A conversation in which Ana wrote these messages, in order, a minute ago (its window open); answers its id and the messages' external ids. */
async function conversation(texts: string[]): Promise<{ id: string; externalIds: string[] }> {
  const account = await windowedAccount(c, c.f);
  n += 1;
  const externalIds: string[] = [];
  let id = '';
  for (const [i, text] of texts.entries()) {
    const externalId = `q-${n}-${i}`;
    externalIds.push(externalId);
    id = await windowedMessage(c, account, { id: externalId, from: `ana-${n}`, name: 'Ana García', text, locale: 'es' }, 60_000);
  }
  return { id, externalIds };
}

/** Our id of the customer message the channel knows by `externalId`. */
async function messageId(externalId: string): Promise<string> {
  const row = await c.server.db.current.db.kysely
    .selectFrom('messages')
    .select('id')
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

const customerMessage = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text });
const isFocused = (page: Page, label: string) => page.getByLabel(label).evaluate((el) => el === document.activeElement);

describe('quoting a customer message', () => {
  it('quotes the message the agent picks, sends the reply quoting it and shows the quote above the reply', async () => {
    const { id, externalIds } = await conversation([
      '¿Dónde está mi pedido A-123?\nLo pedí el lunes.',
      'Y otra cosa: ¿hacéis envíos a Canarias?',
    ]);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    const first = customerMessage(page, 'Lo pedí el lunes');
    const second = customerMessage(page, 'Canarias');
    const strip = page.getByTestId('composer-quote');

    // By pointer: the action shows on the message under it; the strip shows the author and the first line.
    await first.hover();
    await first.getByRole('button', { name: 'Quote this message from Ana García' }).click();
    await strip.waitFor();
    expect(await strip.getByTestId('quote-author').textContent()).toBe('Ana García');
    expect(await strip.getByTestId('quote-text').textContent()).toBe('¿Dónde está mi pedido A-123?');
    expect(await isFocused(page, 'Reply to the customer')).toBe(true);
    // The ✕ drops it, and the agent is back in the text.
    await strip.getByRole('button', { name: 'Remove the quote' }).click();
    await expect.poll(() => strip.count()).toBe(0);
    expect(await isFocused(page, 'Reply to the customer')).toBe(true);

    // By keyboard: the action is a button that shows while it holds the focus.
    const action = second.getByTestId('quote-action');
    await action.focus();
    expect(await action.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await page.keyboard.press('Enter');
    await strip.getByText('Y otra cosa: ¿hacéis envíos a Canarias?').waitFor();
    await c.shot(page, 'composer-quote');

    // The reply carries the quote to the server, and the channel is told which message it quotes.
    const box = page.getByLabel('Reply to the customer');
    await box.fill('Sí, en 3 días');
    const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/conversations/${id}/messages`));
    await box.press('Control+Enter');
    expect((await request).postDataJSON().quoteMessageId).toBe(await messageId(externalIds[1] as string));
    const reply = page.getByTestId('message').filter({ hasText: 'Sí, en 3 días' });
    await reply.waitFor();
    await expect.poll(() => strip.count()).toBe(0);
    await expect
      .poll(() => windowedSent.filter((s) => s.conversationId === id).map((s) => [s.text, s.quotedExternalId]))
      .toEqual([['Sí, en 3 días', externalIds[1]]]);

    // The timeline shows what the reply quoted, above its text, also after a reload (the server keeps it).
    const quoted = reply.getByTestId('message-quoted');
    await expect.poll(() => quoted.getByTestId('quote-text').textContent()).toBe('Y otra cosa: ¿hacéis envíos a Canarias?');
    await page.reload();
    await reply.getByTestId('message-quoted').getByTestId('quote-author').getByText('Ana García').waitFor();
    // Only the customer's messages can be quoted, not the agent's own reply.
    expect(await reply.getByTestId('quote-action').count()).toBe(0);
    expect(await page.getByTestId('quote-action').count()).toBe(2);
    await c.shot(page, 'message-quoted');
    c.expectClean(page);
  });

  it('drops the quote when the agent opens another conversation, and a note turns back into a reply to quote', async () => {
    const other = await conversation(['Hola, soy otra clienta']);
    const { id } = await conversation(['Necesito cambiar la dirección']);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await page.locator('.composer').getByText('Internal note', { exact: true }).click();
    await page.getByLabel('Internal note, seen only by your colleagues').waitFor();
    await customerMessage(page, 'Necesito cambiar').getByTestId('quote-action').click();
    await page.getByTestId('composer-quote').getByText('Necesito cambiar la dirección').waitFor();
    expect(await isFocused(page, 'Reply to the customer')).toBe(true);

    await page.locator(`[data-conversation="${other.id}"]`).click();
    await customerMessage(page, 'otra clienta').waitFor();
    expect(await page.getByTestId('composer-quote').count()).toBe(0);
    await page.locator(`[data-conversation="${id}"]`).click();
    await customerMessage(page, 'Necesito cambiar').waitFor();
    expect(await page.getByTestId('composer-quote').count()).toBe(0);
    c.expectClean(page);
  });

  it('offers no Quote on a channel that cannot quote', async () => {
    const posted = await postForm(c, { subject: 'Sin citas', message: 'Mi pedido no llega' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    const message = customerMessage(page, 'Mi pedido no llega');
    await message.hover();
    expect(await message.getByTestId('quote-action').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Quote/ }).count()).toBe(0);
    c.expectClean(page);
  });

  it('fits a long quote on a phone, in Spanish', async () => {
    const long = `Quería preguntar por ${'el pedido que hice hace unas semanas y que todavía no ha llegado '.repeat(4)}`;
    const { id } = await conversation([long]);
    const page = await c.signIn(c.f.users.agent.email, { viewport: PHONE, lang: 'es' });
    await openConversation(c, page, id);
    await customerMessage(page, 'Quería preguntar').getByRole('button', { name: 'Citar este mensaje de Ana García' }).click();
    const strip = page.getByTestId('composer-quote');
    await strip.getByRole('button', { name: 'Quitar la cita' }).waitFor();
    await expectNoHorizontalScroll(page);
    await c.shot(page, 'composer-quote-es-360');
    c.expectClean(page);
  });
});
