import { call, login } from '@centralita/server/test-harness';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { api, postForm, row, rowNames, workspace } from './inbox-helpers.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

describe('the inbox list', () => {
  it('shows who wrote, what they said, who holds it and what is unread; opening a row reads it', async () => {
    const f = await workspace(c);
    const ana = await postForm(c, f, {
      name: 'Ana García',
      email: 'ana@example.com',
      subject: 'Factura duplicada',
      message: 'Me han cobrado dos veces.',
    });
    await postForm(c, f, { name: 'Bruno Díaz', email: 'bruno@example.com', message: 'Sin asunto, solo una pregunta.' });
    const nameless = await postForm(c, f, { name: 'Temporal', email: 'anon@example.com', message: 'Hola' });
    // A contact known only by their address, on a form without a subject.
    await c.server.db.current.db.kysely
      .updateTable('contacts')
      .set({ name: null })
      .where('id', '=', (eb) => eb.selectFrom('conversations').select('contact_id').where('id', '=', nameless))
      .execute();
    await api(c, f, 'POST', `/conversations/${ana}/assign`, { agentId: f.users.agent.id });

    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    const anaRow = row(page, 'Ana García');
    await expect.poll(() => anaRow.count()).toBe(1);
    expect(await anaRow.textContent()).toContain('Factura duplicada');
    expect(await anaRow.textContent()).toContain('Me han cobrado dos veces.');
    expect(await anaRow.getByTestId('row-assignee').textContent()).toBe('agent');
    expect(await anaRow.getByText('AG', { exact: true }).count()).toBe(1);
    expect(await anaRow.getByRole('img', { name: 'Web form' }).count()).toBe(1);
    expect(await anaRow.getAttribute('data-unread')).toBe('true');

    // No subject: the contact's name heads the row; no name either: a dash, never an empty row.
    const bruno = row(page, 'Bruno Díaz');
    expect(await bruno.getByTestId('row-preview').textContent()).toBe('Sin asunto, solo una pregunta.');
    expect(await bruno.getByTestId('row-assignee').textContent()).toBe('Unassigned');
    expect(await row(page, '—').count()).toBe(1);
    expect(await row(page, '—').getByTestId('row-preview').textContent()).toBe('Hola');

    await anaRow.getByRole('link').click();
    await page.waitForURL(new RegExp(`/inbox/all/${ana}$`));
    await expect.poll(() => anaRow.getAttribute('data-unread')).toBe('false');
    // Kept on the server: a reload still shows it read, and the agent it belongs to still has it unread.
    await page.reload();
    await expect.poll(() => row(page, 'Ana García').getAttribute('data-unread')).toBe('false');
    const asAgent = await call(c.url, 'GET', '/api/v1/conversations?assignee=me', { cookie: await login(c.url, f.users.agent.email) });
    expect(asAgent.json.items[0].unread).toBe(true);
    c.expectClean(page);
  }, 60_000);

  it('sorts by priority and by the oldest wait, keeping the choice in the address', async () => {
    const f = await workspace(c);
    const first = await postForm(c, f, { name: 'Primera Cliente', email: 'p1@example.com', message: 'uno' });
    const second = await postForm(c, f, { name: 'Segundo Cliente', email: 'p2@example.com', message: 'dos' });
    await postForm(c, f, { name: 'Tercera Cliente', email: 'p3@example.com', message: 'tres' });
    await api(c, f, 'POST', `/conversations/${second}/priority`, { priority: 5 });
    await api(c, f, 'POST', `/conversations/${first}/priority`, { priority: 2 });

    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    // Newest activity first by default.
    await expect.poll(() => rowNames(page)).toEqual(['Tercera Cliente', 'Segundo Cliente', 'Primera Cliente']);
    await page.getByRole('combobox', { name: 'Sort' }).click();
    await page.getByRole('option', { name: 'Priority' }).click();
    await page.waitForURL(/sort=priority/);
    await expect.poll(() => rowNames(page)).toEqual(['Segundo Cliente', 'Primera Cliente', 'Tercera Cliente']);
    await page.getByRole('combobox', { name: 'Sort' }).click();
    await page.getByRole('option', { name: 'Oldest waiting' }).click();
    await expect.poll(() => rowNames(page)).toEqual(['Primera Cliente', 'Segundo Cliente', 'Tercera Cliente']);
    await page.reload();
    await expect.poll(() => rowNames(page)).toEqual(['Primera Cliente', 'Segundo Cliente', 'Tercera Cliente']);
    expect(await page.getByRole('combobox', { name: 'Sort' }).inputValue()).toBe('Oldest waiting');
    c.expectClean(page);
  }, 60_000);

  it('resolves three selected rows at once and leaves the fourth', async () => {
    const f = await workspace(c);
    for (const n of [1, 2, 3, 4]) await postForm(c, f, { name: `Cliente ${n}`, email: `b${n}@example.com`, message: `mensaje ${n}` });
    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await expect.poll(() => rowNames(page)).toHaveLength(4);
    for (const n of [1, 2, 4]) await page.getByRole('checkbox', { name: `Select Cliente ${n}` }).check();
    expect(await page.getByTestId('bulk-count').textContent()).toBe('3 selected');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('3 conversations updated').waitFor();
    await expect.poll(() => rowNames(page)).toEqual(['Cliente 3']);
    await page.getByRole('combobox', { name: 'Status', exact: true }).click();
    await page.getByRole('option', { name: 'Resolved' }).click();
    await expect.poll(async () => (await rowNames(page)).sort()).toEqual(['Cliente 1', 'Cliente 2', 'Cliente 4']);
    c.expectClean(page);
  }, 60_000);

  it('shows a new web-form conversation live and counts it as new activity; the agent’s own replies do not count', async () => {
    const f = await workspace(c);
    const mine = await postForm(c, f, { name: 'Ya Abierta', email: 'open@example.com', message: 'primera' });
    const other = await postForm(c, f, { name: 'Otra Mía', email: 'other@example.com', message: 'segunda' });
    for (const id of [mine, other]) await api(c, f, 'POST', `/conversations/${id}/assign`, { agentId: f.users.supervisor.id });
    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await row(page, 'Ya Abierta').getByRole('link').click();
    await page.waitForURL(new RegExp(`${mine}$`));
    expect(await page.getByTestId('new-activity').count()).toBe(0);

    await postForm(c, f, { name: 'Recién Llegada', email: 'new@example.com', subject: 'Nueva', message: '¿Hay alguien?' });
    await row(page, 'Recién Llegada').waitFor();
    await expect.poll(() => page.getByTestId('new-activity').textContent()).toBe('1 new activity');

    // The agent's own replies, in the open conversation and in another, as the console sends them.
    for (const id of [mine, other]) {
      const status = await page.evaluate(
        async (path) =>
          (
            await fetch(path, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ text: 'Ahora lo miro.' }),
            })
          ).status,
        `/api/v1/conversations/${id}/messages`,
      );
      expect(status).toBe(201);
    }
    await expect.poll(() => row(page, 'Otra Mía').getByTestId('row-preview').textContent()).toContain('Ahora lo miro.');
    await page.waitForTimeout(800);
    expect(await page.getByTestId('new-activity').textContent()).toBe('1 new activity');

    // A colleague's change does count.
    await api(c, f, 'POST', `/conversations/${other}/status`, { action: 'pending' });
    await expect.poll(() => page.getByTestId('new-activity').textContent()).toBe('2 new activities');
    await page.getByTestId('new-activity').click();
    expect(await page.getByTestId('new-activity').count()).toBe(0);
    c.expectClean(page);
  }, 60_000);

  it('pages with the server’s cursor as the list scrolls, rendering only the rows in view', async () => {
    const f = await workspace(c);
    const N = 130;
    for (let i = 0; i < N; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          call(c.url, 'POST', `/webhooks/${f.formAccountId}`, {
            body: { name: `Persona ${i + j}`, email: `p${i + j}@example.com`, message: `mensaje ${i + j}` },
          }).then((r) => expect(r.status, r.text).toBe(201)),
        ),
      );
    }
    await expect.poll(async () => (await api(c, f, 'GET', '/conversations?limit=200')).items.length, { timeout: 20_000 }).toBe(N);
    const page = await c.signIn(f.users.supervisor.email);
    await page.getByTestId('view-all').click();
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toBe('50+ conversations');
    const rendered = () => page.getByTestId('conversation-row').count();
    expect(await rendered()).toBeLessThan(30);
    // Scrolling to the end loads the next pages, and still only what is in view is in the page.
    for (let i = 0; i < 4; i++) {
      await page.locator('.inbox-scroll').evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForTimeout(300);
    }
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toBe(`${N} conversations`);
    expect(await rendered()).toBeLessThan(30);
    // From the last row, j goes nowhere further and k walks back up, in the server's order.
    const order = (await api(c, f, 'GET', '/conversations?limit=200')).items.map((r: { id: string }) => r.id);
    await page.locator(`[data-conversation="${order[N - 1]}"]`).focus();
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.conversation)).toBe(order[N - 3]);
    c.expectClean(page);
  }, 90_000);

  it('says what to do when Mine is empty', async () => {
    const f = await workspace(c);
    const page = await c.signIn(f.users.agent.email);
    await page.getByTestId('inbox-empty').getByText('Nothing assigned to you.', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'See unassigned' }).click();
    await page.waitForURL(/\/inbox\/unassigned$/);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}, list and conversation`, async () => {
      const f = await workspace(c);
      const id = await postForm(c, f, {
        name: 'María José Fernández de la Torre',
        email: 'mj@example.com',
        subject: 'Una consulta con un asunto bastante largo que no cabe en una línea de móvil',
        message: 'Texto largo '.repeat(30),
      });
      await api(c, f, 'POST', `/conversations/${id}/priority`, { priority: 3 });
      const page = await c.signIn(f.users.supervisor.email, { viewport: size, lang });
      await page.goto(`${c.url}/inbox/all`);
      await row(page, 'María José Fernández de la Torre').waitFor();
      const status = page.getByRole('combobox', { name: lang === 'es' ? 'Estado' : 'Status', exact: true });
      expect(await status.inputValue()).toBe(lang === 'es' ? 'Abiertas' : 'Open');
      await expectNoHorizontalScroll(page);
      await c.shot(page, `inbox-${lang}-${size.width}`);
      await row(page, 'María José Fernández de la Torre').getByRole('link').click();
      await page.waitForURL(new RegExp(`${id}$`));
      await expectNoHorizontalScroll(page);
      c.expectClean(page);
    }, 45_000);
  }
});
