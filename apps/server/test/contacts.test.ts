import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// The contact panel: who this person is on every channel, what they asked before, what the
// team noted about them, and corrections to their country, language and time zone.
const t = useServer({ worker: false });
let f: Fixture;
let agent: string;
let supervisor: string;
let ana: string;
let hiddenContact: string;

async function contactOf(email: string): Promise<string> {
  const row = await waitFor(() =>
    t.db.current.db.kysely.selectFrom('identities').select('contact_id').where('external_id', '=', email).executeTakeFirst(),
  );
  return row.contact_id;
}

beforeAll(async () => {
  f = await createFixture(t);
  agent = await login(t.url, f.users.agent.email);
  supervisor = await login(t.url, f.users.supervisor.email);
  await postForm(t.url, f.formAccountId, { name: 'Ana García', email: 'ana@example.com', subject: 'Factura', message: 'Llegó doble.' });
  await postForm(t.url, f.formAccountId, { name: 'Bea', email: 'bea@example.com', subject: 'VIP', message: 'Hola' });
  ana = await contactOf('ana@example.com');
  hiddenContact = await contactOf('bea@example.com');
  // Bea only wrote to a team the agent is not in.
  const team = await call(t.url, 'POST', '/api/v1/teams', { token: f.adminToken, body: { name: 'VIP' } });
  await t.db.current.db.kysely
    .updateTable('conversations')
    .set({ team_id: team.json.team.id })
    .where('contact_id', '=', hiddenContact)
    .execute();
});

const contact = (id: string, cookie = agent) => call(t.url, 'GET', `/api/v1/contacts/${id}`, { cookie });
const patch = (body: unknown, cookie = agent) => call(t.url, 'PATCH', `/api/v1/contacts/${ana}`, { cookie, body });

describe('contacts', () => {
  it('shows the contact with every identity and their past conversations', async () => {
    const res = await contact(ana);
    expect(res.status, res.text).toBe(200);
    expect(res.json.contact).toMatchObject({ id: ana, name: 'Ana García' });
    expect(res.json.contact.identities).toEqual([
      { kind: 'email', externalId: 'ana@example.com', verified: false, displayName: 'Ana García' },
    ]);
    expect(res.json.contact.conversations).toEqual([
      expect.objectContaining({ subject: 'Factura', status: 'open', channel: expect.objectContaining({ kind: 'webform', name: 'Form' }) }),
    ]);
  });

  it('hides a contact whose conversations the agent may not see, but not from a supervisor', async () => {
    expect((await contact(hiddenContact)).status).toBe(404);
    expect((await call(t.url, 'PATCH', `/api/v1/contacts/${hiddenContact}`, { cookie: agent, body: { name: 'x' } })).status).toBe(404);
    const seen = await contact(hiddenContact, supervisor);
    expect(seen.status).toBe(200);
    expect(seen.json.contact.conversations).toHaveLength(1);
    const stranger = await createFixture(t);
    expect((await call(t.url, 'GET', `/api/v1/contacts/${ana}`, { token: stranger.adminToken })).status).toBe(404);
  });

  it('refuses an unknown time zone with a 422 naming the field, and stores nothing', async () => {
    const res = await patch({ timezone: 'Mars/Olympus_Mons', name: 'Ana G.' });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([expect.objectContaining({ field: 'timezone' })]);
    expect((await contact(ana)).json.contact.name).toBe('Ana García');
    for (const [field, value] of [
      ['country', 'XX'],
      ['country', 'Spain'],
      ['locale', 'not a locale!'],
    ]) {
      const bad = await patch({ [field as string]: value });
      expect(bad.status, `${field}=${value}`).toBe(422);
      expect(bad.json.error.details[0].field).toBe(field);
    }
  });

  it('changes only what the body names, in canonical spelling, and null clears', async () => {
    const first = await patch({ timezone: 'america/mexico_city', locale: 'es-mx', country: 'mx' });
    expect(first.status, first.text).toBe(200);
    expect(first.json.contact).toMatchObject({ name: 'Ana García', timezone: 'America/Mexico_City', locale: 'es-MX', country: 'MX' });
    const second = await patch({ country: 'ES-CT', name: null });
    expect(second.json.contact).toMatchObject({ name: null, country: 'ES-CT', locale: 'es-MX', timezone: 'America/Mexico_City' });
    expect(second.json).toEqual((await contact(ana)).json);
  });

  it('records each edit in the contact’s log with who made it and what changed', async () => {
    const log = await call(t.url, 'GET', `/api/v1/contacts/${ana}/events`, { cookie: agent });
    const edits = log.json.items.filter((e: { type: string }) => e.type === 'contact.updated');
    expect(edits).toHaveLength(2);
    expect(edits[1]).toMatchObject({
      actor: { type: 'user', id: f.users.agent.id },
      data: { from: { name: 'Ana García', country: 'MX' }, to: { name: null, country: 'ES-CT' } },
    });
  });

  it('keeps notes with their author; agents remove only their own', async () => {
    const path = `/api/v1/contacts/${ana}/notes`;
    const mine = await call(t.url, 'POST', path, { cookie: agent, body: { text: '  Prefiere que la llamen por la tarde.  ' } });
    expect(mine.status, mine.text).toBe(201);
    expect(mine.json.contactNote).toMatchObject({
      text: 'Prefiere que la llamen por la tarde.',
      author: { type: 'user', id: f.users.agent.id, name: 'agent' },
    });
    const theirs = await call(t.url, 'POST', path, { cookie: supervisor, body: { text: 'Cliente desde 2019.' } });
    const listed = await call(t.url, 'GET', path, { cookie: agent });
    expect(listed.json.items.map((n: { id: string }) => n.id)).toEqual([theirs.json.contactNote.id, mine.json.contactNote.id]);
    expect(listed.json.items[1]).toEqual(mine.json.contactNote);

    expect((await call(t.url, 'DELETE', `${path}/${theirs.json.contactNote.id}`, { cookie: agent })).status).toBe(403);
    expect((await call(t.url, 'DELETE', `${path}/${mine.json.contactNote.id}`, { cookie: agent })).status).toBe(204);
    expect((await call(t.url, 'DELETE', `${path}/${mine.json.contactNote.id}`, { cookie: agent })).status).toBe(404);
    expect((await call(t.url, 'DELETE', `${path}/${theirs.json.contactNote.id}`, { cookie: supervisor })).status).toBe(204);
    expect((await call(t.url, 'GET', path, { cookie: agent })).json.items).toEqual([]);

    const log = await call(t.url, 'GET', `/api/v1/contacts/${ana}/events`, { cookie: agent });
    const types = log.json.items.map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'contact.note_added')).toHaveLength(2);
    expect(types.filter((x: string) => x === 'contact.note_removed')).toHaveLength(2);
    expect((await call(t.url, 'POST', path, { cookie: agent, body: { text: '   ' } })).status).toBe(422);
  });
});
