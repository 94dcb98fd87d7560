import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { openConversation } from './conversation-kit.ts';
import {
  createWindowedChannel,
  WINDOW_CLOSED_REASON,
  windowedAccount,
  windowedMessage,
  windowedSent,
  windowedTemplates,
} from './windowed-channel.ts';

// A channel with WhatsApp's 24-hour window (the test-only windowed channel): the composer says how
// long free text is allowed, offers the account's templates once it is not, and the conversation
// shows what its messages cost.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createWindowedChannel()] });

const HOUR = 3_600_000;
let n = 0;
/** A conversation whose customer (writing in `locale`) last wrote `ageMs` ago. */
async function conversation(ageMs: number, locale = 'es'): Promise<string> {
  const account = await windowedAccount(c, c.f);
  n += 1;
  return windowedMessage(c, account, { id: `w-${n}`, from: `customer-${n}`, text: '¿Dónde está mi pedido?', locale }, ageMs);
}

const templateOption = (page: Page, name: string) => page.getByRole('radio', { name: new RegExp(`^${name}`) });

describe('the reply window and templates', () => {
  it('says why free text is refused once the window closed, and sends a template the agent fills in', async () => {
    const id = await conversation(25 * HOUR, 'es-ES');
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    const refusal = page.getByTestId('reply-refused');
    await refusal.getByText('Only templates now on Windowed').waitFor();
    expect(await refusal.getByTestId('refusal-reason').textContent()).toBe(WINDOW_CLOSED_REASON);
    await expect.poll(() => page.getByTestId('reply-window').textContent()).toMatch(/^Window closed on .+ — only templates$/);
    // Free text is not offered at all: only the picker, the customer's language first.
    expect(await page.getByLabel('Reply to the customer').count()).toBe(0);
    await page.getByTestId('template-reply').waitFor();
    expect(await page.getByTestId('template-language').allTextContents()).toEqual(['Spanish', 'American English']);
    await page.getByTestId('template-group').first().getByText('The customer’s language').waitFor();
    // A pending template is listed greyed with its status and cannot be chosen.
    const pending = page.getByTestId('template-unavailable').filter({ hasText: 'spring_sale' });
    await pending.getByTestId('template-status').getByText('Pending review').waitFor();
    expect(await templateOption(page, 'spring_sale').count()).toBe(0);
    expect(await page.getByTestId('send-template').isDisabled()).toBe(true);

    // "Choose a template" takes the agent to the search; the arrow keys move between templates.
    await refusal.getByRole('button', { name: 'Choose a template' }).click();
    expect(await page.getByLabel('Search templates by name').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await expect.poll(() => templateOption(page, 'order_update').getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => templateOption(page, 'appointment_reminder').getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => templateOption(page, 'order_update').getAttribute('aria-checked')).toBe('true');

    // A field per parameter, its example as the placeholder; the preview follows what is typed.
    const first = page.getByLabel('Body {{1}}');
    const second = page.getByLabel('Body {{2}}');
    expect(await first.getAttribute('placeholder')).toBe('Ana');
    expect(await second.getAttribute('placeholder')).toBe('A-123');
    await first.fill('Lucía');
    await expect.poll(() => page.getByTestId('template-preview').textContent()).toBe('Hola Lucía, tu pedido {{2}} ha salido.');
    expect(await page.getByTestId('send-template').isDisabled()).toBe(true);
    // What WhatsApp refuses is said on the field before sending.
    await second.fill('A-1     23');
    await page.getByText('No new lines, tabs or more than four spaces in a row.').waitFor();
    expect(await page.getByTestId('send-template').isDisabled()).toBe(true);
    await second.fill('A-123');
    await expect.poll(() => page.getByTestId('template-preview').textContent()).toBe('Hola Lucía, tu pedido A-123 ha salido.');
    expect(await page.getByTestId('conversation-cost').count()).toBe(0);
    await c.shot(page, 'composer-template');
    await page.getByTestId('send-template').click();

    // The timeline shows the text the customer received; the channel got the template.
    await page.getByTestId('message').filter({ hasText: 'Hola Lucía, tu pedido A-123 ha salido.' }).waitFor();
    await expect.poll(() => windowedSent.filter((s) => s.conversationId === id).map((s) => s.template)).toEqual(['order_update']);
    expect(windowedSent.find((s) => s.conversationId === id)?.text).toBe('Hola Lucía, tu pedido A-123 ha salido.');
    await expect.poll(() => first.inputValue()).toBe('');

    // Once the channel was paid for it, the conversation says what it cost, line by line.
    const cost = page.getByTestId('conversation-cost');
    await expect.poll(() => cost.textContent(), { timeout: 15_000 }).toBe('Cost 0.02 USD');
    await cost.click();
    await page.getByTestId('cost-lines').waitFor();
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
    await expect.poll(() => page.getByTestId('cost-line').allTextContents()).toEqual(['Utility templates10.02 USD']);
    await c.shot(page, 'conversation-cost');
    c.expectClean(page);
  });

  it('shows the time left while the window is open, offers a template on request, and counts a free-form reply', async () => {
    // 3 h 12 min 30 s left when the message is dated back: still 3 h 12 min when the page reads it.
    const id = await conversation(24 * HOUR - (3 * HOUR + 12.5 * 60_000), 'en');
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await expect.poll(() => page.getByTestId('reply-window').textContent()).toBe('Window open · closes in 3 h 12 min');
    expect(await page.getByTestId('reply-refused').count()).toBe(0);

    // The agent may send a template inside the window too; the customer's English comes first.
    const toggle = page.getByRole('button', { name: 'Template', exact: true });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('template-reply').waitFor();
    expect(await page.getByLabel('Search templates by name').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByTestId('template-language').allTextContents()).toEqual(['American English', 'Spanish']);
    await page.keyboard.type('remind');
    await expect.poll(() => page.getByTestId('template-option').count()).toBe(1);
    await templateOption(page, 'appointment_reminder').click();
    await page.getByLabel('Body {{first_name}}').fill('Sam');
    await page.getByLabel('Body {{1}}').fill('Monday');
    await expect
      .poll(() => page.getByTestId('template-preview').textContent())
      .toBe('Reminder\n\nHi Sam, see you on Monday.\n\nReply STOP to opt out');
    await page.getByTestId('template-reply').getByTestId('reply-window').getByText('closes in 3 h 12 min', { exact: false }).waitFor();
    await toggle.click();

    // Back to free text, which goes as a service reply.
    const box = page.getByLabel('Reply to the customer');
    await box.fill('Sale mañana');
    await page.getByTestId('send').click();
    await page.getByTestId('message').filter({ hasText: 'Sale mañana' }).waitFor();
    await expect.poll(() => page.getByTestId('conversation-cost').textContent(), { timeout: 15_000 }).toBe('Cost 0.005 USD');
    c.expectClean(page);
  });

  it('shuts the window on time without a reload, and then offers only templates', async () => {
    const page = await c.signIn(c.f.users.agent.email);
    const id = await conversation(24 * HOUR - 15_000);
    await openConversation(c, page, id);
    await expect.poll(() => page.getByTestId('reply-window').textContent()).toBe('Window open · closes in less than a minute');
    await page.getByLabel('Reply to the customer').fill('Llego a tiempo');
    await expect.poll(() => page.getByTestId('reply-window').getAttribute('data-state'), { timeout: 25_000, interval: 500 }).toBe('closed');
    await page.getByTestId('template-reply').waitFor();
    // The server says the same once it is asked again.
    await page.getByTestId('reply-refused').getByTestId('refusal-reason').getByText(WINDOW_CLOSED_REASON).waitFor();
    expect(await page.getByRole('button', { name: 'Template', exact: true }).count()).toBe(0);
    c.expectClean(page);
  }, 45_000);

  it('lists a template approved a moment ago after Refresh', async () => {
    const id = await conversation(30 * HOUR);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await templateOption(page, 'order_update').waitFor();
    windowedTemplates.push({
      name: 'delivery_delay',
      language: 'es',
      category: 'utility',
      status: 'approved',
      header: null,
      body: 'Tu pedido llega con retraso.',
      footer: null,
      parameters: [],
    });
    try {
      await page.getByTestId('templates-refresh').click();
      await templateOption(page, 'delivery_delay').click();
      await page.getByText('This template has nothing to fill in.').waitFor();
      expect(await page.getByTestId('send-template').isDisabled()).toBe(false);
    } finally {
      windowedTemplates.pop();
    }
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits the template picker on a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const id = await conversation(26 * HOUR);
      const page = await c.signIn(c.f.users.agent.email, { viewport: size, lang });
      await openConversation(c, page, id);
      await page
        .getByTestId('reply-window')
        .getByText(lang === 'es' ? 'Ventana cerrada el' : 'Window closed on', { exact: false })
        .waitFor();
      await page
        .getByTestId('reply-refused')
        .getByText(lang === 'es' ? 'Ahora solo plantillas en Con ventana' : 'Only templates now on Windowed')
        .waitFor();
      await templateOption(page, 'order_update').click();
      await page.getByLabel(lang === 'es' ? 'Cuerpo {{1}}' : 'Body {{1}}').fill('Ana');
      await expectNoHorizontalScroll(page);
      await c.shot(page, `composer-template-${lang}-${size.width}`);
      c.expectClean(page);
    });
  }
});
