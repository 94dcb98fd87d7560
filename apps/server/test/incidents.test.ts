import type { IncidentProposal } from '@centralita/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// Incidents over the real web-form channel and the API: declaring one links what already matches,
// new messages link as they are stored, people unlink (remembered) and keep conversations open,
// and resolving closes the rest together. Roles and workspaces bound every step.
const t = useServer({ worker: false });
let f: Fixture;
let supervisor: string;
let agent: string;

const SERVICES = [
  { label: 'Fibra', terms: ['fibra óptica', 'internet', 'wifi'] },
  { label: 'TV', terms: ['television', 'deco'] },
];

beforeAll(async () => {
  f = await createFixture(t);
  supervisor = await login(t.url, f.users.supervisor.email);
  agent = await login(t.url, f.users.agent.email);
  const saved = await call(t.url, 'PUT', '/api/v1/incident-settings', { token: f.adminToken, body: { services: SERVICES } });
  expect(saved.status, saved.text).toBe(200);
});

const as = (who: { cookie: string } | { token: string }) => ({
  get: (path: string) => call(t.url, 'GET', `/api/v1${path}`, who),
  send: (method: string, path: string, body?: unknown) =>
    call(t.url, method, `/api/v1${path}`, { ...who, ...(body !== undefined ? { body } : {}) }),
});
const sup = () => as({ cookie: supervisor });
const ag = () => as({ cookie: agent });

let seq = 0;
/** A customer writes through the web form; answers the conversation id and the customer page link. */
async function customer(message: string, fields: Record<string, string> = {}, fixture: Fixture = f) {
  seq += 1;
  const res = await postForm(t.url, fixture.formAccountId, { name: `Cliente ${seq}`, email: `c${seq}@example.es`, message, ...fields });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.conversationId as string, link: res.json.conversationLink as string };
}

async function conversation(id: string) {
  return t.db.current.db.kysely.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function eventsOf(conversationId: string) {
  const res = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/events?limit=200`, { token: f.adminToken });
  return res.json.items as { type: string; actor: { type: string; id: string | null }; data: Record<string, unknown> }[];
}

async function declare(body: Record<string, unknown>) {
  const res = await sup().send('POST', '/incidents', body);
  expect(res.status, res.text).toBe(201);
  return res.json;
}

describe('declaring an incident and linking', () => {
  let incidentId = '';
  const c: Record<string, string> = {};
  const links: Record<string, string> = {};

  beforeAll(async () => {
    // Written before anyone declared the outage: the declaration must find them.
    c.madrid = (await customer('Me he quedado sin fibra desde las 8', { region: 'ES-MD' })).id;
    c.typo = (await customer('no me va la fibrra en casa', { region: 'ES-MD' })).id;
    const wifi = await customer('El wifi no funciona, nada carga', { region: 'ES-MD' });
    c.wifi = wifi.id;
    links.wifi = wifi.link;
    c.catalonia = (await customer('Sin fibra en Barcelona', { region: 'ES-CT' })).id;
    c.france = (await customer('sin fibra desde ayer', { country: 'fr' })).id;
    c.billing = (await customer('Quiero cambiar mi tarifa', { region: 'ES-MD' })).id;
    c.kept = (await customer('¿Cuándo vuelve la fibra? Tengo una duda de la factura también', { region: 'ES-MD' })).id;
  });

  it('links at once the conversations already there that match its service and region, and counts them', async () => {
    const incident = await declare({
      title: 'Corte de fibra en Madrid',
      statusText: 'Estamos reparando un corte de fibra en Madrid; volverá hoy.',
      regions: ['es-md'],
      services: ['fibra'],
    });
    incidentId = incident.id;
    expect(incident).toMatchObject({ status: 'active', ref: expect.stringMatching(/^INC-\d+$/), regions: ['ES-MD'], services: ['Fibra'] });
    // A typing error and a term of the service count; Catalonia and France are outside; billing has no keyword.
    expect(incident.counts).toEqual({ linked: 4, byChannel: { webform: 4 }, byRegion: { 'ES-MD': 4 }, open: 4, resolved: 0, keepOpen: 0 });
    for (const id of [c.madrid, c.typo, c.wifi, c.kept]) expect((await conversation(id as string)).incident_id).toBe(incidentId);
    for (const id of [c.catalonia, c.france, c.billing]) expect((await conversation(id as string)).incident_id).toBeNull();

    const listed = await ag().get(`/incidents/${incidentId}/conversations?region=ES`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.items).toHaveLength(4);
    const typo = listed.json.items.find((r: { id: string }) => r.id === c.typo);
    expect(typo).toMatchObject({
      linkedBy: 'auto',
      keepOpen: false,
      channelKind: 'webform',
      reasons: { terms: ['fibrra'], region: 'covered' },
    });
    expect(typo.contact.name).toMatch(/^Cliente /);
    expect((await eventsOf(c.madrid as string)).map((e) => e.type)).toContain('conversation.incident_linked');
  });

  it('links a new message as it is stored, and the conversation carries its incident', async () => {
    const later = await customer('Otra vez sin internet en Getafe', { region: 'ES-MD' });
    const detail = await ag().get(`/conversations/${later.id}`);
    expect(detail.json.conversation.routing.incidentId).toBe(incidentId);
    const linked = (await eventsOf(later.id)).find((e) => e.type === 'conversation.incident_linked');
    expect(linked?.data).toMatchObject({ incidentId, by: 'auto', terms: ['internet'] });
    const other = await customer('Mi deco no enciende', { region: 'ES-MD' });
    expect((await conversation(other.id)).incident_id).toBeNull();
  });

  it('remembers an unlink: neither a new message nor a rescan links it again, though a person may', async () => {
    const removed = await ag().send('DELETE', `/incidents/${incidentId}/conversations/${c.wifi}`);
    expect(removed.status, removed.text).toBe(204);
    expect((await conversation(c.wifi as string)).incident_id).toBeNull();
    const again = await ag().send('DELETE', `/incidents/${incidentId}/conversations/${c.wifi}`);
    expect(again.status).toBe(404);
    expect(again.json.error.message).toContain('is not linked to INC-');

    // The customer writes again on their page, and a change of criteria rescans: still unlinked.
    const rewrote = await call(t.url, 'POST', `${new URL(links.wifi as string).pathname}/messages`, { body: { text: 'Sigo sin wifi' } });
    expect(rewrote.status, rewrote.text).toBe(201);
    const detail = await call(t.url, 'GET', `/api/v1/conversations/${c.wifi}`, { token: f.adminToken });
    expect(detail.json.conversation.routing.incidentId).toBeNull();
    const patched = await sup().send('PATCH', `/incidents/${incidentId}`, { keywords: ['sin conexión', 'wifi'] });
    expect(patched.status, patched.text).toBe(200);
    expect((await conversation(c.wifi as string)).incident_id).toBeNull();

    const byHand = await ag().send('POST', `/incidents/${incidentId}/conversations`, { conversationIds: [c.wifi, c.billing] });
    expect(byHand.status, byHand.text).toBe(200);
    expect(byHand.json).toEqual({ linked: 2 });
    expect((await conversation(c.billing as string)).incident_id).toBe(incidentId);
    const event = (await eventsOf(c.billing as string)).find((e) => e.type === 'conversation.incident_linked');
    expect(event).toMatchObject({ actor: { type: 'user', id: f.users.agent.id }, data: { by: 'user', incidentId } });
  });

  it('resolves the linked conversations together, except the one kept open, and stops linking', async () => {
    const kept = await ag().send('PUT', `/incidents/${incidentId}/conversations/${c.kept}/keep-open`, { keepOpen: true });
    expect(kept.status, kept.text).toBe(200);
    const before = (await sup().get(`/incidents/${incidentId}`)).json.counts.linked as number;

    const resolved = await sup().send('POST', `/incidents/${incidentId}/resolve`, {});
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.json).toMatchObject({ status: 'resolved', counts: { linked: before, open: 1, resolved: before - 1 } });
    expect((await conversation(c.madrid as string)).status).toBe('resolved');
    expect((await conversation(c.kept as string)).status).toBe('open');
    // As a person's resolve: the status change by the supervisor, and the incident's own event.
    const events = await eventsOf(c.madrid as string);
    expect(events.find((e) => e.type === 'conversation.status_changed')).toMatchObject({
      actor: { type: 'user', id: f.users.supervisor.id },
      data: { from: 'open', to: 'resolved' },
    });
    expect(events.map((e) => e.type)).toContain('conversation.incident_resolved');

    const after = await customer('Sigo sin fibra', { region: 'ES-MD' });
    expect((await conversation(after.id)).incident_id).toBeNull();
    const log = (await sup().get(`/incidents/${incidentId}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(log).toEqual(['incident.declared', 'incident.updated', 'incident.updated', 'incident.resolved']);
    // A second resolve finds nothing left: the same answer, nothing logged or closed again.
    const twice = await sup().send('POST', `/incidents/${incidentId}/resolve`, {});
    expect(twice.status, twice.text).toBe(200);
    expect(twice.json).toMatchObject({ status: 'resolved', counts: { open: 1, keepOpen: 1, resolved: before - 1 } });
    expect((await sup().get(`/incidents/${incidentId}/events`)).json.items).toHaveLength(log.length);

    const metrics = await sup().get(`/incidents/${incidentId}/metrics`);
    expect(metrics.status, metrics.text).toBe(200);
    // Resolved, but no update reached anyone: nothing was absorbed by the incident's broadcasts.
    expect(metrics.json).toMatchObject({ linked: before, absorbed: 0, timeToFirstUpdateSeconds: null, costBasis: 'linked_conversations' });
    expect(metrics.json.contacts.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(before);

    // As if a broadcast had answered three first; a bot then wrote in one and another is still open.
    const db = t.db.current.db.kysely;
    const reached = [c.madrid, c.typo, c.kept] as string[];
    await db.updateTable('conversations').set({ first_response_kind: 'broadcast' }).where('id', 'in', reached).execute();
    const inbound = await db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', c.typo as string)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('messages')
      .values({
        workspace_id: inbound.workspace_id,
        conversation_id: inbound.conversation_id,
        channel_account_id: inbound.channel_account_id,
        direction: 'outbound',
        visibility: 'public',
        author_type: 'bot',
        text: '¿Has probado a reiniciar el router?',
        delivery_state: 'sent',
        metadata: '{}',
      })
      .execute();
    expect((await sup().get(`/incidents/${incidentId}/metrics`)).json.absorbed).toBe(1);
  });
});

describe('proposals from the detector', () => {
  const proposal = (signature: string, total: number, about: Partial<IncidentProposal> = {}): IncidentProposal => ({
    signature,
    title: 'Spike: tele (ES-AN)',
    terms: ['tele', 'television'],
    services: ['TV'],
    regions: ['ES-AN'],
    startsAt: new Date(Date.now() - 10 * 60_000),
    evidence: { bucketMinutes: 5, total, keys: [], viralPost: null },
    ...about,
  });
  const match = { services: [], terms: ['partido'], regions: ['ES'] };

  it('proposes once per alarm, and accepting makes it active and links what matches', async () => {
    const tv = await customer('La television no se ve en Sevilla', { region: 'ES-AN' });
    const first = await t.node.ctx.incidents.propose(f.workspaceId, proposal('tv|ES-AN', 40));
    expect(first).toMatchObject({ created: true });
    expect(await t.node.ctx.incidents.propose(f.workspaceId, proposal('tv|ES-AN', 90))).toEqual({ id: first?.id, created: false });
    expect((await conversation(tv.id)).incident_id).toBeNull();
    const listed = (await ag().get('/incidents?status=proposed')).json.items;
    expect(listed.map((i: { id: string }) => i.id)).toContain(first?.id);

    const accepted = await sup().send('POST', `/incidents/${first?.id}/accept`, { statusText: 'Revisamos la señal de TV en Andalucía.' });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.json).toMatchObject({ status: 'active', statusText: 'Revisamos la señal de TV en Andalucía.', counts: { linked: 1 } });
    expect((await conversation(tv.id)).incident_id).toBe(first?.id);
    const log = (await sup().get(`/incidents/${first?.id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(log).toEqual(['incident.proposed', 'incident.evidence_updated', 'incident.accepted']);
  });

  it('remembers a dismissed false alarm unless it doubles', async () => {
    const made = await t.node.ctx.incidents.propose(f.workspaceId, proposal('partido|ES', 50, match));
    const dismissed = await sup().send('POST', `/incidents/${made?.id}/dismiss`, { reason: 'Es el partido, no una avería' });
    expect(dismissed.json).toMatchObject({ status: 'dismissed', dismissReason: 'Es el partido, no una avería' });
    expect(await t.node.ctx.incidents.propose(f.workspaceId, proposal('partido|ES', 80, match))).toBeNull();
    const doubled = await t.node.ctx.incidents.propose(f.workspaceId, proposal('partido|ES', 100, match));
    expect(doubled).toMatchObject({ created: true });
    expect(doubled?.id).not.toBe(made?.id);
  });

  it('does not propose an outage already declared, and grows a proposal whose spike spreads', async () => {
    const declared = await declare({ title: 'Corte de TV en Galicia', services: ['TV'], regions: ['ES-GA'] });
    const again = await t.node.ctx.incidents.propose(f.workspaceId, proposal('tv|ES-GA', 60, { regions: ['ES-GA'] }));
    expect(again).toEqual({ id: declared.id, created: false });

    const terms = { services: [], terms: ['ascensor'] };
    const first = await t.node.ctx.incidents.propose(f.workspaceId, proposal('ascensor|ES-VC', 30, { ...terms, regions: ['ES-VC'] }));
    expect(first).toMatchObject({ created: true });
    const spread = await t.node.ctx.incidents.propose(
      f.workspaceId,
      proposal('ascensor|ES-MC,ES-VC', 70, { ...terms, regions: ['ES-MC', 'ES-VC'] }),
    );
    expect(spread).toEqual({ id: first?.id, created: false });
    const grown = (await sup().get(`/incidents/${first?.id}`)).json;
    expect(grown).toMatchObject({ status: 'proposed', regions: ['ES-MC', 'ES-VC'], evidence: { total: 70 } });
    const proposed = (await ag().get('/incidents?status=proposed')).json.items as { keywords: string[] }[];
    expect(proposed.filter((i) => i.keywords.includes('ascensor'))).toHaveLength(1);
    const log = (await sup().get(`/incidents/${first?.id}/events`)).json.items.map((e: { type: string }) => e.type);
    expect(log).toEqual(['incident.proposed', 'incident.evidence_updated']);
  });
});

describe('who may do what', () => {
  it('refuses agents the supervisor’s actions and admins’ settings, but lets them read and link', async () => {
    const incident = await declare({ title: 'Caída móvil', keywords: ['sin cobertura'] });
    expect((await ag().send('POST', '/incidents', { title: 'x', keywords: ['y'] })).status).toBe(403);
    expect((await ag().send('PATCH', `/incidents/${incident.id}`, { title: 'y' })).status).toBe(403);
    expect((await ag().send('POST', `/incidents/${incident.id}/resolve`, {})).status).toBe(403);
    expect((await ag().get(`/incidents/${incident.id}/metrics`)).status).toBe(403);
    expect((await ag().get(`/incidents/${incident.id}/events`)).status).toBe(403);
    expect((await sup().send('PUT', '/incident-settings', { services: [] })).status).toBe(403);
    expect((await sup().get('/incident-settings')).json.services).toEqual(SERVICES);
    expect((await ag().get(`/incidents/${incident.id}`)).status).toBe(200);
  });

  it('keeps workspaces apart: another workspace neither sees the incident nor links to it', async () => {
    const incident = await declare({ title: 'Sin cobertura', keywords: ['cobertura'] });
    const other = await createFixture(t);
    const theirs = as({ token: other.adminToken });
    expect((await theirs.get(`/incidents/${incident.id}`)).status).toBe(404);
    expect((await theirs.get(`/incidents/${incident.id}/conversations`)).status).toBe(404);
    expect((await theirs.get('/incidents')).json.items).toEqual([]);
    const foreign = await customer('No tengo cobertura', {}, other);
    expect((await conversation(foreign.id)).incident_id).toBeNull();
    const linked = await theirs.send('POST', `/incidents/${incident.id}/conversations`, { conversationIds: [foreign.id] });
    expect(linked.status).toBe(404);
    // Nor may this workspace link the other's conversation.
    const mine = await sup().send('POST', `/incidents/${incident.id}/conversations`, { conversationIds: [foreign.id] });
    expect(mine.status).toBe(404);
  });
});

describe('bad input', () => {
  it('names each field that is wrong', async () => {
    const res = await sup().send('POST', '/incidents', {
      title: '',
      regions: ['XX-123', 'ES'],
      languages: ['spanish'],
      startsAt: 'yesterday',
      colour: 'red',
    });
    expect(res.status).toBe(422);
    const fields = (res.json.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['body', 'languages.0', 'regions.0', 'startsAt', 'title']);
    expect(res.json.error.message).toContain('"colour"');
    expect(res.json.error.message).toContain('title: title is required');
    expect(res.json.error.message).toContain('regions.0: a region is an ISO 3166 code');
  });

  it('says which services are not the workspace’s, and which are', async () => {
    const res = await sup().send('POST', '/incidents', { title: 'Corte', services: ['Fibra', 'Luz'] });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toBe(
      'Invalid incident: services: "Luz" is not a service of this workspace; the workspace\'s services are Fibra, TV.',
    );
  });

  it('refuses an incident with nothing to match on, and settings with a service twice', async () => {
    const empty = await sup().send('POST', '/incidents', { title: 'Algo pasa' });
    expect(empty.status).toBe(422);
    expect(empty.json.error.message).toContain('give keywords, services or regions');
    const twice = await call(t.url, 'PUT', '/api/v1/incident-settings', {
      token: f.adminToken,
      body: { services: [{ label: 'TV' }, { label: 'tv' }], matching: { minHits: 0 } },
    });
    expect(twice.status).toBe(422);
    expect((twice.json.error.details as { field: string }[]).map((d) => d.field).sort()).toEqual(['matching.minHits', 'services']);
  });

  it('refuses to accept or dismiss an incident that is not a proposal', async () => {
    const incident = await declare({ title: 'Corte de luz', keywords: ['luz'] });
    const res = await sup().send('POST', `/incidents/${incident.id}/dismiss`, {});
    expect(res.status).toBe(409);
    expect(res.json.error.message).toBe(`Cannot dismiss ${incident.ref}: it is active; resolve it instead.`);
  });
});

describe('resolving with a closing update', () => {
  it('starts the closing broadcast to the linked conversations first, and refuses a bad one without resolving', async () => {
    const incident = await declare({ title: 'Sin gas', keywords: ['gas'], statusText: 'Revisamos el suministro de gas.' });
    const affected = await customer('No tengo gas en la cocina');
    expect((await conversation(affected.id)).incident_id).toBe(incident.id);

    const bad = await sup().send('POST', `/incidents/${incident.id}/resolve`, { closing: { text: '  ' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details).toEqual([{ field: 'closing.text', message: 'required' }]);
    expect((await sup().get(`/incidents/${incident.id}`)).json.status).toBe('active');

    const res = await sup().send('POST', `/incidents/${incident.id}/resolve`, { closing: { text: 'Ya tienes gas, {name}. {ref}' } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.status).toBe('resolved');
    const broadcasts = (await sup().get(`/incidents/${incident.id}/broadcasts`)).json.items as { id: string; kind: string }[];
    expect(broadcasts.map((b) => b.kind)).toEqual(['closing']);
    const log = (await sup().get(`/incidents/${incident.id}/events`)).json.items as { type: string; data: Record<string, unknown> }[];
    expect(log.map((e) => e.type)).toEqual(['incident.declared', 'incident.broadcast_started', 'incident.resolved']);
    expect(log[2]?.data).toEqual({ closingBroadcastId: broadcasts[0]?.id });
    expect((await conversation(affected.id)).status).toBe('resolved');
  });

  it('sends one closing update when two resolves arrive at once', async () => {
    const incident = await declare({ title: 'Sin luz', keywords: ['luz'] });
    const affected = await customer('Me he quedado sin luz');
    const body = { closing: { text: 'Vuelve la luz. {ref}' } };
    const both = await Promise.all([1, 2].map(() => sup().send('POST', `/incidents/${incident.id}/resolve`, body)));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const broadcasts = (await sup().get(`/incidents/${incident.id}/broadcasts`)).json.items as { kind: string }[];
    expect(broadcasts.map((b) => b.kind)).toEqual(['closing']);
    const log = (await sup().get(`/incidents/${incident.id}/events`)).json.items as { type: string }[];
    expect(log.filter((e) => e.type === 'incident.resolved')).toHaveLength(1);
    expect((await conversation(affected.id)).status).toBe('resolved');
  });

  it('finishes a resolve that stopped half-way, without a second closing update', async () => {
    const incident = await declare({ title: 'Sin agua', keywords: ['agua'] });
    await customer('No tengo agua');
    const second = await customer('Sin agua en casa');
    // A node died after starting the closing update, before the incident was resolved.
    const actor = { type: 'user' as const, id: f.users.supervisor.id };
    await t.node.ctx.broadcasts.start(f.workspaceId, incident.id, { text: 'Vuelve el agua.', kind: 'closing' }, actor);
    const resumed = await sup().send('POST', `/incidents/${incident.id}/resolve`, { closing: { text: 'Otra vez.' } });
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json).toMatchObject({ status: 'resolved', counts: { linked: 2, open: 0, resolved: 2 } });
    const closings = (await sup().get(`/incidents/${incident.id}/broadcasts`)).json.items as { text: string }[];
    expect(closings.map((b) => b.text)).toEqual(['Vuelve el agua.']);

    // Another died after resolving the incident, before its conversations.
    const db = t.db.current.db.kysely;
    await db.updateTable('conversations').set({ status: 'open', resolved_at: null }).where('id', '=', second.id).execute();
    const again = await sup().send('POST', `/incidents/${incident.id}/resolve`, { closing: { text: 'Y otra.' } });
    expect(again.status, again.text).toBe(200);
    expect((await conversation(second.id)).status).toBe('resolved');
    expect((await sup().get(`/incidents/${incident.id}/broadcasts`)).json.items).toHaveLength(1);
  });
});

describe('the catch-up pass', () => {
  it('links a conversation whose batch committed after the declaration’s scan', async () => {
    const incident = await declare({ title: 'Sin agua caliente', keywords: ['agua caliente'] });
    const late = await customer('No sale agua caliente');
    // As if its batch had read the incidents just before the declaration and committed after its scan.
    const db = t.db.current.db.kysely;
    await db.deleteFrom('incident_links').where('conversation_id', '=', late.id).execute();
    await db.updateTable('conversations').set({ incident_id: null }).where('id', '=', late.id).execute();
    expect(await t.node.ctx.incidents.catchUp()).toBeGreaterThanOrEqual(1);
    expect((await conversation(late.id)).incident_id).toBe(incident.id);
  });
});
