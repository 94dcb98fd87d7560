import { call } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();
const admin = () => ({ token: c.f.adminToken });

async function team(name: string): Promise<string> {
  const res = await call(c.url, 'POST', '/api/v1/teams', { ...admin(), body: { name } });
  expect(res.status, res.text).toBe(201);
  return res.json.team?.id ?? res.json.id;
}

const waitingIn = (page: Page, teamName: string) =>
  page
    .getByTestId('queue-row')
    .filter({ has: page.getByRole('rowheader', { name: teamName, exact: true }) })
    .getByTestId('queue-waiting');

describe('supervisor screens', () => {
  it('lists every team under “Team”, those with nobody waiting too, and “No team”', async () => {
    await team('Fibra');
    await team('Móvil');
    const page = await c.signIn(c.f.users.supervisor.email);
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.waitForURL(/\/supervisor\/queues$/);
    const table = page.getByRole('table', { name: 'Queues' });
    await table.getByRole('columnheader', { name: 'Team', exact: true }).waitFor();
    expect(await table.getByRole('columnheader', { name: 'My teams' }).count()).toBe(0);
    for (const name of ['Fibra', 'Móvil', 'No team']) {
      await expect.poll(() => waitingIn(page, name).textContent()).toBe('0');
    }
    await c.shot(page, 'queues');
    c.expectClean(page);
  });

  it('lets a supervisor set an agent’s status; the agents screen and the queue follow live', { timeout: 60_000 }, async () => {
    const soporte = await team('Soporte');
    const profile = await call(c.url, 'PATCH', `/api/v1/agents/${c.f.users.agent.id}`, {
      ...admin(),
      body: { status: 'offline', capacity: { total: 5, channels: { webform: 3 } }, teamIds: [soporte] },
    });
    expect(profile.status, profile.text).toBe(200);
    await call(c.url, 'PUT', '/api/v1/routing/rules/draft', {
      ...admin(),
      body: { document: { rules: [], fallback: { target: { teams: ['Soporte'] } } } },
    });
    const published = await call(c.url, 'POST', '/api/v1/routing/rules/publish', { ...admin(), body: {} });
    expect(published.status, published.text).toBe(201);
    const posted = await call(c.url, 'POST', `/webhooks/${c.f.formAccountId}`, {
      body: { name: 'Luis', email: 'luis@example.com', subject: 'Factura', message: 'Me habéis cobrado dos veces.' },
    });
    expect(posted.status, posted.text).toBe(201);

    // One window watches the queues while another changes the agent: the first follows by itself.
    const queues = await c.signIn(c.f.users.supervisor.email);
    await queues.goto(`${c.url}/supervisor/queues`);
    await expect.poll(async () => Number(await waitingIn(queues, 'Soporte').textContent()), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

    const page = await c.signIn(c.f.users.supervisor.email);
    await page.getByRole('link', { name: 'Agents' }).click();
    const card = page.getByTestId('agent-agent');
    await expect.poll(() => card.getByRole('combobox', { name: 'Status of agent' }).inputValue()).toBe('Offline');
    // The queue explains itself: nobody who could take it is online.
    await page.getByTestId('stuck').getByText('Soporte: 1 waiting, and no Soporte agent is online.').waitFor();
    await card.getByText('Any time while online').waitFor();
    await c.shot(page, 'agents-stuck');

    await page.getByRole('combobox', { name: 'Status of agent' }).click();
    await page.getByRole('option', { name: 'Online' }).click();
    // Routing hands the waiting conversation over; the watching window's queue empties.
    await expect.poll(() => waitingIn(queues, 'Soporte').textContent(), { timeout: 15_000 }).toBe('0');
    await expect
      .poll(() => queues.getByTestId('queue-row').filter({ hasText: 'Soporte' }).getByTestId('queue-online').textContent())
      .toBe('1');
    // The agent's load per channel against capacity, in the channel's own name.
    await card.getByText('Web form 1/3').waitFor({ timeout: 15_000 });
    await card.getByText('Total 1/5').waitFor();
    expect(await page.getByTestId('stuck').count()).toBe(0);
    await c.shot(page, 'agents');

    // Away: the other window's agent count follows too, from the agent's own event.
    const agentsThere = await c.signIn(c.f.users.supervisor.email);
    await agentsThere.goto(`${c.url}/supervisor/agents`);
    await agentsThere.getByTestId('agent-agent').getByRole('combobox', { name: 'Status of agent' }).waitFor();
    await page.getByRole('combobox', { name: 'Status of agent' }).click();
    await page.getByRole('option', { name: 'Away' }).click();
    await expect.poll(() => agentsThere.getByRole('combobox', { name: 'Status of agent' }).inputValue(), { timeout: 10_000 }).toBe('Away');
    await expect
      .poll(() => queues.getByTestId('queue-row').filter({ hasText: 'Soporte' }).getByTestId('queue-online').textContent())
      .toBe('0');
    c.expectClean(page);
    c.expectClean(queues);
  });

  it('lets a supervisor add and edit canned responses; an agent can read them but not change them', { timeout: 60_000 }, async () => {
    const page = await c.signIn(c.f.users.supervisor.email);
    await page.goto(`${c.url}/supervisor/canned`);
    await page.getByText('No canned responses yet. Add the answers your team writes most often.').waitFor();
    await page.getByRole('button', { name: 'New canned response' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Shortcut' }).fill('saludo');
    await dialog.getByRole('textbox', { name: 'Text' }).fill('Hola, gracias por escribirnos.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const item = page.getByTestId('canned-response').filter({ hasText: '/saludo' });
    await item.getByText('Hola, gracias por escribirnos.').waitFor();

    // A shortcut already taken is refused, beside the field.
    await page.getByRole('button', { name: 'New canned response' }).click();
    await dialog.getByRole('textbox', { name: 'Shortcut' }).fill('saludo');
    await dialog.getByRole('textbox', { name: 'Text' }).fill('Otra');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('A canned response called /saludo exists already.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Edit /saludo' }).click();
    await dialog.getByRole('textbox', { name: 'Text' }).fill('Hola, gracias por escribirnos. ¿En qué te ayudamos?');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await item.getByText('¿En qué te ayudamos?', { exact: false }).waitFor();
    await page.getByRole('searchbox', { name: 'Search canned responses' }).fill('nada-parecido');
    await page.getByText('Nothing matches “nada-parecido”.').waitFor();
    await page.getByRole('searchbox', { name: 'Search canned responses' }).fill('ayudamos');
    await item.waitFor();
    await c.shot(page, 'canned');
    c.expectClean(page);

    const agent = await c.signIn(c.f.users.agent.email);
    await agent.goto(`${c.url}/supervisor/canned`);
    await agent.getByTestId('canned-response').filter({ hasText: '/saludo' }).waitFor();
    expect(await agent.getByRole('button', { name: 'New canned response' }).count()).toBe(0);
    expect(await agent.getByRole('button', { name: 'Edit /saludo' }).count()).toBe(0);
    expect(await agent.getByRole('button', { name: 'Delete /saludo' }).count()).toBe(0);
    // The server refuses the agent the same, whatever the screen shows.
    const id = (await call(c.url, 'GET', '/api/v1/canned-responses', admin())).json.items[0].id;
    const tries = await agent.evaluate(async (cannedId) => {
      const post = await fetch('/api/v1/canned-responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ shortcut: 'mio', text: 'x' }),
      });
      const patch = await fetch(`/api/v1/canned-responses/${cannedId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x' }),
      });
      const del = await fetch(`/api/v1/canned-responses/${cannedId}`, { method: 'DELETE' });
      return [post.status, patch.status, del.status];
    }, id);
    expect(tries).toEqual([403, 403, 403]);
    c.expectClean(agent);

    // And the supervisor deletes it, after saying yes.
    await page.getByRole('button', { name: 'Delete /saludo' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Nothing matches “ayudamos”.').waitFor();
  });

  for (const [lang, size] of SCREENS) {
    it(`fits queues, agents and canned responses on a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const page = await c.signIn(c.f.users.supervisor.email, { viewport: size, lang });
      for (const [path, heading] of [
        ['/supervisor/queues', lang === 'es' ? 'Colas' : 'Queues'],
        ['/supervisor/agents', lang === 'es' ? 'Agentes' : 'Agents'],
        ['/supervisor/canned', lang === 'es' ? 'Respuestas guardadas' : 'Canned responses'],
      ] as const) {
        await page.goto(`${c.url}${path}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        await expectNoHorizontalScroll(page);
        await c.shot(page, `${path.split('/').pop()}-${lang}-${size.width}`);
      }
      if (lang === 'es') {
        await page.goto(`${c.url}/supervisor/queues`);
        await page.getByText('Sin equipo').first().waitFor();
      }
      c.expectClean(page);
    });
  }
});
