import { call, type Fixture } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ConsoleTest, expectNoHorizontalScroll, languageName, SCREENS, useConsole } from './browser.ts';
import { settled } from './conversation-kit.ts';
import { api, workspace } from './inbox-helpers.ts';
import { createWindowedChannel, windowedAccount, windowedMessage, windowedSent } from './windowed-channel.ts';

// Mass incidents in the console, against the real server: a supervisor declares one, the
// web-form conversations that match are linked (and marked in the inbox and the conversation),
// an update is estimated, confirmed and sent with its progress to the end (a WhatsApp-like
// conversation whose window closed gets the template chosen for it), the customer reads it on
// their page, and resolving closes the conversations. A proposal from the detector shows
// anywhere and can be dismissed; an agent reads incidents without the supervisor's controls.

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createWindowedChannel()] });

const FIBRA = { label: 'fibra', terms: ['fibra óptica', 'ftth'] };

/** What the spike detector hands `incidents.propose`. */
type Proposal = Parameters<ConsoleTest['server']['node']['ctx']['incidents']['propose']>[1];

/** A workspace of its own, with the services its incidents name. */
async function incidentWorkspace(): Promise<Fixture> {
  const f = await workspace(c);
  await api(c, f, 'PUT', '/incident-settings', { services: [FIBRA, { label: 'móvil', terms: ['4g', '5g'] }], detector: {}, matching: {} });
  return f;
}

let n = 0;
/** A customer writes through the form from a region; answers the conversation and their page's address. */
async function customer(f: Fixture, name: string, message: string, region = 'ES-MD'): Promise<{ id: string; link: string }> {
  n += 1;
  const res = await call(c.url, 'POST', `/webhooks/${f.formAccountId}`, {
    body: { name, email: `cliente${n}@example.com`, region, message },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.conversationId as string, link: res.json.conversationLink as string };
}

const conversationOf = async (f: Fixture, id: string) => (await api(c, f, 'GET', `/conversations/${id}`)).conversation;

/** An incident as the API answers it, whether alone or as `{ incident }`. */
async function incidentOf(f: Fixture, id: string) {
  const body = await api(c, f, 'GET', `/incidents/${id}`);
  return body.incident ?? body;
}

async function declaredBy(page: Page, title: string): Promise<string> {
  await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: new RegExp(title) }).waitFor();
  return new URL(page.url()).pathname.split('/').pop() as string;
}

/** Declares "Fibra caída Madrid" for fibre in ES-MD through the form, as a supervisor would. */
async function declareFibra(page: Page, t: ConsoleTest): Promise<string> {
  await page.goto(`${t.url}/incidents`);
  await page.getByRole('button', { name: 'Declare an incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare an incident' });
  await dialog.getByLabel('Title').fill('Fibra caída Madrid');
  await dialog.getByLabel('Status text').fill('Una avería deja sin fibra a parte de Madrid; los técnicos ya trabajan en ella.');
  const regions = dialog.getByLabel('Affected regions');
  await regions.fill('es-md');
  await regions.press('Enter');
  await dialog.getByRole('group', { name: 'Affected services' }).getByText('fibra', { exact: true }).click();
  await settled(page);
  await t.shot(page, 'incident-declare');
  await dialog.getByRole('button', { name: 'Declare', exact: true }).click();
  return declaredBy(page, 'Fibra caída Madrid');
}

describe('incidents in the console', () => {
  it('declares an incident, links what matches, sends an update the customer reads, and resolves them together', async () => {
    const f = await incidentWorkspace();
    const ana = await customer(f, 'Ana García', 'Me he quedado sin fibra esta mañana en Getafe.');
    const luis = await customer(f, 'Luis Pérez', 'La fibra óptica no funciona desde las 8, ¿qué pasa?');
    const tarifa = await customer(f, 'Marta Ruiz', 'Quiero cambiar mi tarifa del móvil a una más barata.');
    const page = await c.signIn(f.users.supervisor.email);
    const id = await declareFibra(page, c);

    // The two about fibre are linked, listed with their channel, and counted; the one about a tariff is not.
    const list = page.getByTestId('incident-conversations');
    await expect.poll(() => list.getByTestId('incident-conversation').count(), { timeout: 20_000 }).toBe(2);
    expect(await list.getByTestId('incident-conversation-link').allTextContents()).toEqual(
      expect.arrayContaining(['Ana García', 'Luis Pérez']),
    );
    expect(await list.getByText('Marta Ruiz').count()).toBe(0);
    await expect.poll(() => page.getByTestId('count-linked').textContent()).toBe('2');
    await page.getByTestId('count-by-channel').getByText('Web form').waitFor();
    await page.getByTestId('count-by-region').getByText('ES-MD').waitFor();
    expect((await incidentOf(f, id)).status).toBe('active');

    // Marked in the inbox and in the conversation, whose badge leads back to the incident.
    await page.goto(`${c.url}/inbox/all`);
    const rowOf = (name: string) => page.getByTestId('conversation-row').filter({ hasText: name });
    await expect.poll(() => rowOf('Ana García').getByTestId('row-incident').textContent()).toBe('INC-1 · Fibra caída Madrid');
    await rowOf('Luis Pérez').getByTestId('row-incident').waitFor();
    expect(await rowOf('Marta Ruiz').getByTestId('row-incident').count()).toBe(0);
    await c.shot(page, 'incident-inbox');
    await page.goto(`${c.url}/inbox/all/${ana.id}`);
    const badge = page.getByTestId('conversation-incident');
    await expect.poll(() => badge.textContent()).toBe('INC-1 · Fibra caída Madrid');
    await badge.click();
    await declaredBy(page, 'Fibra caída Madrid');

    // A customer on a WhatsApp-like channel wrote a day ago about something else; linked by hand.
    const shop = await windowedAccount(c, f);
    const pedro = await windowedMessage(
      c,
      shop,
      { id: 'wa-pedro', from: '+34600111222', name: 'Pedro', text: '¿Me llamáis?' },
      25 * 3_600_000,
    );
    await api(c, f, 'POST', `/incidents/${id}/conversations`, { conversationIds: [pedro] });
    await expect.poll(() => page.getByTestId('count-linked').textContent()).toBe('3');
    await c.shot(page, 'incident-detail');

    // An update: estimated (who it reaches, on which account; the closed window is left out without a template).
    const text = page.getByLabel('Update', { exact: true });
    await text.fill('Hola {name}: {status} Referencia {ref}.');
    await page.getByRole('button', { name: 'Estimate' }).click();
    const estimate = page.getByTestId('broadcast-estimate');
    await estimate.getByText('Reaches 2 conversations').waitFor();
    await estimate.getByTestId('estimate-skipped').getByText('1 conversation:', { exact: false }).waitFor();
    // With the template chosen (a value per customer), the estimate counts it and its cost.
    const template = page.getByTestId('broadcast-template');
    await template.getByTestId('template-option').filter({ hasText: 'order_update' }).click();
    await template.getByLabel('Body {{1}}').fill('{name}');
    await template.getByLabel('Body {{2}}').fill('INC-1');
    await expect
      .poll(() => template.getByTestId('broadcast-template-preview').textContent())
      .toBe('Hola {name}, tu pedido INC-1 ha salido.');
    await page.getByText('The update changed since it was estimated: estimate it again.').waitFor();
    expect(await page.getByRole('button', { name: 'Send…' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Estimate' }).click();
    await estimate.getByText('Reaches 3 conversations').waitFor();
    const lanes = estimate.getByTestId('estimate-by-channel');
    await lanes.getByRole('row').filter({ hasText: 'Windowed shop' }).getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await lanes.getByText('Form', { exact: false }).waitFor();
    await c.shot(page, 'incident-estimate');
    await page.getByRole('button', { name: 'Send…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Send this update?' });
    await confirm.getByTestId('confirm-numbers').getByText('It goes to 3 conversations', { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Send to 3 conversations' }).click();
    const broadcast = page.getByTestId('broadcast').first();
    await expect.poll(() => broadcast.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => broadcast.getByTestId('broadcast-handled').textContent()).toBe('3 of 3 handled');
    expect(windowedSent.filter((m) => m.conversationId === pedro)).toEqual([
      { text: 'Hola Pedro, tu pedido INC-1 ha salido.', template: 'order_update', conversationId: pedro, quotedExternalId: null },
    ]);
    expect(Number(await broadcast.getByTestId('total-failed').textContent())).toBe(0);
    await c.shot(page, 'incident-progress');

    // The customer reads it on their own page, with their name and the incident's status in it.
    const portal = await page.context().newPage();
    await portal.goto(ana.link);
    await portal.getByText('Hola Ana García: Una avería deja sin fibra a parte de Madrid', { exact: false }).waitFor();
    await portal.close();
    // The timeline labels it as the incident's update.
    await page.goto(`${c.url}/inbox/all/${luis.id}`);
    const update = page.getByTestId('message').filter({ hasText: 'Hola Luis Pérez' });
    await update.getByTestId('message-incident').getByText('Incident update').waitFor();

    // An agent's opt-out: Luis's conversation stays open when the incident is resolved.
    await page.goto(`${c.url}/incidents/${id}`);
    const luisRow = page.getByTestId('incident-conversation').filter({ hasText: 'Luis Pérez' });
    await luisRow.getByRole('switch', { name: 'Keep Luis Pérez open when the incident is resolved' }).check();
    await expect.poll(() => luisRow.getByRole('switch').isChecked()).toBe(true);

    // Resolving sends the closing note and resolves the linked conversations but the kept one, and not the unrelated one.
    await page.getByRole('button', { name: 'Resolve…' }).click();
    const resolve = page.getByRole('dialog', { name: 'Resolve INC-1' });
    await expect
      .poll(() => resolve.getByTestId('resolve-closes').textContent())
      .toMatch(/^The 3 linked conversations not resolved yet are resolved|^2 linked conversations are resolved/);
    await resolve.getByLabel('Update', { exact: true }).fill('Hola {name}: la fibra ya funciona en Madrid. Gracias por la paciencia.');
    await resolve.getByRole('button', { name: 'Estimate' }).click();
    // Pedro's window is still closed and no template was chosen this time: the estimate says he is left out.
    await resolve.getByText('Reaches 2 conversations').waitFor();
    await resolve.getByRole('button', { name: 'Resolve the incident' }).click();
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('Resolved');
    await expect.poll(async () => (await conversationOf(f, ana.id)).status, { timeout: 20_000 }).toBe('resolved');
    await expect.poll(async () => (await conversationOf(f, pedro)).status).toBe('resolved');
    expect((await conversationOf(f, luis.id)).status).toBe('open');
    expect((await conversationOf(f, tarifa.id)).status).not.toBe('resolved');
    await expect
      .poll(async () => (await page.getByTestId('incident-conversation-status').allTextContents()).sort())
      .toEqual(['Open', 'Resolved', 'Resolved']);
    // The metrics: the updates answered all three first, and two were closed without an agent writing.
    const metrics = page.getByTestId('incident-metrics');
    await expect.poll(() => metrics.getByTestId('metrics-absorbed').textContent()).toBe('2 of 3');
    expect(await metrics.getByTestId('metrics-first-response').textContent()).toBe('updates 3 · agents 0');
    expect(await metrics.getByTestId('metrics-first-update').textContent()).not.toBe('None sent yet');
    await metrics.scrollIntoViewIfNeeded();
    await c.shot(page, 'incident-metrics');
    await page.goto(`${c.url}/incidents`);
    await page.getByTestId('incidents-resolved').getByText('INC-1 · Fibra caída Madrid').waitFor();
    c.expectClean(page);
    // A whole outage's story on a loaded 2-core machine: each step waits on its own, well inside this.
  }, 120_000);

  it('tells a supervisor anywhere when Centralita proposes an incident, shows the evidence, remembers a dismissal and accepts another', async () => {
    const f = await incidentWorkspace();
    const page = await c.signIn(f.users.supervisor.email);
    const now = Date.now();
    const counts = Array.from({ length: 12 }, (_, i) => ({
      at: new Date(now - (11 - i) * 5 * 60_000).toISOString(),
      count: i < 10 ? 2 : i === 10 ? 9 : 64,
    }));
    const proposal: Proposal = {
      signature: 'fibra|ES-MD',
      title: 'Spike: fibra (ES-MD)',
      terms: ['fibra'],
      services: ['fibra'],
      regions: ['ES-MD'],
      startsAt: new Date(now - 10 * 60_000),
      evidence: {
        bucketMinutes: 5,
        total: 64,
        keys: [{ kind: 'term', key: 'fibra', baseline: 2.4, current: 64, pValue: 1e-12, ratio: 26.7, counts }],
        viralPost: { externalId: '1789', replies: 41 },
      },
    };
    const proposed = await c.server.node.ctx.incidents.propose(f.workspaceId, proposal);
    expect(proposed?.created).toBe(true);

    // On the inbox, not the incidents screen: the toast says so and leads there.
    const toast = page.getByTestId('incident-toast');
    await toast.getByText('Spike: fibra (ES-MD)', { exact: false }).waitFor({ timeout: 15_000 });
    await c.shot(page, 'incident-toast');
    await page.getByTestId('incident-toast-open').click();
    const card = page.getByTestId('incident-proposal');
    await card.getByTestId('proposal-terms').getByText('fibra').waitFor();
    await card.getByTestId('proposal-regions').getByText('ES-MD').waitFor();
    expect(await card.getByTestId('proposal-chart').locator('[data-count]').count()).toBe(12);
    expect(await card.getByTestId('proposal-spike').textContent()).toBe('64 messages in the last 5 minutes: 26.7 times the usual 2.4.');
    expect(await card.getByTestId('proposal-viral').textContent()).toBe('One post gathered 41 replies: 1789');
    await c.shot(page, 'incident-proposal');

    await card.getByRole('button', { name: 'Dismiss the proposal Spike: fibra (ES-MD)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Dismiss this proposal?' });
    await dialog.getByLabel('Why (optional)').fill('Mantenimiento programado');
    await dialog.getByRole('button', { name: 'Dismiss the proposal' }).click();
    await page.getByText('Proposal dismissed: Spike: fibra (ES-MD).').waitFor();
    await expect.poll(() => page.getByTestId('incident-proposal').count()).toBe(0);
    const stored = await incidentOf(f, proposed?.id as string);
    expect([stored.status, stored.dismissReason]).toEqual(['dismissed', 'Mantenimiento programado']);
    // The same alarm again is not proposed while it is remembered.
    expect(await c.server.node.ctx.incidents.propose(f.workspaceId, { ...proposal, startsAt: new Date() })).toBeNull();

    // Another proposal is accepted through the declare form, prefilled with what the detector saw.
    const other = await c.server.node.ctx.incidents.propose(f.workspaceId, {
      ...proposal,
      signature: 'móvil|ES-CT',
      title: 'Spike: móvil (ES-CT)',
      terms: ['móvil'],
      services: ['móvil'],
      regions: ['ES-CT'],
    });
    const next = page.getByTestId('incident-proposal').filter({ hasText: 'Spike: móvil (ES-CT)' });
    await next.getByRole('button', { name: 'Accept the proposal Spike: móvil (ES-CT)' }).click();
    const accept = page.getByRole('dialog', { name: 'Accept INC-2' });
    await expect.poll(() => accept.getByLabel('Title').inputValue()).toBe('Spike: móvil (ES-CT)');
    await accept.getByText('ES-CT').waitFor();
    await accept.getByLabel('Title').fill('Móvil caído en Cataluña');
    await accept.getByRole('button', { name: 'Accept and link conversations' }).click();
    await declaredBy(page, 'Móvil caído en Cataluña');
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('Active');
    // Its status text, changed on its page, is what customers are told.
    await page.getByRole('button', { name: 'Edit the status text' }).click();
    await page.getByLabel('Status text').fill('Sin cobertura móvil en Cataluña; la reparamos.');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('incident-status-text').textContent()).toBe('Sin cobertura móvil en Cataluña; la reparamos.');
    const accepted = await incidentOf(f, other?.id as string);
    expect([accepted.status, accepted.title, accepted.statusText]).toEqual([
      'active',
      'Móvil caído en Cataluña',
      'Sin cobertura móvil en Cataluña; la reparamos.',
    ]);
    c.expectClean(page);
  }, 60_000);

  it('lets an agent read incidents and link a conversation by hand, without declaring or sending', async () => {
    const f = await incidentWorkspace();
    const declared = await api(c, f, 'POST', '/incidents', {
      title: 'Móvil sin datos',
      statusText: 'Sin datos móviles en Valencia.',
      services: ['móvil'],
      regions: ['ES-VC'],
    });
    const incident = declared.incident ?? declared;
    // Nothing about the mobile network in it, so only a person can link it.
    const other = await customer(f, 'Pablo Gil', 'No puedo navegar desde el teléfono.', 'ES-VC');
    const page = await c.signIn(f.users.agent.email);
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incidents-active').getByText('INC-1 · Móvil sin datos').waitFor();
    expect(await page.getByRole('button', { name: 'Declare an incident' }).count()).toBe(0);

    await page.goto(`${c.url}/inbox/all/${other.id}`);
    await page.getByRole('button', { name: 'Link to incident…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link the conversation to an incident' });
    await dialog.getByRole('combobox', { name: 'Incident' }).click();
    await page.getByRole('option', { name: 'INC-1 · Móvil sin datos' }).click();
    await dialog.getByRole('button', { name: 'Link', exact: true }).click();
    await page.getByText('Linked to INC-1.').waitFor();
    await expect.poll(() => page.getByTestId('conversation-incident').textContent()).toBe('INC-1 · Móvil sin datos');
    await expect.poll(async () => (await conversationOf(f, other.id)).routing.incidentId).toBe(incident.id);

    await page.getByTestId('conversation-incident').click();
    await page.getByTestId('incident-conversations').getByText('Pablo Gil').waitFor();
    await page.getByTestId('incident-conversation').getByText('Linked by hand').waitFor();
    // The supervisor's parts are not there at all.
    for (const name of ['Resolve…', 'Send…', 'Estimate', 'Edit the status text']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    // The server refuses the agent the same.
    const res = await call(c.url, 'POST', `/api/v1/incidents/${incident.id}/resolve`, {
      cookie: (await page.context().cookies()).map((k) => `${k.name}=${k.value}`).join('; '),
      body: {},
    });
    expect(res.status).toBe(403);

    await page.getByRole('button', { name: 'Unlink Pablo Gil from the incident' }).click();
    await page.getByText('Pablo Gil unlinked: it will not be linked to this incident again by itself.').waitFor();
    await expect.poll(async () => (await conversationOf(f, other.id)).routing.incidentId).toBeNull();
    c.expectClean(page);
  });

  for (const [lang, viewport] of SCREENS) {
    it(`fits a ${viewport.width} px screen in ${languageName(lang)}`, async () => {
      const f = await incidentWorkspace();
      await customer(f, 'Ana García', 'Sin fibra en Alcobendas desde ayer.');
      const declared = await api(c, f, 'POST', '/incidents', {
        title: 'Fibra caída en la Comunidad de Madrid',
        statusText: 'Los técnicos trabajan en una avería de fibra.',
        services: ['fibra'],
        keywords: ['sin conexión', 'sin internet'],
        regions: ['ES-MD', 'ES-CL'],
      });
      const incident = declared.incident ?? declared;
      const es = lang === 'es';
      const page = await c.signIn(f.users.supervisor.email, { viewport, lang });
      await page.goto(`${c.url}/incidents`);
      await page.getByTestId('incident-card').first().waitFor();
      await expectNoHorizontalScroll(page);
      await page.getByRole('button', { name: es ? 'Declarar una incidencia' : 'Declare an incident' }).click();
      await page
        .getByRole('dialog')
        .getByRole('group', { name: es ? 'Servicios afectados' : 'Affected services' })
        .waitFor();
      await expectNoHorizontalScroll(page);
      await page.keyboard.press('Escape');
      await page.goto(`${c.url}/incidents/${incident.id}`);
      await page.getByTestId('incident-conversation').first().waitFor({ timeout: 20_000 });
      await page.getByLabel(es ? 'Aviso' : 'Update', { exact: true }).fill('{name}: {status}');
      await page.getByRole('button', { name: es ? 'Estimar' : 'Estimate' }).click();
      await page.getByTestId('broadcast-estimate').waitFor();
      await expectNoHorizontalScroll(page);
      await c.shot(page, `incident-${lang}-${viewport.width}`);
      c.expectClean(page);
    });
  }
});
