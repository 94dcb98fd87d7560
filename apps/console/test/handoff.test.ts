import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, PHONE, useConsole } from './browser.ts';
import { openConversation, settled } from './conversation-kit.ts';
import {
  createStandInEmail,
  createStandInWhatsApp,
  createStandInX,
  delivered,
  standInAccount,
  standInMessage,
} from './handoff-channels.ts';
import { createTieredChannel, tieredAccount, tieredPost } from './tiered-channel.ts';

// Moving a conversation to another channel from the console, over stand-ins of X, WhatsApp and
// email (handoff-channels.ts) that the server offers as it offers the real ones: the dialog, the
// invitation or first message in the timeline, the handoff in the side panel, the customer's
// first message on the new channel joining the same conversation, and the reply going out on the
// channel the agent picks.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createTieredChannel(), createStandInX(), createStandInWhatsApp(), createStandInEmail()] });

const TITLE = 'Move the conversation to another channel';
/** Wide enough for the side panel to stand beside the conversation, where the handoffs are listed. */
const WIDE = { width: 1440, height: 900 } as const;
let accounts: { x: string; wa: string; mail: string } | null = null;

/** The workspace's accounts, made once: X, a WhatsApp number with its wa.me number and one without, and email. */
async function setUp() {
  accounts ??= {
    x: await standInAccount(c, 'twitter', 'Brand on X'),
    wa: await standInAccount(c, 'whatsapp', 'Shop', { businessPhone: '+34911234567' }),
    mail: await standInAccount(c, 'email', 'Support'),
  };
  if (
    !(await c.server.db.current.db.kysely.selectFrom('channel_accounts').select('id').where('name', '=', 'Old number').executeTakeFirst())
  ) {
    await standInAccount(c, 'whatsapp', 'Old number');
  }
  return accounts;
}

let n = 0;
/** A customer's public post on X, in English; answers the conversation and the X user. */
async function publicPost(text: string): Promise<{ id: string; from: string }> {
  const { x } = await setUp();
  n += 1;
  const from = `x-user-${n}`;
  const id = await standInMessage(c, x, { id: `post-${n}`, from, text, visibility: 'public', name: 'Ana García' });
  return { id, from };
}

async function openDialog(page: Page) {
  await page.getByRole('button', { name: 'Move to…' }).click();
  const dialog = page.getByRole('dialog', { name: TITLE });
  await dialog.getByTestId('handoff-option').first().waitFor();
  await settled(page);
  return dialog;
}

const option = (dialog: ReturnType<Page['getByRole']>, name: string) => dialog.getByTestId('handoff-option').filter({ hasText: name });
const sentTo = (conversationId: string) => delivered.filter((d) => d.conversationId === conversationId);

describe('handing a conversation off', () => {
  it('moves a public post to WhatsApp: the link goes by DM, the handoff is listed, and the customer’s message with the code joins', async () => {
    const { wa } = await setUp();
    const post = await publicPost('@brand my order never arrived');
    const page = await c.signIn(c.f.users.agent.email, { viewport: WIDE });
    await openConversation(c, page, post.id);
    const dialog = await openDialog(page);

    // Each place it could go, with how in words; the WhatsApp number without a business number cannot, and says why.
    expect(await option(dialog, 'Shop').getByTestId('handoff-method').textContent()).toBe('Send a WhatsApp link');
    expect(await option(dialog, 'Form').getByTestId('handoff-method').textContent()).toBe('Send a link to a private page');
    expect(await option(dialog, 'Brand on X').getByTestId('handoff-method').textContent()).toBe('Send a DM');
    expect(await option(dialog, 'Support').getByTestId('handoff-method').textContent()).toBe('Send the first email');
    const old = dialog.getByTestId('handoff-unavailable').filter({ hasText: 'Old number' });
    expect(await old.getByTestId('handoff-reason').textContent()).toMatch(/business phone number/);
    expect(await old.getAttribute('aria-disabled')).toBe('true');
    expect(await dialog.getByTestId('handoff-confirm').isDisabled()).toBe(true);
    await c.shot(page, 'handoff-dialog');

    await option(dialog, 'Shop').click();
    await dialog.getByTestId('handoff-confirm').click();
    await page.getByText('Moved to WhatsApp (Shop): the WhatsApp link is on its way.').waitFor();
    await expect.poll(() => dialog.count()).toBe(0);

    // The invitation went to the customer by DM on X (never the code in public), and shows in the timeline after the marker.
    const invitation = page.getByTestId('message').filter({ hasText: 'To continue on WhatsApp, open' });
    await invitation.waitFor();
    const code = (await invitation.getByTestId('message-text').textContent())?.match(/REF-[A-Z0-9-]+/)?.[0] as string;
    expect(code).toBeTruthy();
    await expect
      .poll(() => sentTo(post.id).map((d) => [d.kind, d.visibility, d.text.includes(`/h/${code}`)]))
      .toEqual([['twitter', 'private', true]]);
    const marker = page.getByTestId('handoff-marker');
    expect(await marker.textContent()).toMatch(new RegExp(`moved the conversation to WhatsApp \\(Shop\\): Send a WhatsApp link · ${code}`));
    const listed = page.getByTestId('handoff-list').getByTestId('handoff');
    expect(await listed.getByTestId('handoff-status').textContent()).toBe('Sent');
    expect(await listed.getByTestId('handoff-code').textContent()).toBe(`Reference ${code}`);

    // The customer writes on WhatsApp with the prefilled reference, from a number we never saw: the same conversation.
    const joined = await standInMessage(c, wa, { id: 'wa-1', from: '+34612345678', text: `Hi, I'm coming from X. Reference ${code}` });
    expect(joined).toBe(post.id);
    const divider = page.getByTestId('channel-switch');
    await expect.poll(() => divider.textContent()).toBe(`Now on WhatsApp (Shop) · via handoff ${code}`);
    await expect.poll(() => listed.getByTestId('handoff-status').textContent()).toBe('Joined');
    await c.shot(page, 'handoff-joined');
    c.expectClean(page);
  });

  it('replies on the channel the agent picks, with that channel’s limit and visibilities', async () => {
    const { x, wa } = await setUp();
    const post = await publicPost('@brand where is my refund');
    // The customer comes over on WhatsApp (through a handoff made over the API): the conversation spans X and WhatsApp.
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, post.id);
    const dialog = await openDialog(page);
    await option(dialog, 'Shop').click();
    await dialog.getByTestId('handoff-confirm').click();
    const invitation = page.getByTestId('message').filter({ hasText: 'To continue on WhatsApp, open' });
    const code = (await invitation.getByTestId('message-text').textContent())?.match(/REF-[A-Z0-9-]+/)?.[0] as string;
    await standInMessage(c, wa, { id: 'wa-2', from: '+34622222222', text: `Hi, I'm coming from X. Reference ${code}` });
    await page.getByTestId('channel-switch').waitFor();

    // The reply goes where the customer wrote last, WhatsApp, with its limit and no visibility to choose.
    const picker = page.getByRole('combobox', { name: 'Reply on' });
    await expect.poll(() => picker.inputValue()).toBe('Shop · WhatsApp · +34622222222');
    await picker.click();
    await page.getByRole('option', { name: /Shop · WhatsApp.*where the customer wrote last/ }).waitFor();
    await page.keyboard.press('Escape');
    const box = page.getByLabel('Reply to the customer');
    await box.fill('Your refund is on its way');
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('25 / 4,096');
    expect(await page.getByRole('combobox', { name: 'Send as' }).count()).toBe(0);

    // X instead: its visibilities, the public reply's 280, a DM's 10,000.
    await picker.click();
    await page.getByRole('option', { name: /Brand on X/ }).click();
    const sendAs = page.getByRole('combobox', { name: 'Send as' });
    await expect.poll(() => sendAs.inputValue()).toBe('Public reply');
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('25 / 280');
    await sendAs.click();
    await page.getByRole('option', { name: 'DM' }).click();
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('25 / 10,000');
    await c.shot(page, 'reply-channel');

    const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/conversations/${post.id}/messages`));
    await page.getByTestId('send').click();
    expect((await request).postDataJSON()).toMatchObject({ channelAccountId: x, visibility: 'private' });
    await expect
      .poll(() =>
        sentTo(post.id)
          .filter((d) => d.text === 'Your refund is on its way')
          .map((d) => [d.kind, d.visibility]),
      )
      .toEqual([['twitter', 'private']]);
    await page.getByTestId('message').filter({ hasText: 'Your refund is on its way' }).getByText('X', { exact: true }).waitFor();
    c.expectClean(page);
  });

  it('sends an X DM with the agent’s note, says so in public, and marks the DM that comes back as joined', async () => {
    const { x } = await setUp();
    const post = await publicPost('@brand the app charges me twice');
    const page = await c.signIn(c.f.users.agent.email, { viewport: WIDE });
    await openConversation(c, page, post.id);
    const dialog = await openDialog(page);
    await option(dialog, 'Brand on X').click();
    await dialog.getByLabel('A sentence of your own (optional)').fill('Send us the date of the second charge.');
    await dialog.getByTestId('handoff-confirm').click();
    await page.getByText('Moved to X (Brand on X): the DM is on its way.').waitFor();

    await expect
      .poll(() => sentTo(post.id).map((d) => [d.visibility, d.text]))
      .toEqual([
        ['private', 'Hi, let us continue here, in private. Send us the date of the second charge.'],
        ['public', 'We have sent you a direct message.'],
      ]);
    await page.getByTestId('message').filter({ hasText: 'We have sent you a direct message.' }).waitFor();
    await expect
      .poll(() => page.getByTestId('handoff-list').getByTestId('handoff').getByText('Send a DM').count(), { timeout: 20_000 })
      .toBe(1);

    expect(await standInMessage(c, x, { id: `dm-${post.from}`, from: post.from, text: 'It was on 3 March', visibility: 'private' })).toBe(
      post.id,
    );
    await expect.poll(() => page.getByTestId('handoff-joined-marker').textContent()).toMatch(/^The customer came over on X \(Brand on X\)/);
    await expect.poll(() => page.getByTestId('handoff-list').getByTestId('handoff-status').textContent()).toBe('Joined');
    c.expectClean(page);
  });

  it('asks for the address of the first email when the customer has none, and threads the answer from it', async () => {
    const { mail } = await setUp();
    const post = await publicPost('@brand I need my invoice');
    const page = await c.signIn(c.f.users.agent.email, { viewport: WIDE });
    await openConversation(c, page, post.id);
    const dialog = await openDialog(page);
    await option(dialog, 'Support').click();
    const address = dialog.getByLabel('Email address');
    expect(await address.inputValue()).toBe('');
    expect(await dialog.getByTestId('handoff-confirm').isDisabled()).toBe(true);
    await address.fill('ana.garcia@example');
    await dialog.getByText('That is not an email address.').waitFor();
    expect(await dialog.getByTestId('handoff-confirm').isDisabled()).toBe(true);
    await address.fill('ana.garcia@example.com');
    await dialog.getByTestId('handoff-confirm').click();
    await page.getByText('Moved to Email (Support): the first email is on its way.').waitFor();

    await expect.poll(() => sentTo(post.id).find((d) => d.kind === 'email')?.recipient).toBe('ana.garcia@example.com');
    await page.getByTestId('message').filter({ hasText: 'We are writing by email' }).waitFor();
    await expect.poll(() => page.getByTestId('channel-switch').first().textContent()).toBe('Now on Email (Support) · via handoff');

    expect(await standInMessage(c, mail, { id: 'mail-answer', from: 'ana.garcia@example.com', text: 'Here is my tax number' })).toBe(
      post.id,
    );
    await expect.poll(() => page.getByTestId('handoff-list').getByTestId('handoff-status').textContent()).toBe('Joined');
    // The address is one of the customer's identities now.
    await page.getByTestId('contact-identities').getByText('ana.garcia@example.com').waitFor();
    c.expectClean(page);
  });

  it('opens the handoff from a reply the channel refuses, and works by keyboard', async () => {
    await setUp();
    const account = await tieredAccount(c, c.f);
    const id = await tieredPost(c, account, { id: 'tiered-handoff', from: 'tiered-customer', text: 'Your service is slow' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await page.getByTestId('reply-refused').getByRole('button', { name: 'Move to another channel' }).click();
    const dialog = page.getByRole('dialog', { name: TITLE });
    const options = dialog.getByTestId('handoff-option');
    await options.first().waitFor();
    await settled(page);

    // By keyboard: Space picks an option, the arrow keys move between them, Enter on the button confirms.
    await options.first().focus();
    await page.keyboard.press('Space');
    await expect.poll(() => options.first().getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => options.nth(1).getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => options.first().getAttribute('aria-checked')).toBe('true');
    expect(await options.first().getByTestId('handoff-method').textContent()).toBe('Send a link to a private page');
    await dialog.getByTestId('handoff-confirm').focus();
    await page.keyboard.press('Enter');
    // The link to the customer's own page goes by DM, since the customer wrote in public.
    await page
      .getByTestId('message')
      .filter({ hasText: 'To continue privately, write to us here:' })
      .getByText('DM', { exact: true })
      .waitFor();
    c.expectClean(page);
  });

  it('fits a phone, in Spanish', async () => {
    await setUp();
    const post = await publicPost('@brand hello again');
    const page = await c.signIn(c.f.users.agent.email, { viewport: PHONE, lang: 'es' });
    await openConversation(c, page, post.id);
    await page.getByRole('button', { name: 'Pasar a…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pasar la conversación a otro canal' });
    await option(dialog, 'Shop').getByText('Enviar un enlace de WhatsApp').waitFor();
    await settled(page);
    await expectNoHorizontalScroll(page);
    await c.shot(page, 'handoff-dialog-es-360');
    c.expectClean(page);
  });
});
