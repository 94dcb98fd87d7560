import { describe, expect, it } from 'vitest';
import { compactExplanation, decide } from './decide.ts';
import { agent, conversation } from './fixtures.ts';
import { type CompiledRuleSet, compileRuleSet, type RuleSetDocument } from './rules.ts';

const TEAMS = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Outage' },
  { id: '00000000-0000-4000-8000-000000000002', name: 'Madrid' },
];

function ruleSet(doc: RuleSetDocument): CompiledRuleSet {
  const out = compileRuleSet(doc, TEAMS);
  if (!out.ok) throw new Error(JSON.stringify(out.issues));
  return out.ruleSet;
}

const NOW = new Date('2026-03-02T09:00:00Z');
const fibreCut = { id: 'inc-7', services: ['fibra'], regions: ['ES-MD'], title: 'Corte de fibra en Madrid' };
const inFibreCut = conversation({ incidentId: fibreCut.id, incident: fibreCut });
const inTvOutage = conversation({ incidentId: 'inc-8', incident: { id: 'inc-8', services: ['TV'], regions: ['ES'], title: 'Sin TV' } });
const agents = [agent('ana', { teamIds: [TEAMS[0]?.id as string] }), agent('luis', { teamIds: [TEAMS[1]?.id as string] })];

describe('rules on the conversation’s incident', () => {
  const rules = ruleSet({
    rules: [
      { id: 'fibre', when: '"fibra" in incident.services', target: { teams: ['Outage'] }, priority: 20 },
      { id: 'madrid', when: 'incident.regions.exists(r, r.startsWith("ES-MD"))', target: { teams: ['Madrid'] } },
      { id: 'titled', when: 'incident.title.contains("TV")', target: { teams: ['Madrid'] }, priority: 5 },
      { id: 'any-incident', when: 'incident.id != ""', target: {} },
    ],
  });

  it('routes by the incident’s services, regions and title, and sends the rest on', () => {
    const fibre = decide(inFibreCut, agents, rules, NOW);
    expect(fibre.ruleId).toBe('fibre');
    expect(fibre.agentId).toBe('ana');
    expect(fibre.priority).toBe(20);
    expect(decide(inTvOutage, agents, rules, NOW).ruleId).toBe('titled');
    // No incident: id '' and empty lists, so none of the incident rules match.
    expect(decide(conversation(), agents, rules, NOW).ruleId).toBe('fallback');
  });

  it('sees the id of an incident whose details routing does not have, as conversation.incident does', () => {
    const bare = conversation({ incidentId: 'inc-9', incident: null });
    expect(decide(bare, agents, rules, NOW).ruleId).toBe('any-incident');
  });

  it('refuses a misspelt incident field, naming the rule', () => {
    const out = compileRuleSet({ rules: [{ id: 'typo', when: '"fibra" in incident.service', target: {} }] }, TEAMS);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.issues.map((i) => `${i.rule} ${i.field}: ${i.message}`)).toEqual(['typo when: No such key: service']);
  });
});

describe('the acknowledgeIncident action', () => {
  const rules = ruleSet({
    rules: [
      { id: 'ack-fibre', when: '"fibra" in incident.services', target: { teams: ['Outage'] }, acknowledgeIncident: true },
      { id: 'everyone', when: 'conversation.channel == "webform"', target: {} },
    ],
  });

  it('asks for the acknowledgement of the conversation’s incident when its rule matches, and says so in the explanation', () => {
    const d = decide(inFibreCut, agents, rules, NOW);
    expect(d.explanation.acknowledgeIncident).toBe('inc-7');
    expect(compactExplanation(d).acknowledgeIncident).toBe('inc-7');
  });

  it('asks nothing when another rule matched or there is no incident, and the stored explanation has no key for it', () => {
    const other = decide(inTvOutage, agents, rules, NOW);
    expect(other.ruleId).toBe('everyone');
    expect(other.explanation.acknowledgeIncident).toBeNull();
    expect(Object.keys(compactExplanation(other))).not.toContain('acknowledgeIncident');
  });

  it('refuses a value other than true or false', () => {
    const out = compileRuleSet({ rules: [{ id: 'ack', target: {}, acknowledgeIncident: 'yes' }] }, TEAMS);
    expect(!out.ok && out.issues.map((i) => `${i.rule} ${i.field}`)).toEqual(['ack acknowledgeIncident']);
  });
});
