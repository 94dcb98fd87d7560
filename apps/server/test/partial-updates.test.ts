import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, useServer } from './harness.ts';

// A PATCH keeps what it does not name, at every level: objects merge key by key, arrays and
// scalars replace, null clears where allowed (docs/api.md, "Partial updates").

const t = useServer();
let f: Fixture;
let admin: (method: string, path: string, body?: unknown) => ReturnType<typeof call>;

beforeAll(async () => {
  f = await createFixture(t);
  admin = (method, path, body) => call(t.url, method, path, { token: f.adminToken, ...(body !== undefined ? { body } : {}) });
});

const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };
const weekend = { days: ['sat'], start: '10:00', end: '14:00' };

describe('PATCH /agents/:id changes only what it names', () => {
  it('keeps the per-channel capacities when only the total changes', async () => {
    const path = `/api/v1/agents/${f.users.agent.id}`;
    const first = await admin('PATCH', path, { capacity: { total: 4, channels: { email: 2, webform: 3 } } });
    expect(first.status).toBe(200);
    expect(first.json.agent.capacity).toEqual({ total: 4, channels: { email: 2, webform: 3 } });

    const total = await admin('PATCH', path, { capacity: { total: 6 } });
    expect(total.status).toBe(200);
    expect(total.json.agent.capacity).toEqual({ total: 6, channels: { email: 2, webform: 3 } });
    expect((await admin('GET', path)).json.agent.capacity).toEqual({ total: 6, channels: { email: 2, webform: 3 } });

    // One channel changes, one is dropped (null), the total stays.
    const channel = await admin('PATCH', path, { capacity: { channels: { email: 1, webform: null } } });
    expect(channel.json.agent.capacity).toEqual({ total: 6, channels: { email: 1 } });
    const cleared = await admin('PATCH', path, { capacity: { channels: null } });
    expect(cleared.json.agent.capacity).toEqual({ total: 6, channels: {} });
  });

  it('merges skills, replaces lists, and leaves the rest of the profile alone', async () => {
    const path = `/api/v1/agents/${f.users.supervisor.id}`;
    await admin('PATCH', path, {
      status: 'away',
      timezone: 'Europe/Madrid',
      skills: { billing: 3, fibre: 5 },
      languages: ['es', 'en'],
      regions: ['ES'],
      capacity: { total: 3, channels: { email: 1 } },
    });
    const skills = await admin('PATCH', path, { skills: { billing: null, tv: 2 } });
    expect(skills.status).toBe(200);
    expect(skills.json.agent).toMatchObject({
      status: 'away',
      timezone: 'Europe/Madrid',
      skills: { fibre: 5, tv: 2 },
      languages: ['es', 'en'],
      regions: ['ES'],
      capacity: { total: 3, channels: { email: 1 } },
    });
    const languages = await admin('PATCH', path, { languages: ['pt'] });
    expect(languages.json.agent.languages).toEqual(['pt']);
    expect(languages.json.agent.skills).toEqual({ fibre: 5, tv: 2 });
    expect((await admin('PATCH', path, { skills: null })).json.agent.skills).toEqual({});
  });

  it('merges a schedule: new holidays keep the shifts, new shifts keep the holidays, null clears it', async () => {
    const path = `/api/v1/agents/${f.users.admin.id}`;
    const set = await admin('PATCH', path, { schedule: { timezone: 'America/Bogota', shifts: [weekdays], holidays: ['2030-12-25'] } });
    expect(set.status).toBe(200);

    const holidays = await admin('PATCH', path, { schedule: { holidays: ['2030-12-25', '2031-01-01'] } });
    expect(holidays.status).toBe(200);
    expect(holidays.json.agent.schedule).toEqual({
      timezone: 'America/Bogota',
      shifts: [weekdays],
      holidays: ['2030-12-25', '2031-01-01'],
    });

    const shifts = await admin('PATCH', path, { schedule: { shifts: [weekdays, weekend], timezone: null } });
    expect(shifts.json.agent.schedule).toEqual({ shifts: [weekdays, weekend], holidays: ['2030-12-25', '2031-01-01'] });

    expect((await admin('PATCH', path, { schedule: null })).json.agent.schedule).toBeNull();
    // With nothing to merge into, a schedule needs its shifts; nothing is stored.
    const half = await admin('PATCH', path, { schedule: { holidays: ['2031-01-06'] } });
    expect(half.status).toBe(422);
    expect(half.json.error.details).toEqual([expect.objectContaining({ field: 'schedule.shifts' })]);
    expect((await admin('GET', path)).json.agent.schedule).toBeNull();
  });
});

describe('PATCH /teams/:id changes only what it names', () => {
  it('merges business hours and keeps the other settings', async () => {
    const created = await admin('POST', '/api/v1/teams', {
      name: 'Horario',
      timezone: 'Europe/Madrid',
      businessHours: { shifts: [weekdays], holidays: ['2030-12-25'] },
      reassignUnansweredMinutes: 30,
    });
    expect(created.status).toBe(201);
    const path = `/api/v1/teams/${created.json.team.id}`;

    const shifts = await admin('PATCH', path, { businessHours: { shifts: [weekdays, weekend] } });
    expect(shifts.status).toBe(200);
    expect(shifts.json.team).toMatchObject({
      timezone: 'Europe/Madrid',
      businessHours: { shifts: [weekdays, weekend], holidays: ['2030-12-25'] },
      reassignUnansweredMinutes: 30,
    });

    const cleared = await admin('PATCH', path, { reassignUnansweredMinutes: null });
    expect(cleared.json.team.reassignUnansweredMinutes).toBeNull();
    expect(cleared.json.team.businessHours).toEqual({ shifts: [weekdays, weekend], holidays: ['2030-12-25'] });
    expect((await admin('PATCH', path, { businessHours: null })).json.team.businessHours).toBeNull();
  });
});

describe('PATCH /channel-accounts/:id merges config', () => {
  it('keeps the settings it does not name and drops one set to null (the adapter default applies)', async () => {
    const created = await admin('POST', '/api/v1/channel-accounts', {
      kind: 'webform',
      name: 'Formulario',
      config: { title: 'Escríbenos', maxMessageLength: 500 },
    });
    expect(created.status).toBe(201);
    const id = created.json.channelAccount?.id ?? created.json.id;
    const settings = async () =>
      (await admin('GET', '/api/v1/channel-accounts')).json.items.find((a: { id: string }) => a.id === id).settings;

    expect((await admin('PATCH', `/api/v1/channel-accounts/${id}`, { config: { submissionsPerMinute: 3 } })).status).toBe(200);
    expect(await settings()).toMatchObject({ title: 'Escríbenos', maxMessageLength: 500, submissionsPerMinute: 3 });

    expect((await admin('PATCH', `/api/v1/channel-accounts/${id}`, { config: { title: null } })).status).toBe(200);
    const after = await settings();
    expect(after).toMatchObject({ maxMessageLength: 500, submissionsPerMinute: 3 });
    expect(after).not.toHaveProperty('title');
  });
});
