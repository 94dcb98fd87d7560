import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// Selecting many rows in the inbox and acting once: each conversation goes through its own
// action's checks and log, and one that may not be touched does not stop the others.
const t = useServer({ worker: false });
let f: Fixture;
let agent: string;
let supervisor: string;
const ids: string[] = [];
let hidden: string;

beforeAll(async () => {
  f = await createFixture(t);
  agent = await login(t.url, f.users.agent.email);
  supervisor = await login(t.url, f.users.supervisor.email);
  for (const n of [1, 2, 3, 4]) {
    const res = await postForm(t.url, f.formAccountId, { name: `Cliente ${n}`, email: `c${n}@example.com`, message: `Consulta ${n}` });
    expect(res.status, res.text).toBe(201);
  }
  const rows = await waitFor(async () => {
    const r = await t.db.current.db.kysely.selectFrom('conversations').select('id').where('workspace_id', '=', f.workspaceId).execute();
    return r.length === 4 ? r : undefined;
  });
  ids.push(...rows.map((r) => r.id));
  // One belongs to a team the agent is not in: to them it does not exist.
  const team = await call(t.url, 'POST', '/api/v1/teams', { token: f.adminToken, body: { name: 'VIP' } });
  hidden = ids.pop() as string;
  await t.db.current.db.kysely.updateTable('conversations').set({ team_id: team.json.team.id }).where('id', '=', hidden).execute();
});

const bulk = (cookie: string, body: unknown) => call(t.url, 'POST', '/api/v1/conversations/bulk', { cookie, body });
const status = async (id: string) =>
  await t.db.current.db.kysely
    .selectFrom('conversations')
    .select(['status', 'tags', 'assignee_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('bulk actions', () => {
  it('takes several conversations at once for the agent', async () => {
    const res = await bulk(agent, { action: 'assign', ids, agentId: f.users.agent.id });
    expect(res.status, res.text).toBe(200);
    expect(res.json.results).toEqual(ids.map((id) => ({ id, ok: true })));
    for (const id of ids) expect((await status(id)).assignee_id).toBe(f.users.agent.id);
  });

  it('resolves the rest when one id is out of the agent’s reach, and says which', async () => {
    const res = await bulk(agent, { action: 'resolve', ids: [ids[0], hidden, ids[1]] });
    expect(res.status, res.text).toBe(200);
    expect(res.json.results).toEqual([
      { id: ids[0], ok: true },
      { id: hidden, ok: false, error: { code: 'not_found', message: expect.stringContaining(hidden) } },
      { id: ids[1], ok: true },
    ]);
    expect((await status(ids[0] as string)).status).toBe('resolved');
    expect((await status(ids[1] as string)).status).toBe('resolved');
    expect((await status(hidden)).status).toBe('open');
    // Each resolution is logged as the single action logs it.
    const events = await call(t.url, 'GET', `/api/v1/conversations/${ids[0]}/events`, { cookie: agent });
    expect(events.json.items.map((e: { type: string }) => e.type)).toContain('conversation.status_changed');
  });

  it('reports a refused transition for one conversation and applies the others', async () => {
    const res = await bulk(agent, { action: 'resolve', ids: [ids[0], ids[2]] });
    expect(res.json.results[0]).toMatchObject({ id: ids[0], ok: false, error: { code: 'invalid_transition' } });
    expect(res.json.results[1]).toEqual({ id: ids[2], ok: true });
  });

  it('keeps the single action’s role rules: an agent cannot hand others’ conversations around', async () => {
    const res = await bulk(agent, { action: 'assign', ids: [hidden], agentId: f.users.supervisor.id });
    expect(res.json.results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await call(t.url, 'POST', `/api/v1/conversations/${ids[2]}/status`, { cookie: supervisor, body: { action: 'reopen' } });
    await call(t.url, 'POST', `/api/v1/conversations/${ids[2]}/assign`, { cookie: supervisor, body: { agentId: f.users.supervisor.id } });
    const taking = await bulk(agent, { action: 'assign', ids: [ids[2]], agentId: f.users.agent.id });
    expect(taking.json.results[0]).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const moved = await bulk(supervisor, { action: 'assign', ids: [ids[2], hidden], agentId: f.users.agent.id });
    expect(moved.json.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true]);
  });

  it('adds and removes tags, keeping the others', async () => {
    await call(t.url, 'PUT', `/api/v1/conversations/${ids[2]}/tags`, { cookie: supervisor, body: { tags: ['antiguo', 'facturas'] } });
    const res = await bulk(supervisor, { action: 'tag', ids: [ids[2], hidden], add: ['VIP'], remove: ['antiguo'] });
    expect(res.json.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect((await status(ids[2] as string)).tags).toEqual(['facturas', 'vip']);
    expect((await status(hidden)).tags).toEqual(['vip']);
  });

  it('snoozes until a time', async () => {
    const res = await bulk(supervisor, { action: 'snooze', ids: [hidden], until: '2030-01-01T09:00:00Z' });
    expect(res.json.results).toEqual([{ id: hidden, ok: true }]);
    expect((await status(hidden)).status).toBe('snoozed');
  });

  it('refuses more than 200 ids, an unknown action, and a snooze without a time, changing nothing', async () => {
    const many = Array.from({ length: 201 }, () => ids[0]);
    const tooMany = await bulk(supervisor, { action: 'resolve', ids: many });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error.details[0].field).toBe('ids');
    expect((await bulk(supervisor, { action: 'explode', ids })).status).toBe(422);
    const noTime = await bulk(supervisor, { action: 'snooze', ids });
    expect(noTime.status).toBe(422);
    expect(noTime.json.error.details[0].field).toBe('until');
  });
});
