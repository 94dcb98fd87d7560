import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../src/pipeline/commits.ts';
import { call, createFixture, type Fixture, postForm, useServer } from './harness.ts';

// The spike detector end to end: customers write through the real web form, the node counts their
// messages into PostgreSQL, and detection at the injected clock proposes an incident to the
// incidents service, which shows it in the API with its evidence.

const MINUTE = 60_000;
// A bucket boundary, so each step of five minutes is one bucket.
let now = new Date('2026-03-02T08:00:00Z');
// The test drives the detector by hand: no job worker (its minute task would look at a spike half
// posted), and the node's own timer is stopped below.
const t = useServer({ clock: () => now, worker: false });
let f: Fixture;
let sent = 0;

beforeAll(async () => {
  await t.node.ctx.incidentDetector.stop();
  f = await createFixture(t);
  const settings = await call(t.url, 'PUT', '/api/v1/incident-settings', {
    token: f.adminToken,
    body: {
      services: [
        { label: 'fibra', terms: ['fibra óptica', 'FTTH'] },
        { label: 'móvil', terms: ['cobertura'] },
      ],
    },
  });
  expect(settings.status).toBe(200);
});

/** The workspace's messages as counted per channel in `inbound_buckets`. */
async function counted(): Promise<number> {
  const rows = await t.db.current.db.kysely
    .selectFrom('inbound_buckets')
    .select('count')
    .where('workspace_id', '=', f.workspaceId)
    .where('key_kind', '=', 'channel')
    .execute();
  return rows.reduce((n, r) => n + r.count, 0);
}

/** One web-form submission at the current clock. */
async function submit(message: string, region?: string) {
  sent += 1;
  const res = await postForm(t.url, f.formAccountId, {
    name: `Cliente ${sent}`,
    email: `cliente${sent}@example.es`,
    message: `${message} (${sent})`,
    ...(region ? { region } : {}),
  });
  expect(res.status).toBe(201);
  return res.json.conversationId as string;
}

// Everyday messages and where they come from; Barcelona writes about its fibre now and then, which
// tells the detector that an outage in Madrid has not reached it.
const everyday: [string, string | undefined][] = [
  ['Quiero cambiar mi tarifa', undefined],
  ['No me llega la factura', 'ES-MD'],
  ['La fibra va lenta por las tardes', 'ES-B'],
  ['Sin cobertura en el pueblo', 'ES-CT'],
  ['¿Puedo portar mi número?', undefined],
];
const detector = () => t.node.ctx.incidentDetector;
const proposed = async () => (await call(t.url, 'GET', '/api/v1/incidents?status=proposed', { token: f.adminToken })).json.items;

describe('spike detection through the server', () => {
  it('stays quiet over an hour of everyday traffic, then proposes the outage with its words, region and counts', async () => {
    for (let bucket = 0; bucket < 12; bucket++) {
      for (const [text, region] of everyday) await submit(`${text} ${bucket}`, region);
      await detector().flush();
      now = new Date(now.getTime() + 5 * MINUTE);
    }
    await detector().runOnce(f.workspaceId);
    expect(await proposed()).toEqual([]);

    // The outage: a bucket of fibre complaints from Madrid, typing errors and all, and no region from
    // some (the form field is optional).
    const outageStart = now;
    now = new Date(now.getTime() + MINUTE);
    const first = await submit('Sin fibra en casa desde hace media hora, caída total', 'es-md');
    for (let i = 0; i < 29; i++)
      await submit(i % 5 === 0 ? 'Se ha caído la fibrra otra vez' : 'No va la fibra, caída general', i % 4 === 0 ? undefined : 'ES-MD');
    for (const [text, region] of everyday) await submit(text, region);
    await detector().flush();
    now = new Date(now.getTime() + 2 * MINUTE);
    await detector().runOnce(f.workspaceId);

    const conv = await call(t.url, 'GET', `/api/v1/conversations/${first}`, { token: f.adminToken });
    expect(conv.json.conversation.region).toBe('ES-MD');
    const items = await proposed();
    expect(items).toHaveLength(1);
    const incident = items[0];
    expect(incident).toMatchObject({
      status: 'proposed',
      services: ['fibra'],
      regions: ['ES-MD'],
      signature: 'fibra|ES-MD',
      startsAt: outageStart.toISOString(),
    });
    expect(incident.title).toMatch(/^Spike: fibra/);
    const fibra = incident.evidence.keys.find((k: { kind: string; key: string }) => k.kind === 'term' && k.key === 'fibra');
    // All 30 complaints count for the service, "fibrra" too, and Barcelona's one; the hour before had one a bucket.
    expect(fibra).toMatchObject({ current: 31, baseline: 1 });
    // The hour before, and the bucket before it, which had no messages at all.
    expect(fibra.counts).toHaveLength(14);
    expect(fibra.counts[0]).toEqual({ at: '2026-03-02T07:55:00.000Z', count: 0 });
    expect(fibra.counts[1]).toEqual({ at: '2026-03-02T08:00:00.000Z', count: 1 });
    expect(fibra.counts.at(-1)).toEqual({ at: outageStart.toISOString(), count: 31 });
    const madrid = incident.evidence.keys.find((k: { kind: string; key: string }) => k.kind === 'region' && k.key === 'ES-MD');
    // 22 of the 30 said where they were, and one everyday message.
    expect(madrid.current).toBe(23);
  });

  it('remembers a dismissed alarm: the same spike, found again by the minute task, proposes nothing', async () => {
    const [incident] = await proposed();
    const dismissed = await call(t.url, 'POST', `/api/v1/incidents/${incident.id}/dismiss`, {
      token: f.adminToken,
      body: { reason: 'a planned maintenance' },
    });
    expect(dismissed.status).toBe(200);
    for (let i = 0; i < 5; i++) await submit('Sigo sin fibra', 'ES-MD');
    await detector().detectAll();
    expect(await proposed()).toEqual([]);
    const all = (await call(t.url, 'GET', '/api/v1/incidents', { token: f.adminToken })).json.items;
    expect(all.map((i: { status: string }) => i.status)).toEqual(['dismissed']);
  });

  it('keeps writing the counts when another workspace’s can never be written (deleted meanwhile)', async () => {
    let held: Extract<Change, { kind: 'message' }> | undefined;
    t.node.ctx.commits.subscribe((changes) => {
      for (const c of changes) if (c.kind === 'message' && c.created) held ??= c;
    });
    await submit('Sin fibra otra vez', 'ES-MD');
    if (!held) throw new Error('no message change seen');
    // The same message as if its workspace had been deleted before this node wrote its counts.
    detector().onCommit([{ ...held, message: { ...held.message, workspaceId: randomUUID() } }]);
    await detector().flush();
    expect(await counted()).toBe(sent);
    await submit('Sigo sin fibra', 'ES-MD');
    await detector().flush();
    expect(await counted()).toBe(sent);
  });

  it('counts each stored customer message once, written by its own timer too, and prunes week-old buckets', async () => {
    await detector().flush();
    expect(await counted()).toBe(sent);
    detector().start();
    try {
      await submit('Sin fibra', 'ES-MD');
      await expect.poll(counted).toBe(sent);
    } finally {
      await detector().stop();
    }
    now = new Date(now.getTime() + 8 * 24 * 60 * MINUTE);
    expect(await detector().prune()).toBeGreaterThan(0);
    const left = await t.db.current.db.kysely
      .selectFrom('inbound_buckets')
      .select('key')
      .where('workspace_id', '=', f.workspaceId)
      .execute();
    expect(left).toEqual([]);
  });
});
