import { agentContext, conditionContext } from './expressions.ts';
import type { CompiledRule, CompiledRuleSet, CompiledStep, CompiledTarget } from './rules.ts';
import { formatMinute, LocalClock } from './schedule.ts';
import type {
  Candidate,
  CompactExplanation,
  Decision,
  Exclusion,
  ExclusionReason,
  Explanation,
  NamedTeam,
  ResolvedTarget,
  RoutingAgent,
  RoutingConversation,
} from './types.ts';

const FALLBACK = { id: 'fallback', name: 'Fallback', index: -1 } as const;

export interface DecideOptions {
  /**
   * `full` (the default, for previews) lists every excluded agent with details and ranks every
   * eligible one; `summary` (what the dispatcher stores) keeps counts and the top three. The
   * choice is the same either way.
   */
  explain?: 'full' | 'summary';
  /**
   * Teams by id, so explanations name them beside their ids (the target's teams, the team the
   * conversation ends up in). Agents are named from RoutingAgent.name. Without it names are null.
   */
  teams?: ReadonlyMap<string, { name: string }>;
}

/** How many ranked candidates a summary keeps. */
const SUMMARY_TOP = 3;

/**
 * Chooses where a conversation goes and why. Pure: the same conversation, agents, rule set and
 * instant always give the same answer, so a preview shows exactly what the dispatcher will do.
 *
 * The first matching rule gives the target and base priority; escalation steps whose wait has
 * passed widen the target; every agent is checked in a fixed order and the first failed check is
 * the reason they were passed over; among the rest the least occupied wins, then the longest idle.
 */
export function decide(
  conversation: RoutingConversation,
  agents: readonly RoutingAgent[],
  ruleSet: CompiledRuleSet,
  now: Date,
  options: DecideOptions = {},
): Decision {
  const full = options.explain !== 'summary';
  const clock = new LocalClock(now);
  const local = clock.in(conversation.timezone);
  const waitedMinutes = Math.max(0, (now.getTime() - conversation.waitingSince.getTime()) / 60_000);
  const context = conditionContext(conversation, local, conversation.priority, waitedMinutes);

  const skipped: Explanation['skipped'] = [];
  let rule: CompiledRule | null = null;
  for (const candidate of ruleSet.rules) {
    if (candidate.always) {
      rule = candidate;
      break;
    }
    try {
      if (candidate.when.run(context) === true) {
        rule = candidate;
        break;
      }
      skipped.push({ id: candidate.id });
    } catch (error) {
      // A condition that fails at run time (a regex on odd input) skips its rule, never the routing.
      skipped.push({ id: candidate.id, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }

  const base = rule ? basePriority(rule, context) : ruleSet.fallback.priority;
  const steps = rule?.escalation ?? [];
  const applied = steps.filter((s) => s.afterMinutes <= waitedMinutes);
  const next = steps.find((s) => s.afterMinutes > waitedMinutes);
  const teamName = (id: string): NamedTeam => ({ teamId: id, teamName: options.teams?.get(id)?.name ?? null });
  const target = resolveTarget(rule ? rule.target : ruleSet.fallback.target, applied, conversation, teamName);
  const raisedBy = applied.reduce((sum, s) => sum + (s.raisePriority ?? 0), 0);
  const aging = Math.floor(waitedMinutes / ruleSet.agingMinutes);
  // A priority set by a person or an integration is a floor the rules cannot lower.
  const priority = Math.max(base, conversation.priority) + raisedBy;

  const teamSet = new Set(target.teamIds);
  const declined = new Set(conversation.declinedBy);
  const filter = rule ? (applied.some((s) => s.dropFilter) ? null : rule.target.filter) : ruleSet.fallback.target.filter;
  const excluded: Exclusion[] = [];
  const excludedCounts: Partial<Record<ExclusionReason, number>> = {};
  const eligible: RoutingAgent[] = [];
  for (const agent of agents) {
    const why = exclusion(agent, conversation, target, teamSet, clock, full);
    const failed = why ?? (filter && !passesFilter(filter.run, context, agent) ? ({ reason: 'filter' } as const) : null);
    if (failed) {
      if (full) excluded.push({ agentId: agent.id, agentName: agent.name ?? null, ...failed });
      excludedCounts[failed.reason] = (excludedCounts[failed.reason] ?? 0) + 1;
    } else {
      eligible.push(agent);
    }
  }

  // Agents who passed on it in this wait (rejected, let an offer lapse, did not answer) come
  // last: they get it only when nobody else can, so a one-person team never stalls.
  const fresh = declined.size > 0 ? eligible.filter((a) => !declined.has(a.id)) : eligible;
  if (fresh.length > 0 && fresh.length < eligible.length) {
    for (const a of eligible) {
      if (!declined.has(a.id)) continue;
      if (full) excluded.push({ agentId: a.id, agentName: a.name ?? null, reason: 'declined' });
      excludedCounts.declined = (excludedCounts.declined ?? 0) + 1;
    }
    eligible.splice(0, eligible.length, ...fresh);
  }
  const ranking = rank(eligible, conversation.channel, now, full ? Number.POSITIVE_INFINITY : SUMMARY_TOP);
  const best = ranking[0];
  const chosen = best ? eligible.find((a) => a.id === best.agentId) : undefined;
  // The agent's team among the target's; a target open to any team keeps the conversation's.
  const teamId = (chosen ? chosen.teamIds.find((t) => teamSet.has(t)) : undefined) ?? target.teamIds[0] ?? conversation.teamId;
  const explanation: Explanation = {
    rule: rule ? { id: rule.id, name: rule.name, index: rule.index } : FALLBACK,
    skipped,
    customer: {
      timezone: conversation.timezone,
      localTime: `${local.date} ${formatMinute(local.minute)}`,
      weekday: local.weekday,
      language: conversation.language,
    },
    target,
    escalation: {
      level: applied.length,
      waitedMinutes: Math.floor(waitedMinutes),
      applied: applied.map((s) => s.label),
      nextAt: next ? new Date(conversation.waitingSince.getTime() + next.afterMinutes * 60_000).toISOString() : null,
    },
    priority: { base, requested: conversation.priority, raisedBy, aging, effective: priority + aging },
    agents: { considered: agents.length, eligible: eligible.length },
    excluded,
    excludedCounts,
    ranking,
    team: teamId ? teamName(teamId) : null,
    outcome: best
      ? { kind: 'assign', agentId: best.agentId, agentName: best.agentName, tieBreak: tieBreak(ranking) }
      : { kind: 'wait', reason: waitReason(agents.length, excludedCounts) },
    acknowledgeIncident: rule?.acknowledgeIncident && conversation.incidentId !== null ? conversation.incidentId : null,
  };
  return {
    agentId: best?.agentId ?? null,
    teamId,
    priority,
    effectivePriority: priority + aging,
    ruleId: explanation.rule.id,
    escalationLevel: applied.length,
    nextEscalationAt: next ? new Date(conversation.waitingSince.getTime() + next.afterMinutes * 60_000) : null,
    explanation,
  };
}

function basePriority(rule: CompiledRule, context: Record<string, unknown>): number {
  if (typeof rule.priority === 'number') return rule.priority;
  try {
    const value = rule.priority.run(context);
    return typeof value === 'bigint' || typeof value === 'number' ? Math.max(-1000, Math.min(1000, Number(value))) : 0;
  } catch {
    return 0;
  }
}

function resolveTarget(
  t: CompiledTarget,
  applied: CompiledStep[],
  c: RoutingConversation,
  named: (teamId: string) => NamedTeam,
): ResolvedTarget {
  let skills = t.skills;
  let languages = t.languages === 'conversation' ? (c.language ? [c.language.toLowerCase()] : []) : t.languages;
  let regions =
    t.regions === 'conversation' ? [c.region, c.country].filter((r): r is string => Boolean(r)).map((r) => r.toUpperCase()) : t.regions;
  let teamIds = c.teamPinned && c.teamId ? [c.teamId] : t.teamIds;
  let filter = t.filter?.source ?? null;
  for (const step of applied) {
    if (step.dropSkills === true) skills = [];
    else if (step.dropSkills) {
      const drop = new Set(step.dropSkills);
      skills = skills.filter((s) => !drop.has(s.name));
    }
    if (step.dropLanguages) languages = [];
    if (step.dropRegions) regions = [];
    if (step.dropFilter) filter = null;
    if (step.addTeamIds.length > 0 && teamIds.length > 0 && !c.teamPinned) teamIds = [...new Set([...teamIds, ...step.addTeamIds])];
  }
  return { teamIds, teams: teamIds.map(named), skills, languages, regions, filter };
}

/** The checks, in the order explanations report them. Returns the first that fails. */
function exclusion(
  agent: RoutingAgent,
  c: RoutingConversation,
  target: ResolvedTarget,
  teams: Set<string>,
  clock: LocalClock,
  details: boolean,
): { reason: ExclusionReason; detail?: string } | null {
  if (teams.size > 0 && !agent.teamIds.some((t) => teams.has(t))) return { reason: 'not_in_team' };
  if (agent.status === 'offline') return { reason: 'offline' };
  if (agent.status === 'away') return { reason: 'away' };
  if (agent.schedule) {
    const t = clock.tryIn(agent.schedule.timezone ?? agent.timezone);
    // One agent's broken zone passes over that agent, never stops routing for everyone.
    if (!t) return { reason: 'outside_shift', detail: 'unknown timezone in the schedule' };
    const shift = agent.schedule.covers(t);
    if (!shift.on) {
      return details
        ? { reason: 'outside_shift', detail: `${shift.holiday ? 'holiday, ' : ''}local time ${formatMinute(t.minute)}` }
        : OUTSIDE_SHIFT;
    }
  }
  const channelCap = agent.capacity.channels[c.channel];
  const channelLoad = agent.load.channels[c.channel] ?? 0;
  if (channelCap !== undefined && channelLoad >= channelCap) {
    return details ? { reason: 'channel_capacity', detail: `${channelLoad}/${channelCap} ${c.channel}` } : CHANNEL_CAPACITY;
  }
  if (agent.load.total >= agent.capacity.total) {
    return details ? { reason: 'total_capacity', detail: `${agent.load.total}/${agent.capacity.total}` } : TOTAL_CAPACITY;
  }
  for (const skill of target.skills) {
    const level = agent.skills[skill.name];
    if (level === undefined || level < skill.minLevel) {
      return details ? { reason: 'missing_skill', detail: `${skill.name} ${level ?? 0} < ${skill.minLevel}` } : MISSING_SKILL;
    }
  }
  if (target.languages.length > 0 && !target.languages.some((l) => agent.languages.includes(l))) {
    return details ? { reason: 'missing_language', detail: target.languages.join('/') } : MISSING_LANGUAGE;
  }
  if (target.regions.length > 0 && !target.regions.some((r) => agent.regions.includes(r))) {
    return details ? { reason: 'missing_region', detail: target.regions.join('/') } : MISSING_REGION;
  }
  return null;
}

// Shared answers for summaries: a decision over a thousand agents allocates nothing per agent.
const OUTSIDE_SHIFT = { reason: 'outside_shift' } as const;
const CHANNEL_CAPACITY = { reason: 'channel_capacity' } as const;
const TOTAL_CAPACITY = { reason: 'total_capacity' } as const;
const MISSING_SKILL = { reason: 'missing_skill' } as const;
const MISSING_LANGUAGE = { reason: 'missing_language' } as const;
const MISSING_REGION = { reason: 'missing_region' } as const;

function passesFilter(run: (ctx: Record<string, unknown>) => unknown, context: Record<string, unknown>, agent: RoutingAgent): boolean {
  try {
    return run(agentContext(context, agent)) === true;
  } catch {
    return false;
  }
}

/**
 * Least occupied after taking this conversation first, then the longest idle, then the id. Keeps
 * the best `top` (a partial selection, so a summary over many agents does not sort them all).
 */
function rank(eligible: RoutingAgent[], channel: string, now: Date, top: number): Candidate[] {
  const candidate = (a: RoutingAgent): Candidate => {
    const cap = a.capacity.channels[channel];
    return {
      agentId: a.id,
      agentName: a.name ?? null,
      occupancy: round((a.load.total + 1) / a.capacity.total),
      channelOccupancy: cap === undefined ? 0 : round(((a.load.channels[channel] ?? 0) + 1) / cap),
      idleSeconds: a.lastAssignedAt ? Math.max(0, Math.floor((now.getTime() - a.lastAssignedAt.getTime()) / 1000)) : null,
    };
  };
  if (top >= eligible.length) return eligible.map(candidate).sort(compareCandidates);
  const best: Candidate[] = [];
  for (const a of eligible) {
    const c = candidate(a);
    if (best.length >= top) {
      const last = best[best.length - 1] as Candidate;
      if (compareCandidates(c, last) >= 0) continue;
      best.pop();
    }
    let i = best.length;
    while (i > 0 && compareCandidates(c, best[i - 1] as Candidate) < 0) i--;
    best.splice(i, 0, c);
  }
  return best;
}

function compareCandidates(x: Candidate, y: Candidate): number {
  return (
    x.occupancy - y.occupancy ||
    x.channelOccupancy - y.channelOccupancy ||
    idleRank(y.idleSeconds) - idleRank(x.idleSeconds) ||
    (x.agentId < y.agentId ? -1 : x.agentId > y.agentId ? 1 : 0)
  );
}

function idleRank(idle: number | null): number {
  return idle === null ? Number.POSITIVE_INFINITY : idle;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function tieBreak(ranking: Candidate[]): string {
  const [a, b] = ranking;
  if (!a) return '';
  if (!b) return 'only eligible agent';
  if (a.occupancy !== b.occupancy) return `least occupied (${pct(a.occupancy)} after this, next ${pct(b.occupancy)})`;
  if (a.channelOccupancy !== b.channelOccupancy)
    return `least occupied on this channel (${pct(a.channelOccupancy)}, next ${pct(b.channelOccupancy)})`;
  if (a.idleSeconds !== b.idleSeconds) return `idle longest (${idle(a.idleSeconds)}, next ${idle(b.idleSeconds)})`;
  return 'equal load and idle time: first by id';
}

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

function idle(s: number | null): string {
  return s === null ? 'never assigned' : `${Math.floor(s / 60)} min`;
}

function waitReason(considered: number, counts: Partial<Record<ExclusionReason, number>>): string {
  if (considered === 0) return 'no agents';
  const parts = Object.entries(counts)
    .sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0))
    .map(([reason, n]) => `${n} ${reason.replaceAll('_', ' ')}`);
  return `no eligible agent (${parts.join(', ')})`;
}

/** What a real decision stores: the rule, the outcome, the top three candidates and counts. */
export function compactExplanation(d: Decision): CompactExplanation {
  const e = d.explanation;
  return {
    rule: e.rule.id,
    team: d.teamId,
    teamName: e.team?.teamId === d.teamId ? e.team.teamName : null,
    agent: d.agentId,
    agentName: e.outcome.kind === 'assign' && e.outcome.agentId === d.agentId ? e.outcome.agentName : null,
    outcome: e.outcome.kind,
    reason: e.outcome.kind === 'assign' ? e.outcome.tieBreak : e.outcome.reason,
    priority: e.priority.effective,
    escalationLevel: e.escalation.level,
    eligible: e.agents.eligible,
    top: e.ranking
      .slice(0, 3)
      .map((c) => ({ agentId: c.agentId, agentName: c.agentName, occupancy: c.occupancy, idleSeconds: c.idleSeconds })),
    excluded: e.excludedCounts,
    // Only when set: every decision stored before incidents compares equal to one made now.
    ...(e.acknowledgeIncident ? { acknowledgeIncident: e.acknowledgeIncident } : {}),
  };
}
