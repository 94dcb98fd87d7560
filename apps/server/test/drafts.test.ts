import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// A half-written reply survives a reload or another computer, and is nobody else's business.
const t = useServer({ worker: false });
let f: Fixture;
let agent: string;
let supervisor: string;
let id: string;

beforeAll(async () => {
  f = await createFixture(t);
  agent = await login(t.url, f.users.agent.email);
  supervisor = await login(t.url, f.users.supervisor.email);
  const res = await postForm(t.url, f.formAccountId, { name: 'Ana', email: 'ana@example.com', message: 'Hola, ¿me ayudáis?' });
  expect(res.status, res.text).toBe(201);
  const row = await waitFor(() => t.db.current.db.kysely.selectFrom('conversations').select('id').executeTakeFirst());
  id = row.id;
});

const draftPath = () => `/api/v1/conversations/${id}/draft`;

describe('drafts', () => {
  it('keeps the composer’s text and options for the user who wrote them', async () => {
    expect((await call(t.url, 'GET', draftPath(), { cookie: agent })).json).toEqual({ draft: null });
    const put = await call(t.url, 'PUT', draftPath(), {
      cookie: agent,
      body: { text: 'Hola Ana,\n\nte cuento ', kind: 'reply', visibility: 'private' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json.draft).toMatchObject({
      conversationId: id,
      text: 'Hola Ana,\n\nte cuento ',
      kind: 'reply',
      visibility: 'private',
      allowSplit: false,
    });
    expect((await call(t.url, 'GET', draftPath(), { cookie: agent })).json).toEqual(put.json);
    const list = await call(t.url, 'GET', '/api/v1/conversations', { cookie: agent });
    expect(list.json.items[0].hasDraft).toBe(true);
  });

  it('never shows one user’s draft to another', async () => {
    expect((await call(t.url, 'GET', draftPath(), { cookie: supervisor })).json).toEqual({ draft: null });
    const theirs = await call(t.url, 'PUT', draftPath(), { cookie: supervisor, body: { text: 'Nota interna', kind: 'note' } });
    expect(theirs.status).toBe(200);
    expect((await call(t.url, 'GET', draftPath(), { cookie: agent })).json.draft.text).toBe('Hola Ana,\n\nte cuento ');
    expect((await call(t.url, 'GET', '/api/v1/conversations', { cookie: supervisor })).json.items[0].hasDraft).toBe(true);
    // An API token is not a person at a composer, even when its creator is.
    expect((await call(t.url, 'GET', draftPath(), { token: f.adminToken })).status).toBe(403);
  });

  it('deletes the draft on empty text, on DELETE, and when the message is sent', async () => {
    const empty = await call(t.url, 'PUT', draftPath(), { cookie: agent, body: { text: '   \n' } });
    expect(empty.json).toEqual({ draft: null });
    expect((await call(t.url, 'GET', draftPath(), { cookie: agent })).json.draft).toBeNull();

    await call(t.url, 'PUT', draftPath(), { cookie: agent, body: { text: 'borrador' } });
    expect((await call(t.url, 'DELETE', draftPath(), { cookie: agent })).status).toBe(204);
    expect((await call(t.url, 'DELETE', draftPath(), { cookie: agent })).status).toBe(204);

    await call(t.url, 'PUT', draftPath(), { cookie: agent, body: { text: 'Ya está resuelto.' } });
    const sent = await call(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { cookie: agent, body: { text: 'Ya está resuelto.' } });
    expect(sent.status, sent.text).toBe(201);
    expect((await call(t.url, 'GET', draftPath(), { cookie: agent })).json.draft).toBeNull();
    // The supervisor's own draft is theirs to keep.
    expect((await call(t.url, 'GET', draftPath(), { cookie: supervisor })).json.draft.text).toBe('Nota interna');
  });

  it('refuses a draft longer than a message may be, naming the field', async () => {
    const res = await call(t.url, 'PUT', draftPath(), { cookie: agent, body: { text: 'x'.repeat(20_001) } });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('text');
  });

  it('answers 404 for a conversation the agent may not see', async () => {
    const team = await call(t.url, 'POST', '/api/v1/teams', { token: f.adminToken, body: { name: 'Facturación' } });
    await t.db.current.db.kysely
      .updateTable('conversations')
      .set({ team_id: team.json.team.id, assignee_id: null })
      .where('id', '=', id)
      .execute();
    expect((await call(t.url, 'GET', draftPath(), { cookie: agent })).status).toBe(404);
    expect((await call(t.url, 'PUT', draftPath(), { cookie: agent, body: { text: 'x' } })).status).toBe(404);
  });
});
