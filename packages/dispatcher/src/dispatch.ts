import { type Conversation, SYSTEM_ACTOR } from '@centralita/core';
import { appendEvents, type Database, type NewEvent, toConversation } from '@centralita/db';
import { compactExplanation, type Decision, decide, pickSlaPolicy, type RoutingAgent, slaDueAt } from '@centralita/routing';
import type { Kysely } from 'kysely';
import { claimNext, toRoutingConversation } from './queue.ts';
import { loadAgents, loadSnapshot, type Snapshot, type TeamRouting } from './snapshot.ts';
import { scheduleTimer } from './timers.ts';

export interface DispatcherOptions {
  db: Kysely<Database>;
  clock?: () => Date;
  /** Called after each committed change, to tell consoles. */
  onChange?: (conversation: Conversation) => void;
  /** A snapshot older than this is reloaded between decisions. @default 2000 */
  snapshotMaxAgeMs?: number;
}

export interface DispatchResult {
  assigned: number;
  offered: number;
  waiting: number;
}

/** How often a decision is retried when the chosen agent filled up meanwhile (another node). */
const MAX_RETRIES = 3;

/**
 * Applies routing decisions in PostgreSQL. Each conversation is claimed with FOR UPDATE SKIP
 * LOCKED in its own short transaction, so several processes route one workspace at once; the
 * chosen agent's profile row is locked and their load re-read before assigning, so capacity
 * holds even when two nodes pick the same agent from stale snapshots.
 */
export class Dispatcher {
  readonly db: Kysely<Database>;
  private readonly clock: () => Date;
  private readonly onChange: (c: Conversation) => void;
  private readonly maxAgeMs: number;
  private readonly running = new Map<string, Promise<DispatchResult>>();
  private readonly again = new Set<string>();

  constructor(options: DispatcherOptions) {
    this.db = options.db;
    this.clock = options.clock ?? (() => new Date());
    this.onChange = options.onChange ?? (() => {});
    this.maxAgeMs = options.snapshotMaxAgeMs ?? 2_000;
  }

  now(): Date {
    return this.clock();
  }

  /**
   * Routes soon, in this process, coalescing bursts: while a run is going, further kicks for the
   * workspace make exactly one more run after it.
   */
  kick(workspaceId: string): Promise<DispatchResult> {
    const current = this.running.get(workspaceId);
    if (current) {
      this.again.add(workspaceId);
      return current;
    }
    const run = (async () => {
      let total: DispatchResult = { assigned: 0, offered: 0, waiting: 0 };
      do {
        this.again.delete(workspaceId);
        const r = await this.dispatch(workspaceId);
        total = { assigned: total.assigned + r.assigned, offered: total.offered + r.offered, waiting: total.waiting + r.waiting };
      } while (this.again.has(workspaceId));
      return total;
    })().finally(() => this.running.delete(workspaceId));
    this.running.set(workspaceId, run);
    return run;
  }

  /** Routes every waiting conversation of a workspace once, most urgent first. */
  async dispatch(workspaceId: string, options: { limit?: number } = {}): Promise<DispatchResult> {
    // Bookkeeping in real time, not the routing clock: "looked at in this run" must hold even
    // when a test freezes the clock.
    const runStart = new Date();
    const result: DispatchResult = { assigned: 0, offered: 0, waiting: 0 };
    let snap = await loadSnapshot(this.db, workspaceId);
    let conflicts = 0;
    for (let n = 0; n < (options.limit ?? Number.POSITIVE_INFINITY); n++) {
      if (Date.now() - snap.loadedAt > this.maxAgeMs) snap = await loadSnapshot(this.db, workspaceId);
      let outcome: Awaited<ReturnType<Dispatcher['routeOne']>>;
      try {
        outcome = await this.db.transaction().execute(async (trx) => this.routeOne(trx, snap, runStart));
      } catch (error) {
        // Two nodes that each hold an agent the other wants: PostgreSQL aborts one. Its
        // conversation is still waiting and is claimed again with a fresh snapshot.
        if (!isConflict(error) || ++conflicts > 20) throw error;
        snap = await loadSnapshot(this.db, workspaceId);
        continue;
      }
      if (!outcome) break;
      result[outcome.kind] += 1;
      this.onChange(outcome.conversation);
    }
    return result;
  }

  private async routeOne(
    trx: Kysely<Database>,
    snap: Snapshot,
    runStart: Date,
  ): Promise<{ kind: keyof DispatchResult; conversation: Conversation } | null> {
    const now = this.clock();
    const row = await claimNext(trx, snap.workspaceId, now, snap.ruleSet.agingMinutes, runStart);
    if (!row) return null;
    const { conversation, detectedLanguage } = toRoutingConversation(row, snap);

    let decision = decide(conversation, snap.agents, snap.ruleSet, now);
    for (let attempt = 0; decision.agentId && attempt < MAX_RETRIES; attempt++) {
      const fresh = await lockAgent(trx, snap.workspaceId, decision.agentId);
      replaceAgent(snap, decision.agentId, fresh);
      if (fresh && fits(fresh, conversation.channel)) break;
      decision = decide(conversation, snap.agents, snap.ruleSet, now);
      if (attempt === MAX_RETRIES - 1 && decision.agentId) {
        // Still contended after several tries: wait for the next run rather than guess.
        decision = { ...decision, agentId: null };
      }
    }

    const team = decision.teamId ? snap.teams.get(decision.teamId) : undefined;
    const compact = compactExplanation(decision);
    const events: NewEvent[] = [];
    const base = {
      team_id: decision.teamId,
      priority: decision.priority,
      routing_rule: decision.ruleId,
      escalation_level: decision.escalationLevel,
      routing_explanation: JSON.stringify(compact),
      routed_at: new Date(),
      ...(detectedLanguage ? { language: detectedLanguage } : {}),
      ...slaDeadlines(row, snap, team, decision, now),
    };
    let kind: keyof DispatchResult;
    let update: Record<string, unknown>;
    if (decision.agentId && team?.assignment === 'offer') {
      kind = 'offered';
      const expires = new Date(now.getTime() + team.offerTimeoutSeconds * 1000);
      update = { ...base, offered_to: decision.agentId, offer_expires_at: expires };
      events.push(
        event(snap, row.id, 'conversation.offered', { agentId: decision.agentId, expiresAt: expires.toISOString(), routing: compact }),
      );
      await scheduleTimer(trx, snap.workspaceId, `offer:${row.id}`, expires);
    } else if (decision.agentId) {
      kind = 'assigned';
      update = { ...base, assignee_id: decision.agentId, assigned_at: now, declined_by: [] };
      events.push(event(snap, row.id, 'conversation.assigned', { agentId: decision.agentId, by: 'routing', routing: compact }));
    } else {
      kind = 'waiting';
      update = base;
      // One event when it starts waiting and one per escalation, not one per pass.
      if (row.routing_rule === null || row.escalation_level !== decision.escalationLevel || row.routing_rule !== decision.ruleId) {
        events.push(event(snap, row.id, 'conversation.queued', { routing: compact }));
      }
      if (decision.nextEscalationAt) await scheduleTimer(trx, snap.workspaceId, `escalate:${row.id}`, decision.nextEscalationAt);
    }
    if (decision.agentId) {
      await trx.updateTable('agent_profiles').set({ last_assigned_at: now }).where('user_id', '=', decision.agentId).execute();
      const agent = snap.agents.find((a) => a.id === decision.agentId);
      if (agent) takeLoad(agent, conversation.channel, now);
    }
    const due = [update.first_response_due_at, update.next_response_due_at].filter((d): d is Date => d instanceof Date);
    for (const d of due) await scheduleTimer(trx, snap.workspaceId, `sla:${row.id}:${d.getTime()}`, d);
    const updated = await trx.updateTable('conversations').set(update).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await appendEvents(trx, events);
    return { kind, conversation: toConversation(updated) };
  }

  /** Fills in response deadlines a conversation lacks (a customer wrote on an assigned one). */
  async refreshSla(workspaceId: string, conversationId: string): Promise<Conversation | null> {
    const snap = await loadSnapshot(this.db, workspaceId);
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).forUpdate().executeTakeFirst();
      if (row?.status !== 'open') return null;
      const team = row.team_id ? snap.teams.get(row.team_id) : undefined;
      const due = slaDeadlines(row, snap, team, { priority: row.priority, teamId: row.team_id }, now);
      if (Object.keys(due).length === 0) return null;
      for (const d of Object.values(due)) if (d) await scheduleTimer(trx, workspaceId, `sla:${row.id}:${d.getTime()}`, d);
      const updated = await trx.updateTable('conversations').set(due).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
      return toConversation(updated);
    });
  }
}

function isConflict(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

function event(snap: Snapshot, conversationId: string, type: NewEvent['type'], data: Record<string, unknown>): NewEvent {
  return { workspaceId: snap.workspaceId, conversationId, type, actor: SYSTEM_ACTOR, data };
}

/**
 * Deadlines the conversation does not have yet: the first response from its first message, the
 * next from the customer's oldest unanswered one, in the team's business hours.
 */
function slaDeadlines(
  row: {
    awaiting_reply_since: Date | null;
    first_responded_at: Date | null;
    first_response_due_at: Date | null;
    next_response_due_at: Date | null;
    created_at: Date;
  },
  snap: Snapshot,
  team: TeamRouting | undefined,
  decision: Pick<Decision, 'priority' | 'teamId'>,
  _now: Date,
): { first_response_due_at?: Date; next_response_due_at?: Date } {
  if (!row.awaiting_reply_since) return {};
  const policy = pickSlaPolicy(snap.policies, decision.teamId, decision.priority);
  if (!policy) return {};
  const hours = { hours: team?.hours ?? null, timezone: team?.timezone ?? snap.timezone };
  if (!row.first_responded_at && !row.first_response_due_at) {
    const due = slaDueAt(policy, 'first', row.created_at, hours);
    return due ? { first_response_due_at: due } : {};
  }
  if (row.first_responded_at && !row.next_response_due_at) {
    const due = slaDueAt(policy, 'next', row.awaiting_reply_since, hours);
    return due ? { next_response_due_at: due } : {};
  }
  return {};
}

/** Locks the agent's profile (serialising every assignment to them) and reads their live load. */
async function lockAgent(trx: Kysely<Database>, workspaceId: string, agentId: string): Promise<RoutingAgent | null> {
  await trx.selectFrom('agent_profiles').select('user_id').where('user_id', '=', agentId).forUpdate().execute();
  const [agent] = await loadAgents(trx, workspaceId, [agentId]);
  return agent ?? null;
}

function fits(agent: RoutingAgent, channel: string): boolean {
  if (agent.status !== 'online') return false;
  const cap = agent.capacity.channels[channel];
  if (cap !== undefined && (agent.load.channels[channel] ?? 0) >= cap) return false;
  return agent.load.total < agent.capacity.total;
}

function replaceAgent(snap: Snapshot, id: string, fresh: RoutingAgent | null): void {
  const i = snap.agents.findIndex((a) => a.id === id);
  if (i < 0) return;
  if (fresh) snap.agents[i] = fresh;
  else snap.agents.splice(i, 1);
}

function takeLoad(agent: RoutingAgent, channel: string, now: Date): void {
  agent.load = { total: agent.load.total + 1, channels: { ...agent.load.channels, [channel]: (agent.load.channels[channel] ?? 0) + 1 } };
  agent.lastAssignedAt = now;
}
