import { waitFor } from '@centralita/channel-kit/conformance';
import { type CapsOverride, peerConfig, startXPeer, X_ROUTES, type XPeer } from '@centralita/channel-twitter/testing';
import { call, type Fixture } from '@centralita/server/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, useConsole } from './browser.ts';
import { openConversation } from './conversation-kit.ts';

// The console on a real X account: the X adapter polling a local X API peer (packages/channel-twitter/testing).
// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const c = useConsole();

// Tests poll many times a second; X's real caps would stop them within seconds.
const ROOMY: CapsOverride = Object.fromEntries(X_ROUTES.map((r) => [r, { per15min: 1_000_000, per24h: 1_000_000 }]));

let peer: XPeer;
let accountId = '';
beforeAll(async () => {
  peer = await startXPeer({ caps: ROOMY });
  const res = await call(c.url, 'POST', '/api/v1/channel-accounts', {
    token: c.f.adminToken,
    body: { kind: 'twitter', name: `@${peer.brand.username}`, config: peerConfig(peer, { listening: false }) },
  });
  expect(res.status, res.text).toBe(201);
  accountId = res.json.channelAccount.id;
});
afterAll(async () => {
  await peer?.close();
});

/** The conversation a post or DM went into, once the channel has read it. */
async function conversationOf(f: Fixture, externalId: string): Promise<string> {
  const row = await waitFor(
    () =>
      c.server.db.current.db.kysely
        .selectFrom('messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
        .select('m.conversation_id')
        .where('c.workspace_id', '=', f.workspaceId)
        .where('m.external_id', '=', externalId)
        .executeTakeFirst(),
    { timeoutMs: 15_000, what: `post ${externalId} to be read` },
  );
  return row.conversation_id;
}

describe('X in the console', () => {
  it('answers a mention in public, under the customer’s post, counting the reply as X does', async () => {
    peer.addUser({ username: 'lucia_m', name: 'Lucía', followers: 900, acceptsDms: true });
    const post = peer.post({ from: 'lucia_m', text: `@${peer.brand.username} mi router parpadea en rojo` });
    const id = await conversationOf(c.f, post.id);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    const message = page.getByTestId('message').filter({ hasText: 'mi router parpadea en rojo' });
    expect(await message.getByRole('link', { name: 'Open in X' }).getAttribute('href')).toBe(`https://x.com/lucia_m/status/${post.id}`);
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('Public reply');
    const box = page.getByLabel('Reply to the customer');
    await box.fill('Hola Lucía 👋 mira https://help.example.com/router/luces/rojo/que-significa');
    // "Hola Lucía " 11 + emoji 2 + " mira " 6 + link 23
    await expect.poll(() => page.getByTestId('counter').textContent()).toBe('42 / 280');
    await page.getByTestId('send').click();
    await waitFor(() => peer.createdPosts().find((p) => p.post.text.includes('Hola Lucía')), { what: 'the reply at X' });
    expect(peer.createdPosts().find((p) => p.post.text.includes('Hola Lucía'))?.replyTo).toBe(post.id);
    await c.shot(page, 'x-conversation');
    c.expectClean(page);
  });

  it('offers a DM or the post in X where the tier forbids a public reply, and never posts one', async () => {
    const brandPost = peer.post({ from: peer.brand.username, text: 'Mantenimiento esta noche' });
    peer.addUser({ username: 'pablo_q', name: 'Pablo', acceptsDms: true });
    const complaint = peer.post({ from: 'pablo_q', text: 'otra vez sin servicio', replyTo: brandPost.id });
    const id = await conversationOf(c.f, complaint.id);
    const posts = peer.createdPosts().length;
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    const refusal = page.getByTestId('reply-refused');
    await refusal.getByText('Not allowed on X: Public reply').waitFor();
    expect(await refusal.getByTestId('refusal-reason').textContent()).toMatch(/self-serve X tier/);
    const open = refusal.getByRole('link', { name: 'Open the post in X' });
    expect(await open.getAttribute('href')).toContain(complaint.id);
    expect(await open.getAttribute('rel')).toBe('noopener noreferrer');
    await page.getByLabel('Reply to the customer').fill('Te escribimos por DM, Pablo');
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await c.shot(page, 'x-refused');
    await refusal.getByRole('button', { name: 'Send as DM instead' }).click();
    await page.getByTestId('send').click();
    await waitFor(() => peer.sentDms().find((d) => d.event.text === 'Te escribimos por DM, Pablo'), { what: 'the DM at X' });
    expect(peer.createdPosts().length).toBe(posts);
    c.expectClean(page);
    // A Spanish console reads the channel's own translation of the reason (another person: the
    // agent's draft remembers the DM they chose).
    const another = peer.post({ from: 'pablo_q', text: 'y ahora tampoco', replyTo: brandPost.id });
    const es = await c.signIn(c.f.users.supervisor.email, { lang: 'es' });
    await openConversation(c, es, await conversationOf(c.f, another.id));
    const motivo = es.getByTestId('reply-refused').getByTestId('refusal-reason');
    await motivo.waitFor();
    expect(await motivo.textContent()).toMatch(/solo puede responder en público a posts que mencionan a la marca/);
    c.expectClean(es);
  });

  it('holds a reply while the budget is spent, saying so, and sends it once an admin raises the budget', async () => {
    peer.addUser({ username: 'ines_b', name: 'Inés', acceptsDms: true });
    const dm = peer.sendDm({ from: 'ines_b', text: '¿Me podéis ayudar con la factura?' });
    const id = await conversationOf(c.f, dm.id);
    const budget = (monthlyBudget: number) =>
      call(c.url, 'PUT', `/api/v1/channel-accounts/${accountId}/budget`, { token: c.f.adminToken, body: { monthlyBudget } });
    // What the reads so far cost is more than a cent: the month is spent.
    expect((await budget(0.01)).status).toBe(200);
    const page = await c.signIn(c.f.users.agent.email);
    await openConversation(c, page, id);
    await expect.poll(() => page.getByRole('combobox', { name: 'Send as' }).inputValue()).toBe('DM');
    await page.getByLabel('Reply to the customer').fill('Claro, Inés: ¿qué te pasa con la factura?');
    await page.getByTestId('send').click();
    const reply = page.getByTestId('message').filter({ hasText: 'qué te pasa con la factura' });
    await reply.getByTestId('hold-reason').getByText('Waiting for budget: the monthly budget of 0.01 USD is spent').waitFor();
    expect(await reply.getByTestId('delivery').textContent()).toBe('Waiting');
    expect(peer.sentDms().some((d) => d.event.text.includes('qué te pasa con la factura'))).toBe(false);
    await c.shot(page, 'x-held');
    expect((await budget(100)).status).toBe(200);
    await expect.poll(() => reply.getByTestId('delivery').textContent(), { timeout: 15_000 }).toBe('Sent');
    expect(peer.sentDms().some((d) => d.event.text.includes('qué te pasa con la factura'))).toBe(true);
    c.expectClean(page);
  });

  it('shows the live account: ready, the brand looked up, and its screen', async () => {
    const page = await c.signIn(c.f.users.admin.email, { viewport: { width: DESKTOP.width, height: 1500 } });
    await page.goto(`${c.url}/channels/${accountId}`);
    await page.getByTestId('channel-screen-twitter').waitFor();
    await expect.poll(() => page.getByTestId('account-state').textContent(), { timeout: 15_000 }).toBe('Ready');
    await page.getByTestId('x-account').getByText(`@${peer.brand.username}`).waitFor();
    // This account runs no saved searches (listening off), so it shows none.
    expect(await page.getByTestId('x-inbound').locator('li').last().textContent()).toBe('OffSaved searches, each on its own schedule');
    expect(await page.getByTestId('saved-searches').count()).toBe(0);
    await page.getByTestId('usage-row').first().waitFor();
    await c.shot(page, 'x-account');
    c.expectClean(page);
  });
});
