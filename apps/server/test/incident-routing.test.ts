import { waitFor } from '@centralita/channel-kit/conformance';
import { beforeAll, describe, expect, it } from 'vitest';
import { ackCode } from '../src/services/incident-ack.ts';
import { call, createFixture, type Fixture, postForm, useServer } from './harness.ts';

// Routing rules that look at a conversation's incident, and the rule action that acknowledges
// it with the incident's status text: over the real web-form channel, its customer page, the
// dispatcher and the outbox.
const t = useServer({ worker: true });
let f: Fixture;
let outageTeam = '';
let generalTeam = '';
const STATUS = 'Sabemos que hay un corte de fibra en Madrid; lo estamos reparando.';

const admin = (method: string, path: string, body?: unknown) =>
  call(t.url, method, `/api/v1${path}`, { token: f.adminToken, ...(body !== undefined ? { body } : {}) });

beforeAll(async () => {
  f = await createFixture(t);
  expect((await admin('PUT', '/incident-settings', { services: [{ label: 'Fibra', terms: ['internet'] }] })).status).toBe(200);
  outageTeam = (await admin('POST', '/teams', { name: 'Averías', timezone: 'Europe/Madrid' })).json.team.id;
  generalTeam = (await admin('POST', '/teams', { name: 'General', timezone: 'Europe/Madrid' })).json.team.id;
  for (const teamId of [outageTeam, generalTeam]) {
    const policy = await admin('POST', '/sla-policies', { name: 'Primera respuesta', teamId, firstResponseMinutes: 30 });
    expect(policy.status, policy.text).toBe(201);
  }
  const rules = {
    rules: [
      {
        id: 'outage',
        when: '"Fibra" in incident.services && incident.regions.exists(r, r == "ES-MD")',
        target: { teams: ['Averías'] },
        priority: 50,
        acknowledgeIncident: true,
      },
      { id: 'everyone', target: { teams: ['General'] } },
    ],
  };
  expect((await admin('PUT', '/routing/rules/draft', { document: rules })).json.draft.issues).toEqual([]);
  expect((await admin('POST', '/routing/rules/publish', {})).status).toBe(201);
});

let seq = 0;
async function customer(message: string) {
  seq += 1;
  const res = await postForm(t.url, f.formAccountId, { name: `Cliente ${seq}`, email: `r${seq}@example.es`, message, region: 'ES-MD' });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.conversationId as string, link: res.json.conversationLink as string };
}

const conversation = (id: string) =>
  t.db.current.db.kysely.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const acknowledgements = (conversationId: string) =>
  t.db.current.db.kysely
    .selectFrom('messages')
    .select(['id', 'text', 'author_type', 'delivery_state', 'direction'])
    .where('conversation_id', '=', conversationId)
    .where(({ eb, ref }) => eb(ref('metadata', '->').key('incidentAck'), 'is not', null))
    .execute();

/** Routed (its rule recorded) and, when asked for, acknowledged: every acknowledgement under way has finished. */
async function routed(id: string, rule: string) {
  const row = await waitFor(
    async () => {
      const c = await conversation(id);
      return c.routing_rule === rule ? c : undefined;
    },
    { what: `conversation routed by ${rule}` },
  );
  await t.node.ctx.incidents.settled();
  return row;
}

describe('routing on incident fields', () => {
  let incidentId = '';
  let before = { id: '', link: '' };

  beforeAll(async () => {
    // Written before the outage was declared: routed by the general rule for now.
    before = await customer('No tengo fibra desde las ocho');
    await routed(before.id, 'everyone');
    const res = await admin('POST', '/incidents', { title: 'Corte de fibra', statusText: STATUS, regions: ['ES-MD'], services: ['Fibra'] });
    expect(res.status, res.text).toBe(201);
    incidentId = res.json.id;
  });

  it('routes a conversation in the incident by its services and regions, and acknowledges it once with the status text', async () => {
    const c = await customer('Sin internet en Alcobendas');
    const row = await routed(c.id, 'outage');
    expect(row).toMatchObject({ incident_id: incidentId, team_id: outageTeam, priority: 50 });
    expect(row.routing_explanation).toMatchObject({ rule: 'outage', acknowledgeIncident: incidentId });

    const acks = await acknowledgements(c.id);
    expect(acks).toEqual([
      { id: expect.any(String), text: STATUS, author_type: 'bot', delivery_state: expect.any(String), direction: 'outbound' },
    ]);
    // The outbox sends it: the customer reads it on their page.
    const page = await waitFor(
      async () => {
        const res = await call(t.url, 'GET', `${new URL(c.link).pathname}/messages`);
        return res.json.items.some((m: { text: string }) => m.text === STATUS) ? res.json.items : undefined;
      },
      { what: 'the acknowledgement on the customer page' },
    );
    expect(page.map((m: { text: string }) => m.text)).toEqual(['Sin internet en Alcobendas', STATUS]);
    const events = (await admin('GET', `/conversations/${c.id}/events?limit=200`)).json.items as {
      type: string;
      data: Record<string, unknown>;
    }[];
    expect(events.find((e) => e.type === 'conversation.incident_acknowledged')?.data).toMatchObject({ incidentId, sent: true });

    // The customer writes again and routing runs again: still one acknowledgement.
    const again = await call(t.url, 'POST', `${new URL(c.link).pathname}/messages`, { body: { text: '¿Alguna novedad?' } });
    expect(again.status, again.text).toBe(201);
    await t.node.ctx.routing.route(f.workspaceId);
    await t.node.ctx.incidents.settled();
    expect(await acknowledgements(c.id)).toHaveLength(1);
  });

  it('does not stop the first-response clock: the customer still waits for a person', async () => {
    const c = await customer('La fibra no va');
    const row = await routed(c.id, 'outage');
    await waitFor(async () => (await acknowledgements(c.id)).find((m) => m.delivery_state !== 'queued'), {
      what: 'the acknowledgement sent',
    });
    const after = await conversation(c.id);
    expect(row.first_response_due_at).not.toBeNull();
    expect(after.first_response_due_at).toEqual(row.first_response_due_at);
    expect(after.first_responded_at).toBeNull();
    expect(after.first_response_kind).toBeNull();
    expect(after.awaiting_reply_since).toEqual(row.awaiting_reply_since);
  });

  it('moves a conversation written before the declaration once the declaration links it, and acknowledges it', async () => {
    const row = await routed(before.id, 'outage');
    expect(row).toMatchObject({ incident_id: incidentId, team_id: outageTeam });
    await waitFor(async () => (await acknowledgements(before.id)).length === 1 || undefined, { what: 'the late acknowledgement' });
  });

  it('leaves a conversation outside the incident to the other rules, without an acknowledgement', async () => {
    const c = await customer('Quiero cambiar la dirección de facturación');
    const row = await routed(c.id, 'everyone');
    expect(row).toMatchObject({ incident_id: null, team_id: generalTeam });
    expect(await acknowledgements(c.id)).toEqual([]);
  });
});

describe('the code that keeps public acknowledgements apart', () => {
  it('is eight characters and differs for each of an outage’s 20,000 conversations', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
    const codes = ids.map(ackCode);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{8}$/);
    expect(new Set(codes).size).toBe(ids.length);
    expect(ackCode(ids[0] as string)).toBe(codes[0]);
  });
});
