import { crc32, deflateSync } from 'node:zlib';
import { recordChannelAccountState } from '@centralita/db';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, useConsole } from './browser.ts';

// An administrator sets up a WhatsApp account: the form says plainly what the `web` mode is, and a
// `web` account waiting to be linked shows the QR code the adapter drew, with where to scan it.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

const SIDE = 29;

/**
 * A QR-like PNG (three corner squares and a scatter of modules, black on white), drawn here as the
 * WhatsApp adapter draws its code: the console shows whatever `data:image/png` the adapter kept.
 */
function codePng(): string {
  const corner = (x: number, y: number) => {
    const [cx, cy] = [x < 7 ? x : x - (SIDE - 7), y < 7 ? y : y - (SIDE - 7)];
    if (cx < 0 || cy < 0 || cx > 6 || cy > 6) return null;
    return cx === 0 || cy === 0 || cx === 6 || cy === 6 || (cx > 1 && cx < 5 && cy > 1 && cy < 5);
  };
  const rows: number[] = [];
  for (let y = 0; y < SIDE; y++) {
    rows.push(0); // no filter
    for (let x = 0; x < SIDE; x++) rows.push((corner(x, y) ?? (x * 7 + y * 13) % 5 < 2) ? 0 : 255);
  }
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), body])));
    return Buffer.concat([head, Buffer.from(type), body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIDE, 0);
  header.writeUInt32BE(SIDE, 4);
  header.writeUInt8(8, 8); // 8 bits, grey
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}
const PNG = codePng();

async function pickConnection(page: Page, mode: 'cloud' | 'web') {
  await page.getByTestId('account-form').locator('[data-field="mode"]').click();
  await page.getByRole('option', { name: mode, exact: true }).click();
}

describe('a WhatsApp account in the console', () => {
  it('warns plainly, while the web mode is chosen, that it automates WhatsApp Web and can get the number blocked', async () => {
    const page = await c.signIn(c.f.users.admin.email);
    await page.goto(`${c.url}/channels`);
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('combobox', { name: 'Channel' }).click();
    await page.getByRole('option', { name: 'WhatsApp', exact: true }).click();
    await pickConnection(page, 'web');
    const warning = page.getByTestId('field-warning');
    expect(await warning.textContent()).toBe(
      'This mode automates WhatsApp Web on a linked phone. WhatsApp does not allow it for businesses and can block the number. Use the Cloud API for a business number.',
    );
    await c.shot(page, 'whatsapp-setup-web');
    await pickConnection(page, 'cloud');
    await expect.poll(() => warning.count()).toBe(0);
    c.expectClean(page);
  });

  it('says the same in Spanish', async () => {
    const page = await c.signIn(c.f.users.admin.email, { lang: 'es' });
    await page.goto(`${c.url}/channels`);
    await page.getByRole('button', { name: 'Añadir cuenta' }).click();
    await page.getByRole('combobox', { name: 'Canal' }).click();
    await page.getByRole('option', { name: 'WhatsApp', exact: true }).click();
    await pickConnection(page, 'web');
    await page
      .getByTestId('field-warning')
      .getByText('Este modo automatiza WhatsApp Web en un teléfono vinculado.', { exact: false })
      .waitFor();
    c.expectClean(page);
  });

  it('shows the QR code of a web account waiting to be linked, with where to scan it and until when', async () => {
    // Inactive, so no node starts WhatsApp Web for it: the linking report is what its adapter would keep.
    const db = c.server.db.current.db.kysely;
    const account = await db
      .insertInto('channel_accounts')
      .values({
        workspace_id: c.f.workspaceId,
        kind: 'whatsapp',
        name: 'Tienda de Lucía',
        settings: JSON.stringify({ mode: 'web' }),
        active: false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const expiresAt = new Date(Date.now() + 60_000);
    await recordChannelAccountState(
      db,
      { workspaceId: c.f.workspaceId, channelAccountId: account.id },
      {
        state: 'linking',
        detail: 'Scan the code with the phone: WhatsApp > Linked devices > Link a device.',
        data: { image: PNG, expiresAt: expiresAt.toISOString() },
      },
      new Date(),
    );
    const page = await c.signIn(c.f.users.admin.email, { viewport: { width: 360, height: 740 } });
    await page.goto(`${c.url}/channels/${account.id}`);
    const code = page.getByTestId('link-code');
    await code.getByText('Scan this code with WhatsApp on the phone: Linked devices → Link a device').waitFor();
    const image = code.getByTestId('link-code-image');
    expect(await image.getAttribute('src')).toBe(PNG);
    // The PNG decodes: a picture, not a broken image.
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(SIDE);
    const when = new Intl.DateTimeFormat('en', { timeStyle: 'medium' }).format(expiresAt);
    expect(await code.getByTestId('link-code-expiry').textContent()).toBe(
      `This code is valid until ${when}; a new one replaces it by itself.`,
    );
    await expectNoHorizontalScroll(page);
    await c.shot(page, 'whatsapp-linking');
    c.expectClean(page);
  });

  it('says when the code has expired, without waiting for the next one', async () => {
    const db = c.server.db.current.db.kysely;
    const account = await db
      .insertInto('channel_accounts')
      .values({
        workspace_id: c.f.workspaceId,
        kind: 'whatsapp',
        name: 'Tienda de Pablo',
        settings: JSON.stringify({ mode: 'web' }),
        active: false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordChannelAccountState(
      db,
      { workspaceId: c.f.workspaceId, channelAccountId: account.id },
      { state: 'linking', detail: 'Scan the code.', data: { image: PNG, expiresAt: new Date(Date.now() + 3_000).toISOString() } },
      new Date(),
    );
    const page = await c.signIn(c.f.users.admin.email);
    await page.goto(`${c.url}/channels/${account.id}`);
    await page.getByTestId('link-code-expiry').getByText('This code has expired; a new one is on its way.').waitFor();
    expect(await page.getByTestId('link-code').getAttribute('data-expired')).toBe('true');
    c.expectClean(page);
  });
});
