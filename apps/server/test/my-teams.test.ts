import { describe, expect, it } from 'vitest';
import { call, createFixture, login, postForm, useServer } from './harness.ts';

const t = useServer({ worker: false });

// "My teams" in the console: the conversations of the teams the signed-in agent belongs to,
// not every conversation they may see (unteamed ones included), and its count in the navigation.
describe('conversations of my teams', () => {
  it('lists and counts only the conversations of the caller’s own teams', async () => {
    const f = await createFixture(t);
    const admin = { token: f.adminToken };
    const fibra = (await call(t.url, 'POST', '/api/v1/teams', { ...admin, body: { name: 'Fibra' } })).json.team.id as string;
    const movil = (await call(t.url, 'POST', '/api/v1/teams', { ...admin, body: { name: 'Móvil' } })).json.team.id as string;
    const joined = await call(t.url, 'PATCH', `/api/v1/agents/${f.users.agent.id}`, { ...admin, body: { teamIds: [fibra] } });
    expect(joined.status, joined.text).toBe(200);
    const ids: string[] = [];
    for (const subject of ['Sin fibra', 'Sin cobertura', 'Sin equipo']) {
      const res = await postForm(t.url, f.formAccountId, {
        name: 'Ana',
        email: `${subject.length}@example.com`,
        subject,
        message: subject,
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.json.conversationId as string);
    }
    const db = t.db.current.db.kysely;
    await db
      .updateTable('conversations')
      .set({ team_id: fibra })
      .where('id', '=', ids[0] ?? '')
      .execute();
    await db
      .updateTable('conversations')
      .set({ team_id: movil })
      .where('id', '=', ids[1] ?? '')
      .execute();

    const agent = await login(t.url, f.users.agent.email);
    const mine = await call(t.url, 'GET', '/api/v1/conversations?team=mine', { cookie: agent });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json.items.map((c: { subject: string }) => c.subject)).toEqual(['Sin fibra']);
    const counts = await call(t.url, 'GET', '/api/v1/conversations/counts', { cookie: agent });
    expect(counts.json.open.teams).toBe(1);

    // A supervisor in no team has no "my teams" conversations, though they may see them all.
    const supervisor = await login(t.url, f.users.supervisor.email);
    const none = await call(t.url, 'GET', '/api/v1/conversations?team=mine', { cookie: supervisor });
    expect(none.json.items).toEqual([]);
    const all = await call(t.url, 'GET', '/api/v1/conversations', { cookie: supervisor });
    expect(all.json.items).toHaveLength(3);
  });
});
