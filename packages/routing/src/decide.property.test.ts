import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { agent, conversation } from './fixtures.ts';
import { compileRuleSet } from './rules.ts';
import type { RoutingAgent } from './types.ts';

const TEAMS = [
  { id: 't1', name: 'One' },
  { id: 't2', name: 'Two' },
];
const compiled = compileRuleSet(
  {
    rules: [
      {
        id: 'es',
        when: 'conversation.language == "es"',
        target: { teams: ['One'], languages: 'conversation' },
        escalation: [{ afterMinutes: 10, addTeams: ['Two'] }],
      },
      { id: 'billing', when: 'conversation.text.containsAny(["bill"])', target: { skills: [{ name: 'billing', minLevel: 5 }] } },
      { id: 'big', when: 'contact.followers > 1000', target: { regions: 'conversation' }, priority: 40 },
    ],
  },
  TEAMS,
);
if (!compiled.ok) throw new Error('fixture rule set is invalid');
const ruleSet = compiled.ruleSet;
const CHANNELS = ['webform', 'email', 'twitter'];

const agentArb = fc.record({
  status: fc.constantFrom('online', 'online', 'away', 'offline'),
  teamIds: fc.subarray(['t1', 't2']),
  billing: fc.integer({ min: 0, max: 10 }),
  languages: fc.subarray(['es', 'en', 'pt'], { minLength: 1 }),
  regions: fc.subarray(['ES', 'MX', 'LATAM']),
  total: fc.integer({ min: 0, max: 12 }),
  channelCaps: fc.dictionary(fc.constantFrom(...CHANNELS), fc.integer({ min: 0, max: 8 })),
  loads: fc.dictionary(fc.constantFrom(...CHANNELS), fc.integer({ min: 0, max: 9 })),
  idle: fc.option(fc.integer({ min: 0, max: 100_000 })),
  shift: fc.option(fc.record({ start: fc.integer({ min: 0, max: 23 }), hours: fc.integer({ min: 1, max: 12 }) })),
});

const agentsArb = fc.array(agentArb, { maxLength: 30 }).map((list) =>
  list.map((r, i): RoutingAgent => {
    const total = Object.values(r.loads).reduce((a, b) => a + b, 0);
    return agent(`a${String(i).padStart(2, '0')}`, {
      status: r.status as RoutingAgent['status'],
      teamIds: r.teamIds,
      skills: r.billing > 0 ? { billing: r.billing } : {},
      languages: r.languages,
      regions: r.regions,
      capacity: { total: r.total, channels: r.channelCaps },
      load: { total, channels: r.loads },
      lastAssignedAt: r.idle === null ? null : new Date(Date.UTC(2026, 2, 2, 12) - r.idle * 1000),
      schedule: r.shift
        ? {
            shifts: [
              {
                days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
                start: hh(r.shift.start),
                end: hh((r.shift.start + r.shift.hours) % 24),
              },
            ],
            holidays: [],
          }
        : null,
    });
  }),
);

function hh(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

const conversationArb = fc
  .record({
    channel: fc.constantFrom(...CHANNELS),
    language: fc.constantFrom(null, 'es', 'en'),
    country: fc.constantFrom(null, 'ES', 'MX'),
    text: fc.constantFrom('hello', 'my bill is wrong', 'hola'),
    followers: fc.integer({ min: 0, max: 5000 }),
    waited: fc.integer({ min: 0, max: 30 }),
    declined: fc.subarray(['a00', 'a01', 'a02']),
  })
  .map((r) =>
    conversation({
      channel: r.channel,
      language: r.language,
      country: r.country,
      text: r.text,
      followers: r.followers,
      waitingSince: new Date(Date.UTC(2026, 2, 2, 12) - r.waited * 60_000),
      declinedBy: r.declined,
    }),
  );

const NOW = new Date(Date.UTC(2026, 2, 2, 12));

describe('decide (properties)', () => {
  it('is deterministic: same input, same decision, whatever the agents order', () => {
    fc.assert(
      fc.property(conversationArb, agentsArb, (c, agents) => {
        const a = decide(c, agents, ruleSet, NOW);
        const b = decide(c, [...agents].reverse(), ruleSet, NOW);
        expect(b.agentId).toBe(a.agentId);
        expect(b.explanation.ranking).toEqual(a.explanation.ranking);
        expect(decide(c, agents, ruleSet, NOW)).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('never chooses an agent who would go over a channel or total capacity', () => {
    fc.assert(
      fc.property(conversationArb, agentsArb, (c, agents) => {
        const d = decide(c, agents, ruleSet, NOW);
        const chosen = agents.find((a) => a.id === d.agentId);
        if (!chosen) return;
        expect(chosen.load.total + 1).toBeLessThanOrEqual(chosen.capacity.total);
        const cap = chosen.capacity.channels[c.channel];
        if (cap !== undefined) expect((chosen.load.channels[c.channel] ?? 0) + 1).toBeLessThanOrEqual(cap);
        expect(chosen.status).toBe('online');
      }),
      { numRuns: 300 },
    );
  });

  it('never skips an eligible agent: it waits only when every agent has a reason, and picks from the eligible', () => {
    fc.assert(
      fc.property(conversationArb, agentsArb, (c, agents) => {
        const d = decide(c, agents, ruleSet, NOW);
        const excluded = new Set(d.explanation.excluded.map((e) => e.agentId));
        expect(excluded.size + d.explanation.agents.eligible).toBe(agents.length);
        if (d.agentId === null) expect(excluded.size).toBe(agents.length);
        else expect(excluded.has(d.agentId)).toBe(false);
        // Every stated reason is true of that agent (an independent check of the simple ones).
        for (const e of d.explanation.excluded) {
          const a = agents.find((x) => x.id === e.agentId);
          if (!a) throw new Error('unknown agent in explanation');
          if (e.reason === 'offline' || e.reason === 'away') expect(a.status).toBe(e.reason);
          if (e.reason === 'declined') expect(c.declinedBy).toContain(a.id);
          if (e.reason === 'total_capacity') expect(a.load.total).toBeGreaterThanOrEqual(a.capacity.total);
          if (e.reason === 'channel_capacity')
            expect(a.load.channels[c.channel] ?? 0).toBeGreaterThanOrEqual(a.capacity.channels[c.channel] ?? 0);
        }
        // Removing every excluded agent changes nothing: they never influenced the choice.
        const onlyEligible = agents.filter((a) => !excluded.has(a.id));
        expect(decide(c, onlyEligible, ruleSet, NOW).agentId).toBe(d.agentId);
      }),
      { numRuns: 300 },
    );
  });
});
