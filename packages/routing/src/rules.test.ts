import { describe, expect, it } from 'vitest';
import { compileRuleSet } from './rules.ts';

const TEAMS = [{ id: '00000000-0000-4000-8000-000000000001', name: 'Iberia' }];

function issues(doc: unknown) {
  const out = compileRuleSet(doc, TEAMS);
  if (out.ok) throw new Error('expected the rule set to be refused');
  return out.issues.map((i) => `${i.position} ${i.rule} ${i.field}: ${i.message}`);
}

describe('compileRuleSet', () => {
  it('accepts a valid set and resolves team names', () => {
    const out = compileRuleSet({ rules: [{ id: 'es', when: 'conversation.language == "es"', target: { teams: ['iberia'] } }] }, TEAMS);
    expect(out.ok && out.ruleSet.rules[0]?.target.teamIds).toEqual([TEAMS[0]?.id]);
  });

  it('names the rule and field of an unknown field, a type error and a syntax error', () => {
    expect(
      issues({
        rules: [
          { id: 'typo', when: 'conversation.langauge == "es"', target: {} },
          { id: 'types', when: 'contact.followers > "many"', target: {} },
          { id: 'syntax', when: 'conversation.channel ==', target: {} },
          { id: 'not-bool', when: 'conversation.priority', target: {} },
          { id: 'bad-priority', when: 'conversation.public', target: {}, priority: '"high"' },
        ],
      }),
    ).toEqual([
      '1 typo when: No such key: langauge',
      '2 types when: no such overload: int > string',
      '3 syntax when: Unexpected token: EOF',
      '4 not-bool when: must produce bool, but produces int',
      '5 bad-priority priority: must produce int, but produces string',
    ]);
  });

  it('refuses unknown keys in the document, unknown teams and unknown variables', () => {
    expect(
      issues({
        rules: [
          { id: 'a', when: 'true', target: { teams: ['Nowhere'] } },
          { id: 'b', when: 'customer.vip', target: {}, prority: 3 },
        ],
      }),
    ).toEqual(['2 b (rule): unknown field: prority']);
    expect(
      issues({
        rules: [
          { id: 'a', target: { teams: ['Nowhere'] } },
          { id: 'b', when: 'customer.vip', target: {} },
        ],
      }),
    ).toEqual(['1 a target.teams: no team is called "Nowhere"', '2 b when: Unknown variable: customer']);
  });

  it('refuses rules that can never match because an earlier rule always or identically matches', () => {
    expect(
      issues({
        rules: [
          { id: 'es', when: 'conversation.language=="es"', target: {} },
          { id: 'es-again', when: 'conversation.language == "es"', target: {} },
          { id: 'catch-all', target: {} },
          { id: 'late', when: 'contact.verified', target: {} },
        ],
      }),
    ).toEqual([
      '2 es-again when: never reached: rule 1 ("es") above it has the same condition',
      '4 late when: never reached: rule 3 ("catch-all") above it always matches',
    ]);
  });

  it('refuses duplicate ids and escalation steps out of order or empty', () => {
    expect(
      issues({
        rules: [
          {
            id: 'x',
            when: 'conversation.public',
            target: {},
            escalation: [
              { afterMinutes: 10, dropLanguages: true },
              { afterMinutes: 5, raisePriority: 1 },
            ],
          },
          { id: 'x', when: 'contact.verified', target: {}, escalation: [{ afterMinutes: 3 }] },
        ],
      }),
    ).toEqual(['2 x escalation.0: an escalation step must change something besides afterMinutes']);
    expect(
      issues({
        rules: [
          {
            id: 'x',
            when: 'conversation.public',
            target: {},
            escalation: [
              { afterMinutes: 10, dropLanguages: true },
              { afterMinutes: 5, raisePriority: 1 },
            ],
          },
          { id: 'x', when: 'contact.verified', target: {} },
        ],
      }),
    ).toEqual([
      '1 x escalation[1].afterMinutes: steps must be in increasing order of afterMinutes',
      '2 x id: the id "x" is already used by rule 1',
    ]);
  });
});
