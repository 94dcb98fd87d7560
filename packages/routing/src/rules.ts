import { z } from 'zod';
import { type CompiledExpression, compileExpression, conditionEnv, filterEnv } from './expressions.ts';

const teamRef = z.string().min(1).max(200);
const languageCode = z.string().regex(/^[a-zA-Z]{2,3}$/, 'a language code such as es (ISO 639-1)');
const regionCode = z.string().min(2).max(40);

/** `"conversation"` means "the conversation's own language/region", when it is known. */
const languages = z.union([z.literal('conversation'), z.array(languageCode).max(50)]);
const regions = z.union([z.literal('conversation'), z.array(regionCode).max(50)]);

export const targetSchema = z.strictObject({
  /** Team names or ids; empty or missing means any agent. */
  teams: z.array(teamRef).max(20).default([]),
  skills: z
    .array(z.strictObject({ name: z.string().min(1).max(60), minLevel: z.number().int().min(1).max(10).default(1) }))
    .max(20)
    .default([]),
  languages: languages.default([]),
  regions: regions.default([]),
  /** A CEL condition over `agent` (and the conversation) for what the structured fields cannot say. */
  filter: z.string().max(2000).optional(),
});

export const escalationStepSchema = z
  .strictObject({
    afterMinutes: z
      .number()
      .positive()
      .max(60 * 24 * 30),
    /** Skills to stop requiring; `true` drops them all. */
    dropSkills: z.union([z.literal(true), z.array(z.string().min(1))]).optional(),
    dropLanguages: z.literal(true).optional(),
    dropRegions: z.literal(true).optional(),
    dropFilter: z.literal(true).optional(),
    /** Teams added to the target (the next ring of the bullseye). */
    addTeams: z.array(teamRef).min(1).max(20).optional(),
    raisePriority: z.number().int().min(1).max(1000).optional(),
  })
  .refine((s) => Object.keys(s).length > 1, { message: 'an escalation step must change something besides afterMinutes' });

export const ruleSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'use lower-case letters, digits, - and _')
    .describe('Stable id, shown in explanations'),
  name: z.string().max(200).optional(),
  /** CEL condition; missing means always. */
  when: z.string().max(4000).default('true'),
  target: targetSchema,
  /** A number, or a CEL formula giving an int (for example adding followers' weight). */
  priority: z.union([z.number().int().min(-1000).max(1000), z.string().max(2000)]).default(0),
  escalation: z.array(escalationStepSchema).max(10).default([]),
  /**
   * On a conversation in an active incident that has a status text, post that text once as an
   * automatic acknowledgement (it does not stop the SLA clocks; docs/routing.md#incidents).
   */
  acknowledgeIncident: z.boolean().optional(),
});

export const ruleSetSchema = z.strictObject({
  rules: z.array(ruleSchema).max(500),
  /** Where a conversation goes when no rule matches. */
  fallback: z.strictObject({ target: targetSchema, priority: z.number().int().min(-1000).max(1000).default(0) }).default({
    target: { teams: [], skills: [], languages: [], regions: [] },
    priority: 0,
  }),
  /** Waiting conversations gain one priority level every this many minutes, so none starves. */
  agingMinutes: z.number().positive().max(1440).default(10),
});

export type RuleSetDocument = z.input<typeof ruleSetSchema>;
export type RuleSet = z.output<typeof ruleSetSchema>;
export type Rule = z.output<typeof ruleSchema>;
export type Target = z.output<typeof targetSchema>;
export type EscalationStep = z.output<typeof escalationStepSchema>;

export interface RuleIssue {
  severity: 'error' | 'warning';
  /** Rule id (or "fallback", or "rules" for the set as a whole). */
  rule: string;
  /** Position in the list, from 1 as a supervisor counts; 0 for the fallback or the whole set. */
  position: number;
  field: string;
  message: string;
}

export interface TeamInfo {
  id: string;
  name: string;
}

export interface CompiledTarget {
  teamIds: string[];
  skills: { name: string; minLevel: number }[];
  languages: 'conversation' | string[];
  regions: 'conversation' | string[];
  filter: CompiledExpression | null;
}

export interface CompiledStep extends Omit<EscalationStep, 'addTeams'> {
  addTeamIds: string[];
  label: string;
}

export interface CompiledRule {
  id: string;
  name: string;
  index: number;
  when: CompiledExpression;
  /** Skips evaluation for the common `true`. */
  always: boolean;
  target: CompiledTarget;
  priority: number | CompiledExpression;
  escalation: CompiledStep[];
  acknowledgeIncident: boolean;
}

export interface CompiledRuleSet {
  rules: CompiledRule[];
  fallback: { target: CompiledTarget; priority: number };
  agingMinutes: number;
  document: RuleSet;
}

export type CompileOutcome = { ok: true; ruleSet: CompiledRuleSet; warnings: RuleIssue[] } | { ok: false; issues: RuleIssue[] };

/**
 * Validates a rule set and compiles every expression once. Errors name the rule, its position and
 * the field: unknown fields and types, unknown teams, shadowed rules, steps out of order.
 */
export function compileRuleSet(input: unknown, teams: TeamInfo[]): CompileOutcome {
  const parsed = ruleSetSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => shapeIssue(input, i)) };
  const doc = parsed.data;
  const issues: RuleIssue[] = [];
  const byName = new Map<string, string>();
  for (const t of teams) {
    byName.set(t.id, t.id);
    byName.set(t.name.toLowerCase(), t.id);
  }
  const resolveTeams = (refs: string[], rule: string, position: number, field: string): string[] =>
    refs.flatMap((ref) => {
      const id = byName.get(ref) ?? byName.get(ref.toLowerCase());
      if (!id) issues.push({ severity: 'error', rule, position, field, message: `no team is called "${ref}"` });
      return id ? [id] : [];
    });
  const compileTarget = (t: Target, rule: string, position: number, field: string): CompiledTarget => {
    let filter: CompiledExpression | null = null;
    if (t.filter !== undefined) {
      const r = compileExpression(t.filter, filterEnv, 'bool');
      if (r.ok) filter = r.expr;
      else issues.push({ severity: 'error', rule, position, field: `${field}.filter`, message: r.message });
    }
    return {
      teamIds: resolveTeams(t.teams, rule, position, `${field}.teams`),
      skills: t.skills,
      languages: t.languages === 'conversation' ? 'conversation' : t.languages.map((l) => l.toLowerCase()),
      regions: t.regions === 'conversation' ? 'conversation' : t.regions.map((r) => r.toUpperCase()),
      filter,
    };
  };

  const seen = new Map<string, number>();
  const conditions: { canonical: string; always: boolean; id: string; position: number }[] = [];
  const rules: CompiledRule[] = [];
  doc.rules.forEach((rule, index) => {
    const position = index + 1;
    const at = (field: string, message: string, severity: 'error' | 'warning' = 'error') =>
      issues.push({ severity, rule: rule.id, position, field, message });
    const dup = seen.get(rule.id);
    if (dup !== undefined) at('id', `the id "${rule.id}" is already used by rule ${dup}`);
    seen.set(rule.id, position);

    const when = compileExpression(rule.when, conditionEnv, 'bool');
    if (!when.ok) at('when', when.message);
    let priority: number | CompiledExpression = 0;
    if (typeof rule.priority === 'number') priority = rule.priority;
    else {
      const p = compileExpression(rule.priority, conditionEnv, 'int');
      if (p.ok) priority = p.expr;
      else at('priority', p.message);
    }
    let previous = 0;
    const escalation: CompiledStep[] = rule.escalation.map((step, i) => {
      if (step.afterMinutes <= previous) at(`escalation[${i}].afterMinutes`, 'steps must be in increasing order of afterMinutes');
      previous = step.afterMinutes;
      const { addTeams, ...rest } = step;
      return { ...rest, addTeamIds: resolveTeams(addTeams ?? [], rule.id, position, `escalation[${i}].addTeams`), label: stepLabel(step) };
    });
    const target = compileTarget(rule.target, rule.id, position, 'target');
    if (!when.ok) return;
    const always = when.expr.canonical === 'true';
    const shadow = conditions.find((c) => c.always || c.canonical === when.expr.canonical);
    if (shadow) {
      at(
        'when',
        shadow.always
          ? `never reached: rule ${shadow.position} ("${shadow.id}") above it always matches`
          : `never reached: rule ${shadow.position} ("${shadow.id}") above it has the same condition`,
      );
    }
    conditions.push({ canonical: when.expr.canonical, always, id: rule.id, position });
    rules.push({
      id: rule.id,
      name: rule.name ?? rule.id,
      index,
      when: when.expr,
      always,
      target,
      priority,
      escalation,
      acknowledgeIncident: rule.acknowledgeIncident === true,
    });
  });
  const fallback = { target: compileTarget(doc.fallback.target, 'fallback', 0, 'fallback.target'), priority: doc.fallback.priority };

  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) return { ok: false, issues };
  return { ok: true, ruleSet: { rules, fallback, agingMinutes: doc.agingMinutes, document: doc }, warnings: issues };
}

function stepLabel(s: EscalationStep): string {
  const parts: string[] = [];
  if (s.dropSkills === true) parts.push('drop all skills');
  else if (s.dropSkills) parts.push(`drop skills ${s.dropSkills.join(', ')}`);
  if (s.dropLanguages) parts.push('any language');
  if (s.dropRegions) parts.push('any region');
  if (s.dropFilter) parts.push('drop filter');
  if (s.addTeams?.length) parts.push(`add teams ${s.addTeams.join(', ')}`);
  if (s.raisePriority) parts.push(`priority +${s.raisePriority}`);
  return `after ${s.afterMinutes} min: ${parts.join('; ')}`;
}

/** Turns a zod issue path (rules.2.target.skils) into the rule's id and position. */
function shapeIssue(input: unknown, issue: z.core.$ZodIssue): RuleIssue {
  const path = issue.path.map(String);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
  if (path[0] === 'rules' && path[1] !== undefined) {
    const index = Number(path[1]);
    const raw = (input as { rules?: { id?: unknown }[] })?.rules?.[index];
    const id = typeof raw?.id === 'string' ? raw.id : `#${index + 1}`;
    return { severity: 'error', rule: id, position: index + 1, field: path.slice(2).join('.') || '(rule)', message };
  }
  if (path[0] === 'fallback') return { severity: 'error', rule: 'fallback', position: 0, field: path.slice(1).join('.'), message };
  return { severity: 'error', rule: 'rules', position: 0, field: path.join('.') || '(document)', message };
}
