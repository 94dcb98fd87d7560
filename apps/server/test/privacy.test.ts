import { waitFor } from '@centralita/channel-kit/conformance';
import { appendEvent } from '@centralita/db';
import { describe, expect, it } from 'vitest';
import { call, login, useServer } from './harness.ts';
import { type Listener, listen } from './sockets.ts';
import { createXAccount, storedMessage, useXPeer } from './x-kit.ts';

// The privacy guard in the server: what a customer posts in public is scanned before it is
// stored, an agent without pii.view reads it masked on every path (timeline, inbox, search,
// event log, sockets) while a supervisor reads it as written, and a public reply that would
// publish personal data is refused. All numbers here are synthetic, made valid by their checksums.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const x = useXPeer(t);

/** A Spanish DNI whose letter is right: 12345678 mod 23 is 14, Z. */
const DNI = '12345678Z';

/** A Spanish IBAN with valid CCC and IBAN check digits, on an entity code no bank has (9999). */
function spanishIban(entity: string, office: string, account: string): string {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const dc = (s: string) => {
    const d = 11 - ([...s].reduce((sum, c, i) => sum + Number(c) * (weights[i] ?? 0), 0) % 11);
    return d === 11 ? 0 : d === 10 ? 1 : d;
  };
  const bban = `${entity}${office}${dc(`00${entity}${office}`)}${dc(account)}${account}`;
  const digits = [...`${bban}ES00`].map((c) => Number.parseInt(c, 36)).join('');
  const check = 98 - Number(BigInt(digits) % 97n);
  return `ES${String(check).padStart(2, '0')}${bban}`;
}
const IBAN = spanishIban('9999', '0001', '0000123456');
const SPACED_IBAN = IBAN.replace(/(.{4})/g, '$1 ').trim();

type Json = Record<string, unknown>;

interface ApiMessage {
  id: string;
  text: string;
  fullText: string | null;
  privacy: { types: string[]; findings: { type: string; start: number; end: number; confidence: number }[]; masked: boolean } | null;
}

describe('the privacy guard', () => {
  let agent = '';
  let supervisor = '';
  let conversationId = '';
  let messageId = '';
  let agentSocket: Listener;
  let supervisorSocket: Listener;

  const get = (cookie: string, path: string) => call(t.url, 'GET', `/api/v1${path}`, { cookie });
  const timeline = async (cookie: string) => {
    const res = await get(cookie, `/conversations/${conversationId}/messages`);
    expect(res.status, res.text).toBe(200);
    return res.json.items as ApiMessage[];
  };
  const messageIn = (listener: Listener, id: string) =>
    waitFor(
      () =>
        listener.events.find((e) => e.name === 'message.created' && ((e.payload as { message?: { id?: string } }).message?.id ?? '') === id)
          ?.payload as { message: ApiMessage } | undefined,
      { what: `message.created for ${id}` },
    );

  it('warns about a public post with a DNI and masks the DNI for an agent in the timeline, while a supervisor reads it', async () => {
    agent = await login(t.url, x.f.users.agent.email);
    supervisor = await login(t.url, x.f.users.supervisor.email);
    agentSocket = await listen(t.url, { cookie: agent });
    supervisorSocket = await listen(t.url, { cookie: supervisor });
    await createXAccount(t, x.f.adminToken, x.peer);
    x.peer.addUser({ username: 'pilar_q', name: 'Pilar', followers: 80, acceptsDms: true });
    // The link comes first, so the DNI sits at other offsets in fullText (X's t.co form) than in text (expanded).
    const post = x.peer.post({
      from: 'pilar_q',
      text: `@${x.peer.brand.username} https://example.com/area-clientes/facturas/2026 mi DNI es ${DNI} y sigo sin factura`,
      lang: 'es',
    });
    const stored = await storedMessage(t, post.id);
    conversationId = stored.conversation_id;
    messageId = stored.id;
    // The raw text stays stored.
    expect(stored.text).toContain(DNI);

    const [seen] = await timeline(agent);
    expect(seen?.text).not.toContain(DNI);
    expect(seen?.text).toContain('mi DNI es');
    expect(seen?.text.length).toBe(stored.text.length);
    expect(seen?.privacy).toMatchObject({ types: ['dni'], masked: true });
    const span = seen?.privacy?.findings[0];
    expect(span?.type).toBe('dni');
    expect(stored.text.slice(span?.start, span?.end)).toBe(DNI);
    expect(seen?.text.slice(span?.start, span?.end)).not.toMatch(/\d{4}/);
    expect(seen?.fullText).toContain('t.co');
    expect(seen?.fullText).toContain('mi DNI es');
    expect(seen?.fullText).not.toContain(DNI);

    const [read] = await timeline(supervisor);
    expect(read?.text).toBe(stored.text);
    expect(read?.fullText).toContain(DNI);
    expect(read?.privacy).toMatchObject({ types: ['dni'], masked: false });
  });

  it('records message.pii_detected with the types only, and masks quoted text in the event log for the agent', async () => {
    const events = async (cookie: string) => {
      const res = await get(cookie, `/conversations/${conversationId}/events`);
      expect(res.status, res.text).toBe(200);
      return res.json.items as { type: string; data: Json }[];
    };
    const log = await events(agent);
    const detected = log.find((e) => e.type === 'message.pii_detected');
    expect(detected?.data).toEqual({ messageId, types: ['dni'] });
    // An event that quotes the customer, as a merge suggestion's evidence does.
    await appendEvent(t.db.current.db.kysely, {
      workspaceId: x.f.workspaceId,
      conversationId,
      type: 'contact.merge_suggested',
      actor: { type: 'system', id: null },
      data: { suggestionId: messageId, evidence: [{ kind: 'message', messageId, text: `mi DNI es ${DNI}` }] },
    });
    const quoted = (await events(agent)).find((e) => e.type === 'contact.merge_suggested');
    expect(JSON.stringify(quoted?.data)).toContain('mi DNI es');
    expect(JSON.stringify(quoted?.data)).toContain(messageId);
    expect(JSON.stringify(await events(agent))).not.toContain(DNI);
    expect(JSON.stringify(await events(supervisor))).toContain(DNI);
  });

  it('masks the DNI in the inbox preview and in search results for the agent only', async () => {
    const rows = async (cookie: string, query: string) => {
      const res = await get(cookie, `/conversations?${query}`);
      expect(res.status, res.text).toBe(200);
      return (res.json.items as { id: string; preview: string | null }[]).filter((r) => r.id === conversationId);
    };
    const [inboxRow] = await rows(agent, 'status=open');
    expect(inboxRow?.preview).toContain('mi DNI es');
    expect(inboxRow?.preview).not.toContain(DNI);
    expect((await rows(supervisor, 'status=open'))[0]?.preview).toContain(DNI);

    const [found] = await rows(agent, 'q=factura');
    expect(found, 'the search finds the conversation').toBeDefined();
    expect(found?.preview).not.toContain(DNI);
    expect((await rows(supervisor, 'q=factura'))[0]?.preview).toContain(DNI);
  });

  it('masks the customer text a routing preview shows the agent', async () => {
    const preview = async (cookie: string) => {
      const res = await call(t.url, 'POST', '/api/v1/routing/preview', { cookie, body: { conversationId } });
      expect(res.status, res.text).toBe(200);
      return JSON.stringify(res.json.conversation);
    };
    expect(await preview(agent)).not.toContain(DNI);
    expect(await preview(supervisor)).toContain(DNI);
  });

  it('sends the agent’s socket the masked message and the supervisor’s the raw one', async () => {
    const forAgent = await messageIn(agentSocket, messageId);
    const forSupervisor = await messageIn(supervisorSocket, messageId);
    expect(forAgent.message.text).not.toContain(DNI);
    expect(forAgent.message.privacy).toMatchObject({ types: ['dni'], masked: true });
    expect(forSupervisor.message.text).toContain(DNI);
    expect(forSupervisor.message.privacy?.masked).toBe(false);
    // Nothing the agent's socket heard carries the number, whatever the event.
    expect(JSON.stringify(agentSocket.events)).not.toContain(DNI);
  });

  it('does not scan private messages: a DM is where the customer is asked to give the data', async () => {
    const dm = x.peer.sendDm({ from: 'pilar_q', text: `te paso mi DNI por aquí: ${DNI}` });
    const stored = await storedMessage(t, dm.id);
    const items = await timeline(agent);
    const mine = items.find((m) => m.id === stored.id);
    expect(mine?.text).toContain(DNI);
    expect(mine?.privacy).toBeNull();
  });

  it('refuses a public reply containing an IBAN, saying what was found and what to do', async () => {
    const before = x.peer.createdPosts().length;
    const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      cookie: agent,
      body: { text: `Hola Pilar, haz la transferencia a ${SPACED_IBAN}`, visibility: 'public' },
    });
    expect(res.status, res.text).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toMatch(/public reply contains an IBAN/);
    expect(res.json.error.message).toMatch(/privately/);
    expect(res.json.error.details.findings).toEqual([expect.objectContaining({ type: 'iban' })]);
    const outbound = await t.db.current.db.kysely
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'outbound')
      .execute();
    expect(outbound).toEqual([]);
    expect(x.peer.createdPosts().length).toBe(before);
  });

  it('accepts the same IBAN as a DM', async () => {
    const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      cookie: agent,
      body: { text: `Hola Pilar, haz la transferencia a ${SPACED_IBAN}`, visibility: 'private' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.message.visibility).toBe('private');
    expect(res.json.message.privacy).toBeNull();
  });

  it('shows an agent granted pii.view the raw text, and masks it for a supervisor whose pii.view is withheld', async () => {
    const me = async (cookie: string) => (await get(cookie, '/auth/me')).json.permissions as string[];
    expect(await me(agent)).toEqual([]);
    expect(await me(supervisor)).toEqual(['pii.view']);
    const grant = (id: string, permissions: Json) =>
      call(t.url, 'PATCH', `/api/v1/users/${id}`, { token: x.f.adminToken, body: { permissions } });

    const granted = await grant(x.f.users.agent.id, { granted: ['pii.view'] });
    expect(granted.status, granted.text).toBe(200);
    expect(granted.json.user).toMatchObject({ permissions: ['pii.view'], permissionOverrides: { granted: ['pii.view'], withheld: [] } });
    agent = await login(t.url, x.f.users.agent.email);
    expect(await me(agent)).toEqual(['pii.view']);
    expect((await timeline(agent))[0]?.text).toContain(DNI);

    expect((await grant(x.f.users.supervisor.id, { withheld: ['pii.view'] })).status).toBe(200);
    expect((await timeline(supervisor))[0]?.text).not.toContain(DNI);
    expect((await grant(x.f.users.agent.id, { granted: [] })).status).toBe(200);
    expect((await timeline(agent))[0]?.text).not.toContain(DNI);
    expect((await grant(x.f.users.supervisor.id, { withheld: [] })).status).toBe(200);
    expect((await grant(x.f.users.agent.id, { granted: ['pii.export'] })).status).toBe(422);
  });

  it('gives an API token its role’s permissions, but none its creator lacks', async () => {
    const created = await call(t.url, 'POST', '/api/v1/api-tokens', { token: x.f.adminToken, body: { name: 'crm', role: 'supervisor' } });
    expect(created.status, created.text).toBe(201);
    const token = created.json.token as string;
    const me = async () => (await call(t.url, 'GET', '/api/v1/auth/me', { token })).json.permissions as string[];
    const messages = async () =>
      (await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, { token })).json.items as ApiMessage[];
    expect(await me()).toEqual(['pii.view']);
    expect((await messages())[0]?.text).toContain(DNI);
    // Its creator, the admin, loses pii.view: so does every token the admin made.
    const admin = x.f.users.admin.id;
    expect(
      (await call(t.url, 'PATCH', `/api/v1/users/${admin}`, { token, body: { permissions: { withheld: ['pii.view'] } } })).status,
    ).toBe(403);
    expect(
      (await call(t.url, 'PATCH', `/api/v1/users/${admin}`, { token: x.f.adminToken, body: { permissions: { withheld: ['pii.view'] } } }))
        .status,
    ).toBe(200);
    expect(await me()).toEqual([]);
    expect((await messages())[0]?.text).not.toContain(DNI);
    expect(
      (await call(t.url, 'PATCH', `/api/v1/users/${admin}`, { token: x.f.adminToken, body: { permissions: { withheld: [] } } })).status,
    ).toBe(200);
    expect(await me()).toEqual(['pii.view']);
  });

  it('scans a text on demand: types and spans', async () => {
    const text = `Mi DNI: ${DNI}. Cuenta IBAN ${SPACED_IBAN}, gracias`;
    const res = await call(t.url, 'POST', '/api/v1/privacy/scan', { cookie: agent, body: { text, language: 'es' } });
    expect(res.status, res.text).toBe(200);
    const findings = res.json.findings as { type: string; start: number; end: number; confidence: number }[];
    expect(findings.map((f) => f.type).sort()).toEqual(['dni', 'iban']);
    const byType = Object.fromEntries(findings.map((f) => [f.type, text.slice(f.start, f.end)]));
    expect(byType.dni).toBe(DNI);
    expect(byType.iban?.replace(/\s/g, '')).toBe(IBAN);
    for (const f of findings) expect(f.confidence).toBeGreaterThan(0.5);
    const clean = await call(t.url, 'POST', '/api/v1/privacy/scan', { cookie: agent, body: { text: 'pedido 4521, 12 €' } });
    expect(clean.json.findings).toEqual([]);
    const long = await call(t.url, 'POST', '/api/v1/privacy/scan', { cookie: agent, body: { text: 'a'.repeat(20_001) } });
    expect(long.status).toBe(422);
  });

  it('keeps the workspace’s country and own patterns, refusing patterns that are invalid or match nothing', async () => {
    const settings = await get(agent, '/privacy/settings');
    expect(settings.json).toEqual({ settings: { country: 'ES', customPatterns: [] } });
    const put = (body: Json, token = x.f.adminToken) => call(t.url, 'PUT', '/api/v1/privacy/settings', { token, body });
    expect((await call(t.url, 'PUT', '/api/v1/privacy/settings', { cookie: agent, body: { country: 'ES' } })).status).toBe(403);

    const broken = await put({ country: 'ES', customPatterns: [{ name: 'contract number', pattern: 'CT-([0-9]{6}' }] });
    expect(broken.status).toBe(400);
    expect(broken.json.error.message).toMatch(/"contract number" is not a valid regular expression/);
    const empty = await put({ country: 'ES', customPatterns: [{ name: 'customer id', pattern: 'C?\\d*' }] });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toMatch(/"customer id" can match empty text/);
    const nested = await put({ country: 'ES', customPatterns: [{ name: 'order', pattern: '(\\d+)+X' }] });
    expect(nested.status).toBe(400);
    expect(nested.json.error.message).toMatch(/^Custom pattern "order" /);
    expect((await put({ country: 'QQ' })).status).toBe(422);

    const saved = await put({
      country: 'es',
      customPatterns: [{ name: 'contract number', pattern: 'CT-\\d{6}', contextWords: ['contrato'] }],
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json).toEqual({
      settings: { country: 'ES', customPatterns: [{ name: 'contract number', pattern: 'CT-\\d{6}', contextWords: ['contrato'] }] },
    });
    expect((await get(agent, '/privacy/settings')).json).toEqual(saved.json);

    const text = 'mi contrato es CT-482913 y no funciona';
    const scan = await call(t.url, 'POST', '/api/v1/privacy/scan', { cookie: agent, body: { text } });
    const [custom] = scan.json.findings as { type: string; start: number; end: number; label?: string }[];
    expect(custom).toMatchObject({ type: 'custom', label: 'contract number' });
    expect(text.slice(custom?.start, custom?.end)).toBe('CT-482913');
    const refused = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      cookie: agent,
      body: { text: 'Tu contrato CT-482913 ya está activo', visibility: 'public' },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(/contains a contract number/);

    // Posts received from now on are scanned with the workspace's own patterns too.
    const post = x.peer.post({ from: 'pilar_q', text: `@${x.peer.brand.username} ${text}`, lang: 'es' });
    const stored = await storedMessage(t, post.id);
    const own = await get(agent, `/conversations/${stored.conversation_id}/messages`);
    const seen = (own.json.items as ApiMessage[]).find((m) => m.id === stored.id);
    expect(seen?.privacy).toMatchObject({ types: ['custom'], masked: true });
    expect(seen?.text).not.toContain('482913');
  });
});
