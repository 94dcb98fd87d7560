import { Environment, type ParseResult, serialize } from '@marcbachmann/cel-js';
import { formatMinute, type LocalTime } from './schedule.ts';
import type { RoutingAgent, RoutingConversation } from './types.ts';

/**
 * Rule conditions, priority formulas and agent filters are CEL (Common Expression Language):
 * side-effect free, always terminating, type-checked before a rule set is published. The fields
 * below are the whole vocabulary; a misspelt one is refused at validation, naming the rule.
 */
const CONVERSATION_FIELDS = {
  channel: 'string',
  public: 'bool',
  language: 'string',
  country: 'string',
  region: 'string',
  text: 'string',
  subject: 'string',
  tags: 'list<string>',
  priority: 'int',
  incident: 'bool',
  proactive: 'bool',
  waitingMinutes: 'int',
} as const;

const CONTACT_FIELDS = { followers: 'int', verified: 'bool' } as const;

/** The conversation's incident; with none, id and title are '' and the lists empty. */
const INCIDENT_FIELDS = { id: 'string', services: 'list<string>', regions: 'list<string>', title: 'string' } as const;

const LOCAL_FIELDS = { hour: 'int', minute: 'int', weekday: 'int', time: 'string', date: 'string' } as const;

const AGENT_FIELDS = {
  id: 'string',
  name: 'string',
  skills: 'map<string, int>',
  languages: 'list<string>',
  regions: 'list<string>',
  load: 'int',
  capacity: 'int',
} as const;

/** Field names by variable, for the rule reference and error hints. */
export const VOCABULARY = {
  conversation: CONVERSATION_FIELDS,
  contact: CONTACT_FIELDS,
  incident: INCIDENT_FIELDS,
  local: LOCAL_FIELDS,
  agent: AGENT_FIELDS,
};

/** Lower case without accents, so "Caída" matches "caida". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

let lastText = '';
let lastFolded = '';
function foldCached(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastFolded = fold(text);
  }
  return lastFolded;
}

function buildEnvironment(withAgent: boolean): Environment {
  const env = new Environment({ limits: { maxAstNodes: 400, maxDepth: 40, maxListElements: 200 } })
    .registerVariable({ name: 'conversation', schema: CONVERSATION_FIELDS })
    .registerVariable({ name: 'contact', schema: CONTACT_FIELDS })
    .registerVariable({ name: 'incident', schema: INCIDENT_FIELDS })
    .registerVariable({ name: 'local', schema: LOCAL_FIELDS })
    .registerFunction({
      name: 'containsAny',
      receiverType: 'string',
      returnType: 'bool',
      description: 'True when the text contains any of the words, ignoring case and accents.',
      params: [{ name: 'words', type: 'list<string>' }],
      handler: (text: string, words: string[]) => {
        const folded = foldCached(text);
        return words.some((w) => folded.includes(fold(w)));
      },
    })
    .registerFunction({
      name: 'between',
      receiverType: 'string',
      returnType: 'bool',
      description: 'For local.time: true when "HH:MM" is within [from, to); a range past midnight wraps.',
      params: [
        { name: 'from', type: 'string' },
        { name: 'to', type: 'string' },
      ],
      handler: (time: string, from: string, to: string) => (from <= to ? time >= from && time < to : time >= from || time < to),
    });
  if (withAgent) env.registerVariable({ name: 'agent', schema: AGENT_FIELDS });
  return env;
}

export const conditionEnv = buildEnvironment(false);
export const filterEnv = buildEnvironment(true);

export interface CompiledExpression {
  source: string;
  /** Canonical text, so two spellings of one condition compare equal. */
  canonical: string;
  run: ParseResult;
}

export type CompileResult = { ok: true; expr: CompiledExpression } | { ok: false; message: string };

/** Parses and type-checks; `expect` is the CEL type the expression must produce. */
export function compileExpression(source: string, env: Environment, expect: 'bool' | 'int'): CompileResult {
  let run: ParseResult;
  try {
    run = env.parse(source);
  } catch (error) {
    return { ok: false, message: firstLine(error) };
  }
  const checked = run.check();
  if (!checked.valid) return { ok: false, message: firstLine(checked.error) };
  if (checked.type !== expect && checked.type !== 'dyn') {
    return { ok: false, message: `must produce ${expect}, but produces ${checked.type}` };
  }
  return { ok: true, expr: { source, canonical: serialize(run.ast), run } };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'invalid expression';
}

/** The variables a condition sees, built once per decision. CEL integers are bigints. */
export function conditionContext(
  c: RoutingConversation,
  local: LocalTime,
  priority: number,
  waitedMinutes: number,
): Record<string, unknown> {
  return {
    conversation: {
      channel: c.channel,
      public: c.public,
      language: c.language ?? '',
      country: c.country ?? '',
      region: c.region ?? '',
      text: c.text,
      subject: c.subject ?? '',
      tags: c.tags,
      priority: BigInt(priority),
      incident: c.incidentId !== null,
      proactive: c.proactive,
      waitingMinutes: BigInt(Math.max(0, Math.floor(waitedMinutes))),
    },
    contact: { followers: BigInt(Math.max(0, Math.floor(c.followers))), verified: c.verified },
    incident: c.incident ? { ...c.incident } : { id: c.incidentId ?? '', services: [], regions: [], title: '' },
    local: {
      hour: BigInt(Math.floor(local.minute / 60)),
      minute: BigInt(local.minute % 60),
      weekday: BigInt(local.weekday),
      time: formatMinute(local.minute),
      date: local.date,
    },
  };
}

export function agentContext(base: Record<string, unknown>, agent: RoutingAgent): Record<string, unknown> {
  return {
    ...base,
    agent: {
      id: agent.id,
      name: agent.name ?? '',
      skills: new Map(Object.entries(agent.skills).map(([k, v]) => [k, BigInt(v)])),
      languages: agent.languages,
      regions: agent.regions,
      load: BigInt(agent.load.total),
      capacity: BigInt(agent.capacity.total),
    },
  };
}
