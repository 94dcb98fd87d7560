import type { Conversation } from '@centralita/core';
import { createUser } from '@centralita/db';
import { useTestDatabase } from '@centralita/testing';
import { describe, expect, it } from 'vitest';
import { answerOffer, assignManually, createSlaPolicy, Dispatcher, setAgentStatus, sweep, updateAgentProfile } from '../src/index.ts';
import { conversationRow, eventsOf, workspace } from './fixture.ts';

const database = useTestDatabase();
const db = () => database.current.db.kysely;
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[];

function dispatcherFor(ws: { now: () => Date }) {
  const changes: Conversation[] = [];
  const d = new Dispatcher({ db: db(), clock: ws.now, onChange: (c) => changes.push(c) });
  return { d, changes, sweep: () => sweep(d, (ws as unknown as { id: string }).id, (c) => changes.push(c)) };
}

describe('dispatcher', () => {
  it('routes a Spanish-speaking customer in Madrid at 09:00 to a Spanish agent in an active shift', async () => {
    const ws = await workspace(db(), 'madrid');
    // Monday 2 March 2026, 09:00 in Madrid.
    ws.setNow(new Date('2026-03-02T08:00:00Z'));
    const iberia = await ws.team('Iberia', { timezone: 'Europe/Madrid' });
    const english = await ws.agent('Edith', { languages: ['en'], teamIds: [iberia], timezone: 'Europe/Madrid' });
    const late = await ws.agent('Lola', {
      languages: ['es'],
      teamIds: [iberia],
      timezone: 'Europe/Madrid',
      schedule: { shifts: [{ days: weekdays, start: '14:00', end: '22:00' }], holidays: [] },
    });
    const ana = await ws.agent('Ana', {
      languages: ['es'],
      teamIds: [iberia],
      timezone: 'Europe/Madrid',
      schedule: { shifts: [{ days: weekdays, start: '09:00', end: '17:00' }], holidays: [] },
    });
    await ws.rules({
      rules: [{ id: 'spanish', when: 'conversation.language == "es"', target: { teams: ['Iberia'], languages: 'conversation' } }],
    });
    // No locale from the channel: the language is detected from the text, the timezone from the country.
    const id = await ws.customer('Hola, no tengo internet desde ayer por la tarde', { sender: { country: 'ES' } });

    const { d } = dispatcherFor(ws);
    expect(await d.dispatch(ws.id)).toEqual({ assigned: 1, offered: 0, waiting: 0 });
    const row = await conversationRow(db(), id);
    expect(row.assignee_id).toBe(ana);
    expect(row.language).toBe('es');
    expect(row.team_id).toBe(iberia);
    const assigned = (await eventsOf(db(), id)).find((e) => e.type === 'conversation.assigned');
    expect(assigned?.data).toMatchObject({
      agentId: ana,
      by: 'routing',
      routing: { rule: 'spanish', outcome: 'assign', excluded: { missing_language: 1, outside_shift: 1 } },
    });
    expect([english, late]).not.toContain(row.assignee_id);
  });

  it('keeps capacity per channel and in total, and routes the waiting when capacity frees', async () => {
    const ws = await workspace(db(), 'capacity');
    const a = await ws.agent('Alba', { capacity: { total: 3, channels: { webform: 2 } } });
    const { d } = dispatcherFor(ws);
    // One a minute, so the queue order (longest wait first) is known.
    const arrive = async (text: string, channel: 'webform' | 'email') => {
      ws.advance(1);
      return ws.customer(text, { channel });
    };
    const forms = [await arrive('one', 'webform'), await arrive('two', 'webform'), await arrive('three', 'webform')];
    const mails = [await arrive('four', 'email'), await arrive('five', 'email')];
    expect(await d.dispatch(ws.id)).toEqual({ assigned: 3, offered: 0, waiting: 2 });
    const rows = await Promise.all([...forms, ...mails].map((id) => conversationRow(db(), id)));
    expect(rows.filter((r) => r.assignee_id === a && r.channel_kind === 'webform')).toHaveLength(2);
    expect(rows.filter((r) => r.assignee_id === a)).toHaveLength(3);
    const loads = await db()
      .selectFrom('agent_profiles')
      .select(['load_total', 'load_channels'])
      .where('user_id', '=', a)
      .executeTakeFirst();
    expect(loads).toEqual({ load_total: 3, load_channels: { email: 1, webform: 2 } });
    // The third form waits for a web-form place, the second email for any place at all.
    const reasons = rows.filter((r) => r.assignee_id === null).map((r) => [r.channel_kind, r.routing_explanation]);
    expect(reasons).toMatchObject([
      ['webform', { outcome: 'wait', excluded: { channel_capacity: 1 } }],
      ['email', { outcome: 'wait', excluded: { total_capacity: 1 } }],
    ]);

    // Resolving one frees a place: the next run fills it, and the load count follows.
    const held = rows.find((r) => r.assignee_id === a && r.channel_kind === 'email');
    await db()
      .updateTable('conversations')
      .set({ status: 'resolved', resolved_at: new Date() })
      .where('id', '=', held?.id ?? '')
      .execute();
    expect(await d.dispatch(ws.id)).toMatchObject({ assigned: 1, waiting: 1 });
  });

  it('escalates by the clock: after the configured wait the target widens', async () => {
    const ws = await workspace(db(), 'escalate');
    const experts = await ws.team('Experts');
    const everyone = await ws.team('Everyone');
    const junior = await ws.agent('Juan', { teamIds: [everyone], skills: { billing: 2 } });
    await ws.rules({
      rules: [
        {
          id: 'billing',
          when: 'conversation.text.containsAny(["invoice", "factura"])',
          target: { teams: ['Experts'], skills: [{ name: 'billing', minLevel: 5 }] },
          escalation: [
            { afterMinutes: 5, dropSkills: true },
            { afterMinutes: 10, addTeams: ['Everyone'], raisePriority: 10 },
          ],
        },
      ],
    });
    expect(experts).toBeTruthy();
    const id = await ws.customer('My invoice is wrong twice');
    const { d, sweep: runSweep } = dispatcherFor(ws);
    await d.dispatch(ws.id);
    expect((await conversationRow(db(), id)).assignee_id).toBeNull();
    const timer = await db()
      .selectFrom('graphile_worker.jobs' as never)
      .select(['key', 'run_at'] as never[])
      .where('key' as never, '=', `escalate:${id}` as never)
      .executeTakeFirst();
    expect(new Date((timer as unknown as { run_at: Date }).run_at).getTime()).toBe(ws.now().getTime() + 5 * 60_000);

    ws.advance(6);
    await runSweep();
    expect((await conversationRow(db(), id)).escalation_level).toBe(1);
    expect((await conversationRow(db(), id)).assignee_id).toBeNull();
    ws.advance(5);
    await runSweep();
    const row = await conversationRow(db(), id);
    expect(row.assignee_id).toBe(junior);
    expect(row.priority).toBe(10);
    const queued = (await eventsOf(db(), id)).filter((e) => e.type === 'conversation.queued');
    expect(queued.map((e) => (e.data.routing as { escalationLevel: number }).escalationLevel)).toEqual([0, 1]);
  });

  it('re-routes the conversations of an agent who goes offline, and of one whose shift ended', async () => {
    const ws = await workspace(db(), 'offline');
    ws.setNow(new Date('2026-03-02T10:00:00Z'));
    const first = await ws.agent('First', { capacity: { total: 5, channels: {} } });
    const { d, sweep: runSweep, changes } = dispatcherFor(ws);
    const ids = [await ws.customer('a'), await ws.customer('b')];
    await d.dispatch(ws.id);
    expect((await conversationRow(db(), ids[0] ?? '')).assignee_id).toBe(first);
    const second = await ws.agent('Second', {
      schedule: { shifts: [{ days: weekdays, start: '08:00', end: '11:00' }], holidays: [], timezone: 'UTC' },
    });

    await setAgentStatus(db(), ws.id, first, 'offline', ws.now());
    await runSweep();
    for (const id of ids) {
      expect((await conversationRow(db(), id)).assignee_id).toBe(second);
      const types = (await eventsOf(db(), id)).map((e) => e.type);
      expect(types.slice(-2)).toEqual(['conversation.unassigned', 'conversation.assigned']);
    }
    expect(changes.filter((c) => c.assigneeId === second)).toHaveLength(2);

    // 11:00: Second's shift is over; First is back online and takes them.
    await setAgentStatus(db(), ws.id, first, 'online', ws.now());
    ws.setNow(new Date('2026-03-02T11:00:00Z'));
    await runSweep();
    for (const id of ids) {
      const row = await conversationRow(db(), id);
      expect(row.assignee_id).toBe(first);
    }
    const unassigned = (await eventsOf(db(), ids[0] ?? '')).filter((e) => e.type === 'conversation.unassigned').map((e) => e.data.reason);
    expect(unassigned).toEqual(['offline', 'shift_ended']);
  });

  it('offers to one agent at a time: a rejection or a timeout moves to the next', async () => {
    const ws = await workspace(db(), 'offers');
    const team = await ws.team('Offers', { assignment: 'offer', offerTimeoutSeconds: 30 });
    const a = await ws.agent('Aitor', { teamIds: [team] });
    const b = await ws.agent('Berta', { teamIds: [team] });
    await ws.rules({ rules: [{ id: 'all', target: { teams: ['Offers'] } }] });
    const id = await ws.customer('hello there');
    const { d, sweep: runSweep } = dispatcherFor(ws);
    expect(await d.dispatch(ws.id)).toMatchObject({ offered: 1 });
    const offeredTo = (await conversationRow(db(), id)).offered_to;
    const other = offeredTo === a ? b : a;
    await expect(answerOffer(db(), ws.id, id, other, true, ws.now())).rejects.toThrow(/not on offer to you/);

    await answerOffer(db(), ws.id, id, offeredTo ?? '', false, ws.now());
    await d.dispatch(ws.id);
    expect((await conversationRow(db(), id)).offered_to).toBe(other);

    ws.advance(1);
    await runSweep();
    const row = await conversationRow(db(), id);
    // Both passed on it in this wait and nobody else can take it: it goes round again rather than
    // stall in the queue (with a third agent, that one would get it first).
    expect([a, b]).toContain(row.offered_to);
    expect([row.assignee_id, row.declined_by.length]).toEqual([null, 2]);
    const declines = (await eventsOf(db(), id)).filter((e) => e.type === 'conversation.offer_declined').map((e) => e.data.reason);
    expect(declines).toEqual(['rejected', 'timeout']);
    expect(row.waiting_since).not.toBeNull();
    const third = await ws.agent('Carla', { teamIds: [team] });
    await answerOffer(db(), ws.id, id, row.offered_to ?? '', false, ws.now());
    await d.dispatch(ws.id);
    expect((await conversationRow(db(), id)).offered_to).toBe(third);
  });

  it('accepting an offer assigns it; a manual transfer to a team keeps it in that team', async () => {
    const ws = await workspace(db(), 'transfer');
    const sales = await ws.team('Sales', { assignment: 'offer' });
    const care = await ws.team('Care');
    const s = await ws.agent('Sara', { teamIds: [sales] });
    const c = await ws.agent('Carl', { teamIds: [care] });
    await ws.rules({ rules: [{ id: 'sales', target: { teams: ['Sales'] } }] });
    const id = await ws.customer('price please');
    const { d } = dispatcherFor(ws);
    await d.dispatch(ws.id);
    const accepted = await answerOffer(db(), ws.id, id, s, true, ws.now());
    expect([accepted.assigneeId, accepted.routing.offeredTo]).toEqual([s, null]);

    await assignManually(db(), ws.id, id, { agentId: null, teamId: care }, { type: 'user', id: s }, ws.now());
    await d.dispatch(ws.id);
    const row = await conversationRow(db(), id);
    expect([row.assignee_id, row.team_id, row.team_pinned]).toEqual([c, care, true]);
    expect((await eventsOf(db(), id)).map((e) => e.type)).toContain('conversation.transferred');
  });

  it('sets SLA deadlines in business hours and records a breach once', async () => {
    const ws = await workspace(db(), 'sla');
    // Friday 6 March 2026 17:30 in Madrid.
    ws.setNow(new Date('2026-03-06T16:30:00Z'));
    const team = await ws.team('Office', {
      timezone: 'Europe/Madrid',
      businessHours: { shifts: [{ days: weekdays, start: '09:00', end: '18:00' }], holidays: [] },
    });
    await createSlaPolicy(db(), ws.id, {
      name: 'Standard',
      teamId: team,
      minPriority: 0,
      firstResponseMinutes: 60,
      nextResponseMinutes: 120,
      businessHours: true,
    });
    await ws.rules({ rules: [{ id: 'office', target: { teams: ['Office'] } }] });
    const id = await ws.customer('anyone there?');
    const { d, sweep: runSweep } = dispatcherFor(ws);
    await d.dispatch(ws.id);
    const row = await conversationRow(db(), id);
    // 30 minutes on Friday, 30 on Monday from 09:00 Madrid.
    expect(row.first_response_due_at?.toISOString()).toBe('2026-03-09T08:30:00.000Z');

    ws.setNow(new Date('2026-03-09T08:31:00Z'));
    await runSweep();
    await runSweep();
    const breaches = (await eventsOf(db(), id)).filter((e) => e.type === 'conversation.sla_breached');
    expect(breaches.map((e) => e.data)).toEqual([{ kind: 'first_response', dueAt: '2026-03-09T08:30:00.000Z' }]);
  });

  it("takes a conversation back from an assignee who does not answer in the team's time", async () => {
    const ws = await workspace(db(), 'noanswer');
    const team = await ws.team('Quick', { reassignUnansweredMinutes: 15 });
    const a = await ws.agent('Slow', { teamIds: [team] });
    await ws.rules({ rules: [{ id: 'quick', target: { teams: ['Quick'] } }] });
    const id = await ws.customer('hurry please');
    const { d, sweep: runSweep } = dispatcherFor(ws);
    await d.dispatch(ws.id);
    expect((await conversationRow(db(), id)).assignee_id).toBe(a);
    const b = await ws.agent('Fast', { teamIds: [team] });
    ws.advance(14);
    await runSweep();
    expect((await conversationRow(db(), id)).assignee_id).toBe(a);
    ws.advance(2);
    await runSweep();
    expect((await conversationRow(db(), id)).assignee_id).toBe(b);
    const unassigned = (await eventsOf(db(), id)).find((e) => e.type === 'conversation.unassigned');
    expect(unassigned?.data).toMatchObject({ agentId: a, reason: 'no_answer' });
  });
});

describe('a run that changes nothing', () => {
  it('tells nobody about conversations still waiting for the same reason', async () => {
    const ws = await workspace(db(), 'quiet');
    await ws.agent('Busy', { capacity: { total: 1, channels: {} } });
    const { d, changes } = dispatcherFor(ws);
    await ws.customer('first');
    ws.advance(1);
    const waiting = await ws.customer('second');
    await d.dispatch(ws.id);
    expect(changes.map((c) => c.id)).toContain(waiting);
    const before = (await eventsOf(db(), waiting)).length;
    changes.length = 0;

    expect(await d.dispatch(ws.id)).toEqual({ assigned: 0, offered: 0, waiting: 1 });
    expect(changes).toEqual([]);
    expect((await eventsOf(db(), waiting)).length).toBe(before);
  });
});

describe('manual moves at the same instant', () => {
  it('two transfers in opposite directions both succeed and the loads stay exact', async () => {
    const ws = await workspace(db(), 'swap');
    const a = await ws.agent('Ana', {});
    const b = await ws.agent('Bea', {});
    const one = await ws.customer('one');
    const two = await ws.customer('two');
    const admin = { type: 'system', id: null } as const;
    await assignManually(db(), ws.id, one, { agentId: a }, admin, ws.now());
    await assignManually(db(), ws.id, two, { agentId: b }, admin, ws.now());
    for (let i = 0; i < 15; i++) {
      const [x, y] = i % 2 === 0 ? [b, a] : [a, b];
      await Promise.all([
        assignManually(db(), ws.id, one, { agentId: x }, admin, ws.now()),
        assignManually(db(), ws.id, two, { agentId: y }, admin, ws.now()),
      ]);
    }
    const loads = await db().selectFrom('agent_profiles').select(['user_id', 'load_total']).where('workspace_id', '=', ws.id).execute();
    expect(loads.map((l) => l.load_total)).toEqual([1, 1]);
  });

  it('a profile created while a conversation is assigned to that user counts it', async () => {
    const ws = await workspace(db(), 'newprofile');
    const user = await createUser(db(), {
      workspaceId: ws.id,
      email: 'late@newprofile.test',
      name: 'Late',
      role: 'supervisor',
      passwordHash: null,
    });
    const ids = [await ws.customer('x'), await ws.customer('y'), await ws.customer('z')];
    await Promise.all([
      ...ids.map((id) => assignManually(db(), ws.id, id, { agentId: user.id }, { type: 'system', id: null }, ws.now())),
      updateAgentProfile(db(), ws.id, user.id, { status: 'online' }, ws.now()),
    ]);
    const row = await db().selectFrom('agent_profiles').select('load_total').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.load_total).toBe(3);
  });
});

describe('routing one conversation', () => {
  it('places the conversation a customer just wrote on, without a pass over the queue', async () => {
    const ws = await workspace(db(), 'single');
    const { d, changes } = dispatcherFor(ws);
    const older = await ws.customer('waiting since before anyone came');
    ws.advance(1);
    const fresh = await ws.customer('just wrote');
    const agentId = await ws.agent('Nora', {});
    expect(await d.routeConversation(ws.id, fresh)).toBe('assigned');
    expect((await conversationRow(db(), fresh)).assignee_id).toBe(agentId);
    expect((await conversationRow(db(), older)).routing_rule).toBeNull();
    expect(changes.map((c) => c.id)).toEqual([fresh]);
    // Not waiting any more: nothing to do.
    expect(await d.routeConversation(ws.id, fresh)).toBeNull();
  });
});

describe('the snapshot kept for single decisions', () => {
  it('is refreshed when told agents changed, and a wait it decides leaves the conversation to the next pass', async () => {
    const ws = await workspace(db(), 'cache');
    const { d } = dispatcherFor(ws);
    const first = await ws.customer('nobody is here yet');
    expect(await d.routeConversation(ws.id, first)).toBe('waiting');
    expect((await conversationRow(db(), first)).routed_at).toBeNull();

    const agentId = await ws.agent('Olga', {});
    const second = await ws.customer('someone now?');
    d.invalidate(ws.id);
    expect(await d.routeConversation(ws.id, second)).toBe('assigned');
    expect(await d.dispatch(ws.id)).toMatchObject({ assigned: 1 });
    expect((await conversationRow(db(), first)).assignee_id).toBe(agentId);
  });
});
