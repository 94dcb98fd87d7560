import { sanitiseEmailHtml } from '@centralita/channel-email';
import { waitFor } from '@centralita/channel-kit/conformance';
import { ingestMessage } from '@centralita/db';
import { call } from '@centralita/server/test-harness';
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalScroll, languageName, PHONE, SCREENS, useConsole } from './browser.ts';
import { admin, customerWrites, openConversation, postForm, settled } from './conversation-kit.ts';
import { createShortChannel, shortSent } from './short-channel.ts';
import { conversationOn } from './test-channel.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole({ adapters: [createShortChannel()] });

describe('the conversation view', () => {
  it('shows a customer’s message arriving live; the agent replies and resolves, and the customer sees the reply', async () => {
    const posted = await postForm(c, { subject: 'Sin fibra desde ayer', message: 'No tengo conexión desde ayer.' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('No tengo conexión desde ayer.').waitFor();
    await customerWrites(c, posted.link, 'Sigue sin funcionar esta mañana.');
    const live = page.getByTestId('message').filter({ hasText: 'Sigue sin funcionar esta mañana.' });
    await live.waitFor();
    // Every message names its sender and its channel; the web form is private-only, so no "Private".
    await expect.poll(() => live.getByTestId('message-sender').textContent()).toBe('Ana García');
    await expect.poll(() => live.getByTestId('message-channel').textContent()).toBe('Web form');
    expect(await page.getByTestId('message-visibility').count()).toBe(0);

    await page.getByLabel('Reply to the customer').fill('Hola Ana, ya estamos revisando tu línea.');
    await page.keyboard.press('Control+Enter');
    const reply = page.getByTestId('message').filter({ hasText: 'Hola Ana, ya estamos revisando tu línea.' });
    await reply.getByTestId('delivery').getByText('Delivered').waitFor();
    expect(await reply.getByTestId('message-sender').textContent()).toBe('agent');
    expect(await page.getByTestId('message-visibility').count()).toBe(0);
    await c.shot(page, 'conversation-reply');

    const customer = await page.context().newPage();
    await customer.goto(posted.link);
    await customer.getByText('Hola Ana, ya estamos revisando tu línea.').waitFor();
    await customer.close();

    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('Resolved');
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    c.expectClean(page);
  });

  it('marks notes as internal notes, with no delivery state', async () => {
    const posted = await postForm(c, { subject: 'Nota', message: 'Quiero cambiar de tarifa.' });
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    await page.locator('.composer').getByText('Internal note', { exact: true }).click();
    await page.getByLabel('Internal note, seen only by your colleagues').fill('Cliente VIP, ofrecer la tarifa nueva.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.getByTestId('message').filter({ hasText: 'Cliente VIP, ofrecer la tarifa nueva.' });
    await note.getByTestId('note-label').getByText('Internal note').waitFor();
    expect(await note.getByTestId('delivery').count()).toBe(0);
    expect(await note.getByText('Received').count()).toBe(0);
    // The customer never sees it.
    const customer = await page.context().newPage();
    await customer.goto(posted.link);
    await customer.getByText('Quiero cambiar de tarifa.').waitFor();
    expect(await customer.getByText('Cliente VIP').count()).toBe(0);
    await customer.close();
    c.expectClean(page);
  });

  it('names the visibility on a channel with both, and holds a reply to its 280 characters unless split', async () => {
    const conv = {
      id: (await conversationOn(c, 'shortx', { id: 'tw-1', from: 'user-1', text: 'Mi router parpadea en rojo' })).conversationId,
    };
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, conv.id);
    const inbound = page.getByTestId('message').filter({ hasText: 'Mi router parpadea en rojo' });
    await expect.poll(() => inbound.getByTestId('message-visibility').textContent()).toBe('Public post');
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('Public post');
    await page.getByTestId('channel-rules').getByText('Short (test) replies take up to 280 characters.', { exact: false }).waitFor();
    const long = 'a'.repeat(281);
    await page.getByTestId('composer').fill(long);
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('281 / 280');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await c.shot(page, 'composer-limit');
    // The server holds the same line for any client.
    const refused = await call(c.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, { ...admin(c), body: { text: long } });
    expect(refused.status).toBe(422);
    await page.getByTestId('split').check();
    await page.getByTestId('send').click();
    await waitFor(() => shortSent.length >= 2, { what: 'the reply sent in two parts' });
    expect(shortSent.map((p) => [...p.text].length).every((x) => x <= 280)).toBe(true);
    c.expectClean(page);
  });

  it('never runs hostile markup from customers, in the console or on the customer’s page', async () => {
    const hostile = {
      name: '<img src=x onerror="window.__pwned=1">',
      email: 'mallory@example.com',
      subject: '<script>window.__pwned=2</script>Asunto',
      message: 'Hola <a href="javascript:window.__pwned=3">pincha</a> <svg onload="window.__pwned=4"></svg>',
    };
    const posted = await postForm(c, hostile);
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, posted.id);
    await page.getByTestId('timeline').getByText(hostile.message).waitFor();
    await page.getByTestId('conversation-title').getByText(hostile.subject).waitFor();
    await page.getByTestId('message-sender').getByText(hostile.name).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    const customer = await page.context().newPage();
    await customer.goto(posted.link);
    await customer.getByText('pincha', { exact: false }).first().waitFor();
    expect(await customer.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await customer.close();
    c.expectClean(page);
  });

  it('shows email HTML sanitised, with remote images blocked until the agent allows them', async () => {
    const posted = await postForm(c, { subject: 'Foto', message: 'Os mando una foto' });
    const { html } = sanitiseEmailHtml(
      '<p>Mirad la foto <img src="https://tracker.example.net/p.gif" alt="router"></p><script>parent.__pwned=5</script><a href="javascript:parent.__pwned=6">x</a><img src=x onerror="parent.__pwned=7">',
    );
    await ingestMessage(
      c.server.db.current.db.kysely,
      { workspaceId: c.f.workspaceId, channelAccountId: c.f.formAccountId, reopenWindowMinutes: 60 },
      {
        type: 'message.received',
        externalMessageId: 'html-1',
        occurredAt: new Date(),
        sender: { kind: 'email', externalId: 'ana@example.com', verified: false },
        text: 'Mirad la foto',
        html,
        visibility: 'private',
        thread: {},
      },
      { now: new Date(), conversationId: posted.id },
    );
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, posted.id);
    const frame = page.frameLocator('iframe.email-frame');
    await frame.getByText('Mirad la foto').waitFor();
    expect(await frame.locator('img[alt="router"]').getAttribute('src')).toBeNull();
    await page.getByRole('button', { name: 'Show remote images' }).click();
    await expect.poll(() => frame.locator('img[alt="router"]').getAttribute('src')).toBe('https://tracker.example.net/p.gif');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    c.expectClean(page);
  });

  it('transfers with teams and agents apart, by name', async () => {
    const team = await call(c.url, 'POST', '/api/v1/teams', { ...admin(c), body: { name: 'Fibra' } });
    expect(team.status, team.text).toBe(201);
    const posted = await postForm(c, { subject: 'Traspaso', message: 'Necesito ayuda con la fibra.' });
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, posted.id);
    await page.getByRole('button', { name: 'Transfer' }).click();
    const menu = page.getByRole('menu');
    await menu.getByText('Teams (to their queue)').waitFor();
    await menu.getByText('Agents', { exact: true }).waitFor();
    const text = (await menu.textContent()) ?? '';
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Teams come first, then agents, each under its own heading.
    expect(text.indexOf('Fibra')).toBeLessThan(text.indexOf('Agents'));
    expect(text.indexOf('Agents')).toBeLessThan(text.indexOf('agent'));
    await c.shot(page, 'conversation-transfer');
    await menu.getByRole('menuitem', { name: 'agent' }).first().click();
    await page.getByTestId('assignee').getByText('Assigned to agent').waitFor();
    await page.getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('menu').getByRole('menuitem', { name: 'Fibra' }).click();
    await page.getByTestId('assignee').getByText('Fibra').waitFor();
    c.expectClean(page);
  });

  it('warns before replying in a colleague’s conversation', async () => {
    const posted = await postForm(c, { subject: 'De otro', message: '¿Me ayudáis?' });
    const assigned = await call(c.url, 'POST', `/api/v1/conversations/${posted.id}/assign`, {
      ...admin(c),
      body: { agentId: c.f.users.supervisor.id },
    });
    expect(assigned.status, assigned.text).toBe(200);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, posted.id);
    await page.getByTestId('assignee').getByText('Assigned to supervisor').waitFor();
    await page.getByLabel('Reply to the customer').fill('Te ayudo yo.');
    await page.getByTestId('send').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('This conversation is assigned to supervisor. Reply anyway?').waitFor();
    await c.shot(page, 'conversation-colleague');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('message').filter({ hasText: 'Te ayudo yo.' }).count()).toBe(0);
    await page.getByTestId('send').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reply anyway' }).click();
    await page.getByTestId('message').filter({ hasText: 'Te ayudo yo.' }).waitFor();
    c.expectClean(page);
  });

  it('snoozes with a preset and sets the priority', async () => {
    const posted = await postForm(c, { subject: 'Más tarde', message: 'Llamadme mañana.' });
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, posted.id);
    await page.getByRole('combobox', { name: 'Priority' }).click();
    await page.getByRole('option', { name: 'Urgent' }).click();
    await expect
      .poll(
        async () => (await call(c.url, 'GET', `/api/v1/conversations/${posted.id}`, admin(c))).json.conversation.routing.requestedPriority,
      )
      .toBe(50);
    await page.getByRole('button', { name: 'Snooze' }).click();
    await page.getByRole('menuitem', { name: /Tomorrow at 9:00/ }).click();
    await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe('Snoozed');
    const until = (await call(c.url, 'GET', `/api/v1/conversations/${posted.id}`, admin(c))).json.conversation.snoozedUntil as string;
    expect(new Date(until).getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    c.expectClean(page);
  });

  it('explains in words, with names, why routing put the conversation where it is', async () => {
    const team = await call(c.url, 'POST', '/api/v1/teams', { ...admin(c), body: { name: 'Soporte' } });
    expect(team.status, team.text).toBe(201);
    const teamId = (team.json.team?.id ?? team.json.id) as string;
    const profile = await call(c.url, 'PATCH', `/api/v1/agents/${c.f.users.agent.id}`, {
      ...admin(c),
      body: { status: 'online', capacity: { total: 5, channels: {} }, teamIds: [teamId] },
    });
    expect(profile.status, profile.text).toBe(200);
    await call(c.url, 'PUT', '/api/v1/routing/rules/draft', {
      ...admin(c),
      body: { document: { rules: [], fallback: { target: { teams: ['Soporte'] } } } },
    });
    const published = await call(c.url, 'POST', '/api/v1/routing/rules/publish', { ...admin(c), body: {} });
    expect(published.status, published.text).toBe(201);
    const posted = await postForm(c, { subject: 'Factura', message: 'Me habéis cobrado dos veces.' });
    const page = await c.signIn(c.f.users.supervisor.email);
    await openConversation(c, page, posted.id);
    const why = page.getByTestId('routing-explanation');
    await page.getByRole('button', { name: 'Details' }).click();
    await why.getByText('Assigned to agent (Soporte) by the fallback rule.').waitFor({ timeout: 15_000 });
    await why.getByText('agent was the only agent who qualified.').waitFor();
    expect((await why.textContent()) ?? '').not.toMatch(/[{}]|[0-9a-f]{8}-[0-9a-f]{4}-/);
    c.expectClean(page);
  });

  for (const [lang, size] of SCREENS) {
    it(`fits a ${size.width} px screen in ${languageName(lang)}`, async () => {
      const posted = await postForm(c, { subject: 'Pantalla', message: 'Un mensaje para ver la pantalla.' });
      const page = await c.signIn(c.f.users.supervisor.email, { viewport: size, lang });
      await openConversation(c, page, posted.id);
      await page.getByTestId('timeline').getByText('Un mensaje para ver la pantalla.').waitFor();
      await expect.poll(() => page.getByTestId('conversation-status').textContent()).toBe(lang === 'es' ? 'Abierta' : 'Open');
      await expectNoHorizontalScroll(page);
      await c.shot(page, `conversation-${lang}-${size.width}`);
      await page.getByRole('button', { name: lang === 'es' ? 'Detalles' : 'Details' }).click();
      await page.getByTestId('contact-panel').waitFor();
      await settled(page);
      await expectNoHorizontalScroll(page);
      await c.shot(page, `conversation-details-${lang}-${size.width}`);
      if (size === PHONE) {
        // The list is hidden while a conversation is open on a phone; the arrow brings it back.
        await page.keyboard.press('Escape');
        await page.getByTestId('back-to-list').click();
        await page.getByText('Pantalla').first().waitFor();
        expect(await page.getByTestId('conversation-title').isVisible()).toBe(false);
      } else {
        expect(await page.getByTestId('back-to-list').isVisible()).toBe(false);
      }
      c.expectClean(page);
    });
  }
});
