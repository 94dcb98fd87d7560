import { waitFor } from '@centralita/channel-kit/conformance';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, PHONE, useConsole } from './browser.ts';
import { openConversation, postForm } from './conversation-kit.ts';
import { createFileChannel, fileSent } from './file-channel.ts';
import { conversationOn } from './test-channel.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createFileChannel()] });

describe('files on a reply', () => {
  it('uploads picked files, lists them with remove, sends them with the reply and shows them on the sent message', async () => {
    const conv = { id: (await conversationOn(c, 'filesx', { id: 'f-1', from: 'user-1', text: '¿Me mandáis la factura?' })).conversationId };
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, conv.id);
    await page.getByText('Up to 10 MB each').waitFor();
    const pdf = Buffer.from('%PDF-1.4\n% factura de marzo\n%%EOF\n');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach files' }).click();
    await (await chooser).setFiles([
      { name: 'factura-marzo.pdf', mimeType: 'application/pdf', buffer: pdf },
      { name: 'borrador.txt', mimeType: 'text/plain', buffer: Buffer.from('no va') },
    ]);
    const files = page.getByTestId('composer-files');
    await files.locator('[data-state="ready"]', { hasText: 'factura-marzo.pdf' }).waitFor();
    await files.locator('[data-state="ready"]', { hasText: 'borrador.txt' }).waitFor();
    await page.getByRole('button', { name: 'Remove borrador.txt' }).click();
    await expect.poll(() => files.getByText('borrador.txt').count()).toBe(0);
    await c.shot(page, 'composer-files');
    await page.getByTestId('composer').fill('Aquí tienes la factura.');
    await page.getByTestId('send').click();

    const sent = page.getByTestId('message').filter({ hasText: 'Aquí tienes la factura.' });
    const list = sent.getByRole('list', { name: 'Attachments' });
    await list.getByRole('link', { name: 'factura-marzo.pdf' }).waitFor();
    await expect.poll(() => list.getByRole('link').count()).toBe(1);
    await expect.poll(() => page.getByTestId('composer-files').count()).toBe(0);
    await waitFor(() => fileSent.length >= 1, { what: 'the reply at the channel' });
    expect(fileSent[0]?.files.map((f) => f.filename)).toEqual(['factura-marzo.pdf']);
    expect(fileSent[0]?.files[0]?.content.equals(pdf)).toBe(true);

    // The web form's customer page shows text only, so its replies offer no attach button.
    const posted = await postForm(c, { subject: 'Sin adjuntos', message: 'Hola' });
    await openConversation(c, page, posted.id);
    await page.getByTestId('composer').waitFor();
    expect(await page.getByRole('button', { name: 'Attach files' }).count()).toBe(0);
    c.expectClean(page);
  });

  it('fits a 360 px phone in Spanish, with a file attached', async () => {
    const conv = await c.server.db.current.db.kysely
      .selectFrom('conversations')
      .innerJoin('channel_accounts', 'channel_accounts.id', 'conversations.channel_account_id')
      .select('conversations.id')
      .where('channel_accounts.kind', '=', 'filesx')
      .executeTakeFirstOrThrow();
    const page = await c.signIn(c.f.users.agent.email, { viewport: PHONE, lang: 'es' });
    await openConversation(c, page, conv.id);
    await page.getByText('Hasta 10 MB cada uno').waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Adjuntar archivos' }).click();
    await (await chooser).setFiles([
      { name: 'un-nombre-de-archivo-bastante-largo-para-un-móvil.pdf', mimeType: 'application/pdf', buffer: Buffer.from('x') },
    ]);
    await page.getByTestId('composer-files').locator('[data-state="ready"]').waitFor();
    await page.getByRole('button', { name: 'Quitar un-nombre-de-archivo-bastante-largo-para-un-móvil.pdf' }).waitFor();
    await expectNoHorizontalScroll(page);
    await c.shot(page, 'composer-files-es-360');
    c.expectClean(page);
  });
});
