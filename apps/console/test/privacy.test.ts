import { describe, expect, it } from 'vitest';
import { useConsole } from './browser.ts';
import { openConversation } from './conversation-kit.ts';
import { createStandInX, delivered, standInAccount, standInMessage } from './handoff-channels.ts';

// The privacy guard as an agent and a supervisor meet it: a public post with a DNI warns and
// offers to move the conversation private; the DNI is masked for an agent (no pii.view) in the
// timeline and the inbox and shown to a supervisor; a public reply with an IBAN is flagged while
// it is written and refused by the server with its sentence, and goes once sent as a DM.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createStandInX()] });

// Synthetic: 12345678Z has the right check letter; ES91 2100 0418 4502 0005 1332 is the textbook IBAN.
const DNI = '12345678Z';
const IBAN = 'ES9121000418450200051332';

let account: string | null = null;
let n = 0;
async function publicPost(text: string): Promise<string> {
  account ??= await standInAccount(c, 'twitter', 'Brand on X');
  n += 1;
  return standInMessage(c, account, { id: `pii-${n}`, from: `pii-user-${n}`, text, visibility: 'public', name: 'Ana García' });
}

describe('the privacy guard in the console', () => {
  it('warns about a DNI in a public post, masks it for an agent in the timeline and the inbox, and offers a private channel', async () => {
    const id = await publicPost(`@brand mi DNI es ${DNI} y no puedo entrar en mi cuenta`);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    const post = page.getByTestId('message').filter({ hasText: '@brand mi DNI es' });
    await post.getByTestId('pii-warning').getByText('This public post contains a DNI.').waitFor();
    await post.getByTestId('pii-masked').getByText('Hidden: you need the pii.view permission to see it.').waitFor();
    const text = await post.getByTestId('message-text').textContent();
    expect(text).not.toContain(DNI);
    expect(text).toContain('mi DNI es ••••••••• y no puedo');
    expect(await post.getByTestId('pii-mark').getAttribute('title')).toBe('DNI');
    const preview = page.locator(`[data-conversation="${id}"]`).getByTestId('row-preview');
    await expect.poll(() => preview.textContent()).toContain('•••••••••');
    expect(await preview.textContent()).not.toContain(DNI);
    await c.shot(page, 'privacy-masked');

    await post.getByRole('button', { name: 'Move to a private channel' }).click();
    await page.getByRole('dialog', { name: 'Move the conversation to another channel' }).getByTestId('handoff-option').first().waitFor();
    c.expectClean(page);
  });

  it('shows the DNI to a supervisor, who has pii.view, with the warning and no mask', async () => {
    const id = await publicPost(`@brand DNI ${DNI}, please help`);
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, id);
    const post = page.getByTestId('message').filter({ hasText: '@brand DNI' });
    await post.getByTestId('pii-warning').waitFor();
    expect(await post.getByTestId('message-text').textContent()).toBe(`@brand DNI ${DNI}, please help`);
    expect(await post.getByTestId('pii-mark').textContent()).toBe(DNI);
    expect(await post.getByTestId('pii-masked').count()).toBe(0);
    c.expectClean(page);
  });

  it('flags an IBAN in a public reply as it is written, shows the server’s refusal, and sends it as a DM instead', async () => {
    const id = await publicPost('@brand how do I pay the invoice?');
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('Public reply');
    const box = page.getByLabel('Reply to the customer');
    const reply = `Transfer it to ${IBAN}, thank you`;
    await box.fill(reply);
    const warning = page.getByTestId('composer-pii');
    await warning.getByText('This public reply contains an IBAN: it would be refused. Send it privately, or take it out.').waitFor();

    // Sent all the same: the server refuses it, and says why with the way out; Send stays off.
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/conversations/${id}/messages`));
    await page.getByTestId('send').click();
    expect((await answer).status()).toBe(422);
    const refusal = page.getByTestId('reply-refused');
    await refusal.getByText('Personal data in a public reply').waitFor();
    expect(await refusal.getByTestId('refusal-reason').textContent()).toBe(
      'This public reply contains an IBAN; send it privately (DM, email) or remove it.',
    );
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    expect(delivered.filter((d) => d.conversationId === id)).toEqual([]);
    await c.shot(page, 'privacy-refused');

    await refusal.getByRole('button', { name: 'Send as DM instead' }).click();
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('DM');
    await expect.poll(() => refusal.count()).toBe(0);
    expect(await warning.count()).toBe(0);
    await page.getByTestId('send').click();
    await expect
      .poll(() => delivered.filter((d) => d.conversationId === id).map((d) => [d.visibility, d.text]))
      .toEqual([['private', reply]]);
    c.expectClean(page);
  });
});
