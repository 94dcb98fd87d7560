import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, useServer } from './harness.ts';

// One convention for every answer (docs/api.md, "Answers"): a resource comes under its
// singular name, the same object the GET or list shows; one-time fields sit beside it; a create
// answers 201.

const t = useServer();
let f: Fixture;
let admin: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;

beforeAll(async () => {
  f = await createFixture(t);
  admin = (method, path, body) => call(t.url, method, path, { token: f.adminToken, ...(body !== undefined ? { body } : {}) });
});

async function listed(path: string, id: string) {
  const list = await admin('GET', path);
  return list.json.items.find((i: { id: string }) => i.id === id);
}

describe('create answers: 201, the resource under its name, as the list shows it', () => {
  it('POST /users answers { user, initialPassword }', async () => {
    const res = await admin('POST', '/api/v1/users', { email: 'shape@x.test', name: 'Shape', role: 'agent' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(['initialPassword', 'user']);
    expect(res.json.user).toEqual(await listed('/api/v1/users', res.json.user.id));
  });

  it('POST /api-tokens answers { apiToken, token }, the secret beside the token, never inside it', async () => {
    const res = await admin('POST', '/api/v1/api-tokens', { name: 'shape', role: 'agent' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(['apiToken', 'token']);
    expect(res.json.token).toMatch(/^ctk_/);
    expect(res.json.apiToken).toEqual(await listed('/api/v1/api-tokens', res.json.apiToken.id));
    expect(JSON.stringify(res.json.apiToken)).not.toContain(res.json.token);
  });

  it('POST /channel-accounts answers { channelAccount }, and so does its PATCH', async () => {
    const res = await admin('POST', '/api/v1/channel-accounts', { kind: 'webform', name: 'Shape form' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json)).toEqual(['channelAccount']);
    expect(res.json.channelAccount).toEqual(await listed('/api/v1/channel-accounts', res.json.channelAccount.id));
    const patched = await admin('PATCH', `/api/v1/channel-accounts/${res.json.channelAccount.id}`, { name: 'Renamed form' });
    expect(patched.status).toBe(200);
    expect(Object.keys(patched.json)).toEqual(['channelAccount']);
    expect(patched.json.channelAccount).toEqual(await listed('/api/v1/channel-accounts', res.json.channelAccount.id));
  });

  it('POST /canned-responses answers { cannedResponse }', async () => {
    const res = await admin('POST', '/api/v1/canned-responses', { shortcut: 'shape', text: 'Hola' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json)).toEqual(['cannedResponse']);
    expect(res.json.cannedResponse).toEqual(await listed('/api/v1/canned-responses', res.json.cannedResponse.id));
  });

  it('POST /teams answers { team } and POST /sla-policies { slaPolicy }', async () => {
    const team = await admin('POST', '/api/v1/teams', { name: 'Shape team' });
    expect(team.status).toBe(201);
    expect(Object.keys(team.json)).toEqual(['team']);
    expect(team.json.team).toEqual(await listed('/api/v1/teams', team.json.team.id));
    const policy = await admin('POST', '/api/v1/sla-policies', {
      name: 'Shape SLA',
      teamId: team.json.team.id,
      firstResponseMinutes: 30,
      nextResponseMinutes: 60,
    });
    expect(policy.status).toBe(201);
    expect(Object.keys(policy.json)).toEqual(['slaPolicy']);
    expect(policy.json.slaPolicy).toEqual(await listed('/api/v1/sla-policies', policy.json.slaPolicy.id));
  });

  it('publishing rules makes a version: 201 { version }, as GET /routing/rules/versions/:version', async () => {
    await admin('PUT', '/api/v1/routing/rules/draft', { document: { rules: [{ id: 'everyone', target: {} }] } });
    const res = await admin('POST', '/api/v1/routing/rules/publish', {});
    expect(res.status).toBe(201);
    expect(Object.keys(res.json)).toEqual(['version']);
    expect((await admin('GET', `/api/v1/routing/rules/versions/${res.json.version.version}`)).json).toEqual(res.json);
    // The same rules again are refused: a version that changes nothing would only blur the history.
    const same = await admin('POST', `/api/v1/routing/rules/versions/${res.json.version.version}/publish`);
    expect(same.status).toBe(409);
    expect(same.json.error.message).toMatch(/same as the published version/);
    await admin('PUT', '/api/v1/routing/rules/draft', { document: { rules: [{ id: 'someone', target: {} }] } });
    expect((await admin('POST', '/api/v1/routing/rules/publish', {})).status).toBe(201);
    const rollback = await admin('POST', `/api/v1/routing/rules/versions/${res.json.version.version}/publish`);
    expect(rollback.status).toBe(201);
    expect(Object.keys(rollback.json)).toEqual(['version']);
  });
});

describe('change answers: the changed resource under its name, as GET shows it', () => {
  it('PATCH /users/:id, /agents/:id and /teams/:id', async () => {
    const user = await admin('PATCH', `/api/v1/users/${f.users.agent.id}`, { name: 'Agent Renamed' });
    expect(Object.keys(user.json)).toEqual(['user']);
    expect(user.json.user).toEqual(await listed('/api/v1/users', f.users.agent.id));

    const agent = await admin('PATCH', `/api/v1/agents/${f.users.agent.id}`, { languages: ['es'] });
    expect(agent.json).toEqual((await admin('GET', `/api/v1/agents/${f.users.agent.id}`)).json);

    const team = (await admin('GET', '/api/v1/teams')).json.items[0];
    const changed = await admin('PATCH', `/api/v1/teams/${team.id}`, { offerTimeoutSeconds: 30 });
    expect(Object.keys(changed.json)).toEqual(['team']);
    expect(changed.json.team).toEqual(await listed('/api/v1/teams', team.id));
  });

  it('PATCH /me answers { user } as GET /auth/me shows it', async () => {
    const res = await admin('PATCH', '/api/v1/me', { signature: 'Ana · Soporte' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['user']);
    expect(res.json.user).toEqual((await admin('GET', '/api/v1/auth/me')).json.user);
    expect(res.json.user.signature).toBe('Ana · Soporte');
  });
});
