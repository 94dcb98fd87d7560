import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';
import { listen } from './sockets.ts';

const t = useServer();
let f: Fixture;
let admin: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;
let spanish: string;

beforeAll(async () => {
  f = await createFixture(t);
  admin = (method, path, body) => call(t.url, method, path, { token: f.adminToken, ...(body !== undefined ? { body } : {}) });
  const team = await admin('POST', '/api/v1/teams', { name: 'Soporte', timezone: 'Europe/Madrid' });
  expect(team.status).toBe(201);
  spanish = team.json.team.id;
  // Names, so explanations can be checked for them beside the ids.
  await admin('PATCH', `/api/v1/users/${f.users.agent.id}`, { name: 'Marta López' });
  await admin('PATCH', `/api/v1/users/${f.users.supervisor.id}`, { name: 'Sergio Paz' });
});

async function conversationOf(email: string, message: string): Promise<string> {
  const posted = await postForm(t.url, f.formAccountId, { name: 'Cliente', email, message });
  expect(posted.status).toBe(201);
  const row = await t.db.current.db.kysely
    .selectFrom('messages')
    .select('conversation_id')
    .where('workspace_id', '=', f.workspaceId)
    .where('text', '=', message)
    .executeTakeFirstOrThrow();
  return row.conversation_id;
}

async function conversation(id: string) {
  return (await admin('GET', `/api/v1/conversations/${id}`)).json.conversation;
}

describe('routing through the API', () => {
  it('refuses an invalid rule set naming the rule and the problem, and keeps the published one running', async () => {
    const good = {
      rules: [{ id: 'spanish', when: 'conversation.language == "es"', target: { teams: ['Soporte'], languages: 'conversation' } }],
    };
    expect((await admin('PUT', '/api/v1/routing/rules/draft', { document: good })).json.draft.issues).toEqual([]);
    const v1 = await admin('POST', '/api/v1/routing/rules/publish', { note: 'first' });
    expect(v1.status).toBe(201);
    expect(v1.json.version).toMatchObject({ version: 1, status: 'published', note: 'first' });

    const bad = { rules: [...good.rules, { id: 'vip', when: 'contact.folowers > 1000', target: { teams: ['Nobody'] } }] };
    const saved = await admin('PUT', '/api/v1/routing/rules/draft', { document: bad });
    expect(saved.status).toBe(200);
    expect(saved.json.draft.issues.map((i: { rule: string; field: string }) => `${i.rule} ${i.field}`).sort()).toEqual([
      'vip target.teams',
      'vip when',
    ]);
    const refused = await admin('POST', '/api/v1/routing/rules/publish', {});
    expect(refused.status).toBe(422);
    expect(refused.json.error.details.issues).toContainEqual(
      expect.objectContaining({ rule: 'vip', position: 2, field: 'when', message: expect.stringContaining('folowers') }),
    );
    const rules = await admin('GET', '/api/v1/routing/rules');
    expect(rules.json.published.version).toBe(1);
    expect(rules.json.draft.issues).toHaveLength(2);

    // A supervisor may edit rules; an agent may only look.
    const agentCookie = await login(t.url, f.users.agent.email);
    expect((await call(t.url, 'PUT', '/api/v1/routing/rules/draft', { cookie: agentCookie, body: { document: good } })).status).toBe(403);
  });

  it('assigns a new web-form conversation to the online agent who speaks the language, live, with the reason', async () => {
    await admin('PATCH', `/api/v1/agents/${f.users.agent.id}`, {
      status: 'online',
      languages: ['es'],
      teamIds: [spanish],
      timezone: 'Europe/Madrid',
    });
    await admin('PATCH', `/api/v1/agents/${f.users.supervisor.id}`, { status: 'online', languages: ['en'], teamIds: [spanish] });
    const socket = await listen(t.url, { cookie: await login(t.url, f.users.agent.email) });

    const id = await conversationOf('lucia@example.com', 'Hola, me habéis cobrado dos veces la factura de noviembre');
    const seen = await waitFor(
      () =>
        socket.events.find(
          (e) =>
            e.name === 'conversation.updated' &&
            (e.payload as { conversation: { id: string; assigneeId: string } }).conversation.assigneeId === f.users.agent.id,
        ),
      { what: 'the assignment on the agent’s socket' },
    );
    expect((seen.payload as { conversation: { id: string } }).conversation.id).toBe(id);
    const conv = await conversation(id);
    expect(conv).toMatchObject({ assigneeId: f.users.agent.id, teamId: spanish, language: 'es' });
    expect(conv.routing.explanation).toMatchObject({ rule: 'spanish', outcome: 'assign', excluded: { missing_language: 1 } });
    // The stored explanation names the agent and the team beside their ids.
    expect(conv.routing.explanation).toMatchObject({
      agent: f.users.agent.id,
      agentName: 'Marta López',
      team: spanish,
      teamName: 'Soporte',
      top: [{ agentId: f.users.agent.id, agentName: 'Marta López' }],
    });
    const events = (await admin('GET', `/api/v1/conversations/${id}/events`)).json.items;
    expect(events.find((e: { type: string }) => e.type === 'conversation.assigned').data).toMatchObject({
      agentId: f.users.agent.id,
      by: 'routing',
      routing: { rule: 'spanish', agentName: 'Marta López', teamName: 'Soporte' },
    });
    const agents = (await admin('GET', '/api/v1/agents')).json.items;
    expect(agents.find((a: { id: string }) => a.id === f.users.agent.id).load).toMatchObject({ total: 1, channels: { webform: 1 } });
  });

  it('previews who would get a described conversation, against the published rules or a draft, changing nothing', async () => {
    const preview = await admin('POST', '/api/v1/routing/preview', {
      conversation: { channel: 'webform', language: 'en', country: 'GB', text: 'my bill is wrong' },
    });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ rules: 'published version 1', agentId: f.users.supervisor.id, agentName: 'Sergio Paz' });
    expect(preview.json.explanation.rule.id).toBe('fallback');
    expect(preview.json.explanation.ranking[0]).toMatchObject({ agentId: f.users.supervisor.id, agentName: 'Sergio Paz' });
    expect(preview.json.explanation.outcome).toMatchObject({ agentId: f.users.supervisor.id, agentName: 'Sergio Paz' });

    const draft = {
      rules: [{ id: 'english-nights', when: 'conversation.language == "en"', target: { teams: ['Soporte'], languages: ['fr'] } }],
    };
    const withDraft = await admin('POST', '/api/v1/routing/preview', {
      conversation: { channel: 'webform', language: 'en' },
      rules: { document: draft },
    });
    expect(withDraft.json.agentId).toBeNull();
    expect(withDraft.json.explanation.excludedCounts).toMatchObject({ missing_language: 2 });
    expect(withDraft.json.explanation.excluded.map((e: { reason: string }) => e.reason)).toContain('missing_language');
    // Every passed-over agent and the target team come with their names.
    expect(withDraft.json.explanation.excluded).toContainEqual(
      expect.objectContaining({ agentId: f.users.agent.id, agentName: 'Marta López', reason: 'missing_language' }),
    );
    expect(withDraft.json.explanation.target.teams).toEqual([{ teamId: spanish, teamName: 'Soporte' }]);
    expect(withDraft.json).toMatchObject({ teamId: spanish, teamName: 'Soporte', agentName: null });
    expect((await admin('GET', '/api/v1/routing/rules')).json.published.version).toBe(1);
  });

  it('hands an agent’s conversations on when they go offline', async () => {
    await admin('PATCH', `/api/v1/agents/${f.users.supervisor.id}`, { languages: ['en', 'es'] });
    const id = await conversationOf('pedro@example.com', 'Buenas tardes, el router no enciende desde esta mañana');
    await waitFor(async () => (await conversation(id)).assigneeId !== null, { what: 'the conversation to be assigned' });
    const before = (await conversation(id)).assigneeId;
    const leaving = before === f.users.agent.id ? f.users.agent : f.users.supervisor;
    const staying = before === f.users.agent.id ? f.users.supervisor : f.users.agent;
    const cookie = await login(t.url, leaving.email);
    expect((await call(t.url, 'POST', '/api/v1/me/status', { cookie, body: { status: 'offline' } })).json.agent.status).toBe('offline');
    await waitFor(async () => (await conversation(id)).assigneeId === staying.id, {
      what: 'the conversation to move to the agent still online',
    });
    const types = (await admin('GET', `/api/v1/conversations/${id}/events`)).json.items.map(
      (e: { type: string; data: { reason?: string } }) => (e.type === 'conversation.unassigned' ? `unassigned:${e.data.reason}` : e.type),
    );
    expect(types).toContain('unassigned:offline');
    await call(t.url, 'POST', '/api/v1/me/status', { cookie, body: { status: 'online' } });
  });

  it('lets an agent pass on their own conversation, but not take a colleague’s', async () => {
    const id = await conversationOf('marta@example.com', 'Necesito cambiar mi tarifa, por favor');
    await waitFor(async () => (await conversation(id)).assigneeId !== null, { what: 'the conversation to be assigned' });
    const toSupervisor = await admin('POST', `/api/v1/conversations/${id}/assign`, { agentId: f.users.supervisor.id });
    expect(toSupervisor.json.conversation.assigneeId).toBe(f.users.supervisor.id);

    const agent = await login(t.url, f.users.agent.email);
    const refused = await call(t.url, 'POST', `/api/v1/conversations/${id}/assign`, { cookie: agent, body: { agentId: f.users.agent.id } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/pass on their own/);

    await admin('POST', `/api/v1/conversations/${id}/assign`, { agentId: f.users.agent.id });
    const passed = await call(t.url, 'POST', `/api/v1/conversations/${id}/assign`, {
      cookie: agent,
      body: { agentId: null, teamId: spanish },
    });
    expect(passed.status).toBe(200);
    expect(passed.json.conversation).toMatchObject({ assigneeId: null, teamId: spanish });
    const events = (await admin('GET', `/api/v1/conversations/${id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(events.filter((e: string) => e === 'conversation.transferred').length).toBeGreaterThanOrEqual(2);
  });

  it('lets an agent mark a priority that routing keeps as a floor and rules can read', async () => {
    const id = await conversationOf('urgente@example.com', 'Mi madre depende de la teleasistencia y no hay línea');
    await waitFor(async () => (await conversation(id)).routing.rule !== null, { what: 'the first decision' });
    const marked = await call(t.url, 'POST', `/api/v1/conversations/${id}/priority`, {
      cookie: await login(t.url, f.users.supervisor.email),
      body: { priority: 90 },
    });
    expect(marked.json.conversation).toMatchObject({ priority: 90, routing: { requestedPriority: 90 } });
    const preview = await admin('POST', '/api/v1/routing/preview', { conversationId: id });
    expect(preview.json.explanation.priority).toMatchObject({ requested: 90, effective: 90 });
    const events = (await admin('GET', `/api/v1/conversations/${id}/events`)).json.items;
    expect(events.find((e: { type: string }) => e.type === 'conversation.priority_set').data).toEqual({ from: null, to: 90 });
  });

  it('rolls back to an earlier version as a new version', async () => {
    await admin('PUT', '/api/v1/routing/rules/draft', { document: { rules: [{ id: 'everyone', target: {} }] } });
    expect((await admin('POST', '/api/v1/routing/rules/publish', {})).json.version.version).toBe(2);
    const rollback = await admin('POST', '/api/v1/routing/rules/versions/1/publish');
    expect(rollback.status).toBe(201);
    expect(rollback.json.version).toMatchObject({ version: 3, note: 'rollback to version 1' });
    expect(rollback.json.version.document.rules[0].id).toBe('spanish');
    expect((await admin('GET', '/api/v1/routing/rules/versions/3')).json).toEqual(rollback.json);
    const versions = (await admin('GET', '/api/v1/routing/rules/versions')).json.items.map(
      (v: { version: number; status: string }) => `${v.version}:${v.status}`,
    );
    expect(versions).toEqual(['3:published', '2:retired', '1:retired']);
  });

  it('refuses to delete or rename a team the published rules name, and says which rules', async () => {
    const deleted = await admin('DELETE', `/api/v1/teams/${spanish}`);
    expect(deleted.status).toBe(409);
    expect(deleted.json.error.message).toMatch(/published rules \(version 3\) name this team in: spanish/);
    const renamed = await admin('PATCH', `/api/v1/teams/${spanish}`, { name: 'Soporte ES' });
    expect(renamed.status).toBe(409);
    expect((await admin('GET', '/api/v1/teams')).json.items.map((x: { name: string }) => x.name)).toContain('Soporte');
    // Changing anything else is fine.
    expect((await admin('PATCH', `/api/v1/teams/${spanish}`, { offerTimeoutSeconds: 45 })).json.team.offerTimeoutSeconds).toBe(45);
  });

  it('refuses a profile with an unknown timezone or a malformed schedule, naming the field', async () => {
    const bad = await admin('PATCH', `/api/v1/agents/${f.users.agent.id}`, {
      timezone: 'Europe/Madird',
      schedule: { shifts: [{ days: ['monday'], start: '9:00', end: '17:00' }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toMatch(/timezone/);
    expect(bad.json.error.message).toMatch(/schedule\.shifts\.0\.days/);
    expect(bad.json.error.message).toMatch(/schedule\.shifts\.0\.start: expected HH:MM/);
  });
});
