import { describe, expect, it } from 'vitest';
import { compactExplanation, decide } from './decide.ts';
import { agent, conversation } from './fixtures.ts';
import { type CompiledRuleSet, compileRuleSet, type RuleSetDocument } from './rules.ts';
import type { Schedule, Weekday } from './schedule.ts';

const TEAMS = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Iberia' },
  { id: '00000000-0000-4000-8000-000000000002', name: 'Global' },
];
const IBERIA = TEAMS[0]?.id ?? '';
const GLOBAL = TEAMS[1]?.id ?? '';

function ruleSet(doc: RuleSetDocument): CompiledRuleSet {
  const out = compileRuleSet(doc, TEAMS);
  if (!out.ok) throw new Error(JSON.stringify(out.issues));
  return out.ruleSet;
}

const workdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const weekdays: Schedule = { shifts: [{ days: workdays, start: '08:00', end: '16:00' }], holidays: [] };
const spanish = ruleSet({
  rules: [
    {
      id: 'spanish',
      when: 'conversation.language == "es"',
      target: { teams: ['Iberia'], languages: 'conversation' },
      priority: 10,
    },
  ],
});

describe('decide', () => {
  // Monday 2 March 2026, 08:00 UTC = 09:00 in Madrid (CET).
  const nineInMadrid = new Date('2026-03-02T08:00:00Z');
  const madrid = conversation({ language: 'es', country: 'ES', timezone: 'Europe/Madrid', waitingSince: nineInMadrid });

  it('gives a Spanish-speaking Madrid customer at 09:00 to the Spanish agent on shift', () => {
    const agents = [
      agent('ana', {
        teamIds: [IBERIA],
        languages: ['es'],
        timezone: 'Europe/Madrid',
        schedule: { shifts: [{ days: workdays, start: '09:00', end: '17:00' }], holidays: [] },
      }),
      agent('bob', { teamIds: [IBERIA], languages: ['en'], timezone: 'Europe/Madrid' }),
      // On shift 08:00-16:00 in Mexico City: 02:00 there.
      agent('carmen', { teamIds: [IBERIA], languages: ['es'], timezone: 'America/Mexico_City', schedule: weekdays }),
      agent('dario', { teamIds: [GLOBAL], languages: ['es'] }),
    ];
    const d = decide(madrid, agents, spanish, nineInMadrid);
    expect(d.agentId).toBe('ana');
    expect(d.teamId).toBe(IBERIA);
    expect(d.explanation.rule.id).toBe('spanish');
    expect(d.explanation.customer.localTime).toBe('2026-03-02 09:00');
    expect(Object.fromEntries(d.explanation.excluded.map((e) => [e.agentId, e.reason]))).toEqual({
      bob: 'missing_language',
      carmen: 'outside_shift',
      dario: 'not_in_team',
    });
    expect(d.priority).toBe(10);
  });

  it('waits rather than hand work to anyone outside their shift, away, offline or full', () => {
    const agents = [
      agent('early', {
        languages: ['es'],
        teamIds: [IBERIA],
        timezone: 'Europe/Madrid',
        schedule: { ...weekdays, shifts: [{ days: ['mon'], start: '10:00', end: '18:00' }] },
      }),
      agent('away', { languages: ['es'], teamIds: [IBERIA], status: 'away' }),
      agent('off', { languages: ['es'], teamIds: [IBERIA], status: 'offline' }),
      agent('full', {
        languages: ['es'],
        teamIds: [IBERIA],
        capacity: { total: 2, channels: {} },
        load: { total: 2, channels: { email: 2 } },
      }),
      agent('webfull', {
        languages: ['es'],
        teamIds: [IBERIA],
        capacity: { total: 12, channels: { webform: 3 } },
        load: { total: 3, channels: { webform: 3 } },
      }),
    ];
    const d = decide(madrid, agents, spanish, nineInMadrid);
    expect(d.agentId).toBeNull();
    expect(d.explanation.excludedCounts).toEqual({ outside_shift: 1, away: 1, offline: 1, total_capacity: 1, channel_capacity: 1 });
    expect(d.explanation.outcome).toMatchObject({ kind: 'wait', reason: expect.stringContaining('1 outside shift') });
    const compact = compactExplanation(d);
    expect(compact).toMatchObject({ outcome: 'wait', rule: 'spanish', agent: null, eligible: 0 });
  });

  it('lets an agent full on one channel still take another channel within the total', () => {
    const a = agent('a', { capacity: { total: 12, channels: { webform: 3, email: 10 } }, load: { total: 3, channels: { webform: 3 } } });
    const rs = ruleSet({ rules: [] });
    expect(decide(conversation({ channel: 'webform' }), [a], rs, new Date()).agentId).toBeNull();
    expect(decide(conversation({ channel: 'email' }), [a], rs, new Date()).agentId).toBe('a');
  });

  it('prefers the least occupied agent, then the one idle longest', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const rs = ruleSet({ rules: [] });
    const busy = agent('busy', { load: { total: 5, channels: {} } });
    const light = agent('light', { load: { total: 1, channels: {} }, lastAssignedAt: new Date('2026-03-02T09:59:00Z') });
    const lightIdle = agent('light-idle', { load: { total: 1, channels: {} }, lastAssignedAt: new Date('2026-03-02T09:00:00Z') });
    const d = decide(conversation(), [busy, light, lightIdle], rs, now);
    expect(d.agentId).toBe('light-idle');
    expect(d.explanation.ranking.map((c) => c.agentId)).toEqual(['light-idle', 'light', 'busy']);
    expect(d.explanation.outcome).toMatchObject({ tieBreak: 'idle longest (60 min, next 1 min)' });
  });

  it('widens the target as the wait grows, step by step', () => {
    const rs = ruleSet({
      rules: [
        {
          id: 'billing-es',
          when: 'conversation.text.containsAny(["factura", "cobro"])',
          target: { teams: ['Iberia'], skills: [{ name: 'billing', minLevel: 7 }], languages: ['es'] },
          priority: 20,
          escalation: [
            { afterMinutes: 5, dropSkills: ['billing'] },
            { afterMinutes: 15, addTeams: ['Global'], raisePriority: 30 },
          ],
        },
      ],
    });
    const since = new Date('2026-03-02T09:00:00Z');
    const c = conversation({ text: 'Mi FACTURA está mal', waitingSince: since });
    const junior = agent('junior', { teamIds: [IBERIA], languages: ['es'], skills: { billing: 3 } });
    const global = agent('global', { teamIds: [GLOBAL], languages: ['es'] });
    const at = (min: number) => new Date(since.getTime() + min * 60_000);

    const first = decide(c, [junior], rs, at(1));
    expect(first.agentId).toBeNull();
    expect(first.explanation.excluded[0]).toMatchObject({ reason: 'missing_skill', detail: 'billing 3 < 7' });
    expect(first.nextEscalationAt).toEqual(at(5));

    const later = decide(c, [junior], rs, at(5));
    expect(later.agentId).toBe('junior');
    expect(later.escalationLevel).toBe(1);

    expect(decide(c, [global], rs, at(14)).agentId).toBeNull();
    const widest = decide(c, [global], rs, at(15));
    expect(widest.agentId).toBe('global');
    expect(widest.priority).toBe(50);
    expect(widest.explanation.escalation.applied).toEqual([
      'after 5 min: drop skills billing',
      'after 15 min: add teams Global; priority +30',
    ]);
    expect(widest.nextEscalationAt).toBeNull();
  });

  it('ages waiting conversations so low priority does not starve', () => {
    const rs = ruleSet({ rules: [], agingMinutes: 10 });
    const since = new Date('2026-03-02T09:00:00Z');
    const d = decide(conversation({ waitingSince: since }), [], rs, new Date(since.getTime() + 35 * 60_000));
    expect(d.explanation.priority).toEqual({ base: 0, requested: 0, raisedBy: 0, aging: 3, effective: 3 });
    const marked = decide(conversation({ waitingSince: since, priority: 40 }), [], rs, since);
    expect(marked.explanation.priority).toEqual({ base: 0, requested: 40, raisedBy: 0, aging: 0, effective: 40 });
  });

  it('sends what a saved search found to the outreach team, and customers who wrote elsewhere', () => {
    const rs = ruleSet({
      rules: [
        { id: 'outreach', when: 'conversation.proactive', target: { teams: ['Global'] }, priority: 3 },
        { id: 'spanish', when: 'conversation.language == "es"', target: { teams: ['Iberia'] } },
      ],
    });
    const now = new Date('2026-03-02T10:00:00Z');
    const found = decide(conversation({ proactive: true, language: 'es' }), [], rs, now);
    expect([found.ruleId, found.teamId, found.priority]).toEqual(['outreach', GLOBAL, 3]);
    const wrote = decide(conversation({ language: 'es' }), [], rs, now);
    expect([wrote.ruleId, wrote.teamId]).toEqual(['spanish', IBERIA]);
    // A misspelt field is refused when the rules are checked, not at routing time.
    expect(compileRuleSet({ rules: [{ id: 'x', when: 'conversation.proactiv', target: {} }] }, TEAMS).ok).toBe(false);
  });

  it('computes priority from contact signals and matches tags, incidents and local time', () => {
    const rs = ruleSet({
      rules: [
        { id: 'outage', when: 'conversation.incident', target: { teams: ['Global'] }, priority: 5 },
        {
          id: 'influencer',
          when: 'contact.followers >= 100000 || "vip" in conversation.tags',
          target: {},
          priority: '50 + (contact.verified ? 20 : 0)',
        },
        { id: 'night', when: '!local.time.between("08:00", "20:00")', target: { teams: ['Global'] } },
      ],
    });
    const now = new Date('2026-03-02T23:30:00Z');
    expect(decide(conversation({ incidentId: 'i1', followers: 200_000 }), [], rs, now).ruleId).toBe('outage');
    const famous = decide(conversation({ followers: 200_000, verified: true }), [], rs, now);
    expect([famous.ruleId, famous.priority]).toEqual(['influencer', 70]);
    expect(decide(conversation({ tags: ['vip'] }), [], rs, now).priority).toBe(50);
    expect(decide(conversation({ timezone: 'UTC' }), [], rs, now).ruleId).toBe('night');
    expect(decide(conversation({ timezone: 'Asia/Tokyo' }), [], rs, now).ruleId).toBe('fallback');
  });

  it('passes over agents who declined and those the filter rejects, saying so', () => {
    const rs = ruleSet({ rules: [{ id: 'seniors', target: { filter: 'agent.skills["seniority"] >= 3' } }] });
    const d = decide(
      conversation({ declinedBy: ['a'] }),
      [agent('a', { skills: { seniority: 5 } }), agent('b', { skills: { seniority: 1 } }), agent('c', { skills: { seniority: 4 } })],
      rs,
      new Date(),
    );
    expect(d.agentId).toBe('c');
    expect(d.explanation.excludedCounts).toEqual({ declined: 1, filter: 1 });
    // Someone who passed on it still gets it when nobody else can: it never stalls.
    const onlyA = decide(conversation({ declinedBy: ['a'] }), [agent('a', { skills: { seniority: 5 } })], rs, new Date());
    expect(onlyA.agentId).toBe('a');
  });

  it('skips a rule whose condition fails at run time instead of failing the decision', () => {
    const rs = ruleSet({ rules: [{ id: 'bad-regex', when: 'conversation.text.matches("[")', target: {} }] });
    const d = decide(conversation({ text: 'x' }), [agent('a')], rs, new Date());
    expect(d.ruleId).toBe('fallback');
    expect(d.explanation.skipped[0]?.id).toBe('bad-regex');
    expect(d.explanation.skipped[0]?.error).toBeTruthy();
  });

  it('names agents and teams beside their ids, in the full explanation and in what is stored', () => {
    const now = new Date('2026-03-02T08:00:00Z');
    const teams = new Map(TEAMS.map((t) => [t.id, t]));
    const agents = [
      agent('ana', { name: 'Ana Ruiz', teamIds: [IBERIA], languages: ['es'] }),
      agent('bea', { name: 'Bea Soto', teamIds: [IBERIA], languages: ['es'], load: { total: 4, channels: {} } }),
      agent('bob', { name: 'Bob Lee', teamIds: [IBERIA], languages: ['en'] }),
    ];
    const es = conversation({ language: 'es', waitingSince: now });
    const d = decide(es, agents, spanish, now, { teams });
    expect(d.explanation.outcome).toMatchObject({ kind: 'assign', agentId: 'ana', agentName: 'Ana Ruiz' });
    expect(d.explanation.ranking.map((c) => [c.agentId, c.agentName])).toEqual([
      ['ana', 'Ana Ruiz'],
      ['bea', 'Bea Soto'],
    ]);
    expect(d.explanation.excluded).toEqual([{ agentId: 'bob', agentName: 'Bob Lee', reason: 'missing_language', detail: 'es' }]);
    expect(d.explanation.target.teams).toEqual([{ teamId: IBERIA, teamName: 'Iberia' }]);
    expect(d.explanation.team).toEqual({ teamId: IBERIA, teamName: 'Iberia' });

    const summary = decide(es, agents, spanish, now, { explain: 'summary', teams });
    expect(compactExplanation(summary)).toMatchObject({
      agent: 'ana',
      agentName: 'Ana Ruiz',
      team: IBERIA,
      teamName: 'Iberia',
      top: [expect.objectContaining({ agentId: 'ana', agentName: 'Ana Ruiz' }), expect.objectContaining({ agentName: 'Bea Soto' })],
    });
    // Without names in the snapshot the ids stay and the names are null; the choice is the same.
    const unnamed = decide(
      es,
      agents.map(({ name: _name, ...a }) => a),
      spanish,
      now,
    );
    expect(unnamed.agentId).toBe('ana');
    expect(compactExplanation(unnamed)).toMatchObject({ agent: 'ana', agentName: null, team: IBERIA, teamName: null });
  });
});
