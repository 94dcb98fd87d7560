import type { CompiledSchedule } from './schedule.ts';

export type AgentStatus = 'online' | 'away' | 'offline';

/** How many conversations an agent may hold: per channel kind, and in all. */
export interface Capacity {
  total: number;
  /** A kind left out is limited by the total only; 0 keeps the agent off that channel. */
  channels: Record<string, number>;
}

export interface Load {
  total: number;
  channels: Record<string, number>;
}

/** An agent as routing sees them at one instant: profile, current load and idle time. */
export interface RoutingAgent {
  id: string;
  /** Shown beside the id in explanations; null when unknown. */
  name?: string | null;
  status: AgentStatus;
  teamIds: string[];
  /** Skill name -> level (1-10). */
  skills: Record<string, number>;
  /** Lower-case ISO 639-1 codes. */
  languages: string[];
  /** Region names or upper-case ISO country codes, matched against the conversation's. */
  regions: string[];
  timezone: string;
  /** No schedule means available whenever online. */
  schedule: CompiledSchedule | null;
  capacity: Capacity;
  load: Load;
  lastAssignedAt: Date | null;
}

/** The facts about a conversation that rules can look at. */
export interface RoutingConversation {
  id: string;
  /** Kind of the latest inbound message's channel (webform, email, twitter...). */
  channel: string;
  public: boolean;
  language: string | null;
  country: string | null;
  region: string | null;
  /** Resolved customer timezone (see customerTimezone). */
  timezone: string;
  /** Latest inbound text, used for keywords. */
  text: string;
  subject: string | null;
  tags: string[];
  /**
   * Priority set on the conversation by a person or an integration (0 when none): conditions see
   * it as conversation.priority, and the decision never goes below it. Routing's own result is
   * not fed back, so a formula cannot ratchet on every pass.
   */
  priority: number;
  followers: number;
  verified: boolean;
  incidentId: string | null;
  /**
   * The incident it belongs to, as conditions see it (`incident.id`, `.services`, `.regions`,
   * `.title`); null when none. Set whenever `incidentId` is.
   */
  incident: RoutingIncident | null;
  /** A saved search found it (the customer did not write to the brand): conditions see conversation.proactive. */
  proactive: boolean;
  teamId: string | null;
  /** Transferred to its team by hand: the target keeps that team whatever the rule says. */
  teamPinned?: boolean;
  waitingSince: Date;
  createdAt: Date;
  /**
   * Agents who must not get it again in this wait: they rejected or let an offer expire, went
   * offline holding it, or did not answer in time.
   */
  declinedBy: string[];
}

/** An incident as routing sees it: what rules may look at (docs/routing.md#incidents). */
export interface RoutingIncident {
  id: string;
  /** The workspace's service labels it affects ("fibra"). */
  services: string[];
  /** ISO 3166 codes ("ES", "ES-MD"); empty when it is everywhere. */
  regions: string[];
  title: string;
}

export type ExclusionReason =
  | 'not_in_team'
  | 'offline'
  | 'away'
  | 'outside_shift'
  | 'declined'
  | 'channel_capacity'
  | 'total_capacity'
  | 'missing_skill'
  | 'missing_language'
  | 'missing_region'
  | 'filter';

/** A team as explanations name it: its id, and its name when the snapshot had it. */
export interface NamedTeam {
  teamId: string;
  teamName: string | null;
}

/** Requirements an agent must meet, after escalation has been applied. */
export interface ResolvedTarget {
  /** Empty means any team. */
  teamIds: string[];
  /** The same teams with their names, in the same order. */
  teams: NamedTeam[];
  skills: { name: string; minLevel: number }[];
  /** Agent must speak one of these (empty: no requirement). */
  languages: string[];
  regions: string[];
  filter: string | null;
}

export interface Candidate {
  agentId: string;
  agentName: string | null;
  /** Load relative to capacity after taking this conversation, 0..1. */
  occupancy: number;
  channelOccupancy: number;
  idleSeconds: number | null;
}

export interface Exclusion {
  agentId: string;
  agentName: string | null;
  reason: ExclusionReason;
  detail?: string;
}

export interface Explanation {
  rule: { id: string; name: string; index: number } | { id: 'fallback'; name: 'Fallback'; index: -1 };
  /** Rules tried before the match, with evaluation errors (a rule that fails is skipped, not fatal). */
  skipped: { id: string; error?: string }[];
  customer: { timezone: string; localTime: string; weekday: number; language: string | null };
  target: ResolvedTarget;
  escalation: { level: number; waitedMinutes: number; applied: string[]; nextAt: string | null };
  /** base from the rule, requested set on the conversation by a person (a floor), raisedBy escalation. */
  priority: { base: number; requested: number; raisedBy: number; aging: number; effective: number };
  agents: { considered: number; eligible: number };
  excluded: Exclusion[];
  excludedCounts: Partial<Record<ExclusionReason, number>>;
  /** Eligible agents, best first. */
  ranking: Candidate[];
  /** The team the conversation belongs to after this decision (Decision.teamId), named. */
  team: NamedTeam | null;
  outcome: { kind: 'assign'; agentId: string; agentName: string | null; tieBreak: string } | { kind: 'wait'; reason: string };
  /**
   * The incident whose status text the rule asks to post as an automatic acknowledgement
   * (`acknowledgeIncident: true` on a conversation in an incident); null when it does not.
   */
  acknowledgeIncident: string | null;
}

/** What is stored with each real decision: enough to answer "why is it here". */
export interface CompactExplanation {
  rule: string;
  /** Team id and name after the decision. */
  team: string | null;
  teamName: string | null;
  /** Chosen agent's id and name (null while waiting). */
  agent: string | null;
  agentName: string | null;
  outcome: 'assign' | 'wait';
  reason: string;
  priority: number;
  escalationLevel: number;
  eligible: number;
  top: { agentId: string; agentName: string | null; occupancy: number; idleSeconds: number | null }[];
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Present when the rule acknowledges the conversation's incident (its id): the server posts the status text once. */
  acknowledgeIncident?: string;
}

export interface Decision {
  agentId: string | null;
  /**
   * Team the conversation belongs to after this decision: the chosen agent's team among the
   * target's, else the target's first, else (a target open to any team) the one it had.
   */
  teamId: string | null;
  priority: number;
  effectivePriority: number;
  ruleId: string;
  escalationLevel: number;
  /** When the next escalation step applies; the dispatcher re-runs then. */
  nextEscalationAt: Date | null;
  explanation: Explanation;
}
