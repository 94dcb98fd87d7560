import { call } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();
const admin = () => ({ token: c.f.adminToken });
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const card = (page: Page, n: number) => page.getByTestId('rule-card').nth(n - 1);
const headings = (page: Page) => page.getByTestId('rule-card').getByRole('heading').allTextContents();

/** Replaces what a CodeMirror field holds, typing as a person would. */
async function typeInto(page: Page, field: ReturnType<Page['getByRole']>, text: string) {
  await field.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Escape');
}

beforeAll(async () => {
  const iberia = await call(c.url, 'POST', '/api/v1/teams', { ...admin(), body: { name: 'Iberia' } });
  expect(iberia.status, iberia.text).toBe(201);
  const teamId = iberia.json.team?.id ?? iberia.json.id;
  for (const [user, status] of [
    [c.f.users.agent.id, 'online'],
    [c.f.users.admin.id, 'offline'],
  ] as const) {
    const res = await call(c.url, 'PATCH', `/api/v1/agents/${user}`, {
      ...admin(),
      body: { status, teamIds: [teamId], languages: ['es', 'en'] },
    });
    expect(res.status, res.text).toBe(200);
  }
  // Version 1, which the editor starts from and the publish dialog compares with.
  const document = {
    rules: [
      { id: 'spanish', name: 'Spanish', when: 'conversation.language == "es"', target: { teams: ['Iberia'] }, priority: 5 },
      { id: 'old', name: 'Old rule', when: 'conversation.channel == "email"', target: {} },
    ],
  };
  await call(c.url, 'PUT', '/api/v1/routing/rules/draft', { ...admin(), body: { document } });
  const v1 = await call(c.url, 'POST', '/api/v1/routing/rules/publish', { ...admin(), body: { note: 'first' } });
  expect(v1.status, v1.text).toBe(201);
}, 60_000);

describe('the rule editor', () => {
  it('shows rules as cards; an invalid condition is flagged inline, and the error goes when fixed while a new one shows', {
    timeout: 60_000,
  }, async () => {
    const page = await c.signIn(c.f.users.supervisor.email);
    await page.goto(`${c.url}/supervisor/rules`);
    await page.getByText('Published: version 1').waitFor();
    expect(await headings(page)).toEqual(['1. Spanish', '2. Old rule']);
    // Nothing changed yet: publishing the same version again is not offered.
    await page.getByTestId('identical').getByText('Nothing to publish: this is the published version.').waitFor();
    expect(await page.getByRole('button', { name: 'Publish…' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Add a rule' }).click();
    const added = card(page, 3);
    await added.getByRole('textbox', { name: 'Name', exact: true }).fill('Billing');
    await added.getByRole('textbox', { name: 'Id', exact: true }).fill('billing');
    await typeInto(page, added.getByRole('textbox', { name: 'Condition' }), 'conversation.langauge == "es"');
    const conditionError = added.getByRole('alert').filter({ hasText: 'langauge' });
    await conditionError.waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'problem' }).textContent()).toBe('1 problem');

    // Fixed, while another field goes wrong: the old message is gone, the new one is shown.
    await typeInto(page, added.getByRole('textbox', { name: 'Condition' }), 'conversation.text.containsAny(["factura"])');
    await typeInto(page, added.getByRole('textbox', { name: 'Agent filter' }), 'agent.lod < 3');
    await added.getByRole('alert').filter({ hasText: 'lod' }).waitFor();
    await expect.poll(() => conditionError.count()).toBe(0);
    expect(await added.getByRole('alert').count()).toBe(1);
    await c.shot(page, 'rules-errors');

    await typeInto(page, added.getByRole('textbox', { name: 'Agent filter' }), 'agent.load < 3');
    await expect.poll(() => added.getByRole('alert').count()).toBe(0);
    await page.getByRole('status').filter({ hasText: 'No problems found' }).waitFor();

    // Reordered from the keyboard: Billing goes above Old rule.
    await added.getByRole('button', { name: /^Move rule Billing/ }).focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
    await page.keyboard.press('ArrowUp');
    // The sensor moves the card over a few frames; dropped before it arrives, nothing moves.
    await page.waitForTimeout(400);
    await page.keyboard.press('Space');
    await expect.poll(() => headings(page)).toEqual(['1. Spanish', '2. Billing', '3. Old rule']);
    // And with the buttons, for whoever prefers them.
    await page.getByRole('button', { name: 'Move Billing up' }).click();
    await expect.poll(() => headings(page)).toEqual(['1. Billing', '2. Spanish', '3. Old rule']);

    // Changed and removed rules, for the publish dialog to list.
    await typeInto(
      page,
      card(page, 2).getByRole('textbox', { name: 'Condition' }),
      'conversation.language == "es" || conversation.country == "ES"',
    );
    await page.getByRole('button', { name: 'Remove rule Old rule' }).click();
    await expect.poll(() => headings(page)).toEqual(['1. Billing', '2. Spanish']);
    await page.getByRole('status').filter({ hasText: 'No problems found' }).waitFor();

    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish version 2?' });
    const changes = dialog.getByTestId('publish-changes');
    await changes.getByText('Added: Billing').waitFor();
    await changes.getByText('Removed: Old rule').waitFor();
    await changes.getByText('Changed: Spanish (condition)').waitFor();
    await c.shot(page, 'rules-publish');
    await dialog.getByRole('textbox', { name: 'Note (optional)' }).fill('billing first');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published: version 2').waitFor();
    // The same document again is refused: the button is off and says why.
    await page.getByTestId('identical').waitFor();
    expect(await page.getByRole('button', { name: 'Publish…' }).isDisabled()).toBe(true);
    const stored = await call(c.url, 'GET', '/api/v1/routing/rules', admin());
    expect(stored.json.published.document.rules.map((r: { id: string }) => r.id)).toEqual(['billing', 'spanish']);
    await c.shot(page, 'rules');
    c.expectClean(page);
  });

  it('keeps the JSON at hand: edited there, checked, and shown back on the cards', async () => {
    const page = await c.signIn(c.f.users.supervisor.email);
    await page.goto(`${c.url}/supervisor/rules`);
    await page.getByText('Published: version 2').waitFor();
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = page.getByRole('textbox', { name: 'The rule set as JSON' });
    const text = await json.inputValue();
    expect(JSON.parse(text).rules.map((r: { id: string }) => r.id)).toEqual(['billing', 'spanish']);
    await json.fill(`${text.slice(0, -1)}`);
    await page.getByText(/^Not valid JSON/).waitFor();
    await json.fill(text.replace('"Billing"', '"Invoices"').replace('"priority": 5', '"prority": 5'));
    // The server's problem with the unknown field, named, in place of the parse error.
    await page.getByRole('alert').filter({ hasText: 'prority' }).waitFor();
    expect(await page.getByText(/^Not valid JSON/).count()).toBe(0);
    await page.getByRole('tab', { name: 'Rules' }).click();
    expect(await headings(page)).toEqual(['1. Invoices', '2. Spanish']);
    c.expectClean(page);
  });

  it('previews who would get a conversation, with names and the reasons in words', async () => {
    const page = await c.signIn(c.f.users.supervisor.email);
    await page.goto(`${c.url}/supervisor/rules`);
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByRole('textbox', { name: 'Customer’s message' }).fill('Hola, no tengo fibra');
    await page.getByRole('button', { name: 'Try it', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.getByText('Goes to agent, in Iberia — the only agent who could take it').waitFor();
    await result.getByText('Matched: Spanish').waitFor();
    await result.getByTestId('preview-excluded').getByText('admin: offline').waitFor();
    const words = (await result.textContent()) ?? '';
    expect(words).not.toMatch(UUID);
    expect(words).not.toContain('{');
    await c.shot(page, 'rules-preview');
    c.expectClean(page);
  });

  it('rolls back to an earlier version, as a new one', async () => {
    const page = await c.signIn(c.f.users.supervisor.email);
    await page.goto(`${c.url}/supervisor/rules`);
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByTestId('version').filter({ hasText: 'Version 2' }).getByText('billing first').waitFor();
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.getByText('Published: version 3').waitFor();
    await page.getByTestId('version').filter({ hasText: 'Version 3' }).getByText('rollback to version 1').waitFor();
    await page.getByRole('tab', { name: 'Rules' }).click();
    expect(await headings(page)).toEqual(['1. Spanish', '2. Old rule']);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits the rule editor on a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const page = await c.signIn(c.f.users.supervisor.email, { viewport: size, lang });
      await page.goto(`${c.url}/supervisor/rules`);
      await page.getByRole('heading', { name: lang === 'es' ? 'Reglas de enrutado' : 'Routing rules', level: 1 }).waitFor();
      await page.getByTestId('rule-card').first().waitFor();
      await page.getByText(lang === 'es' ? 'Sin problemas' : 'No problems found').waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `rules-${lang}-${size.width}`);
      await page.getByRole('tab', { name: lang === 'es' ? 'Probar' : 'Try it' }).click();
      await expectNoHorizontalScroll(page);
      c.expectClean(page);
    });
  }
});
