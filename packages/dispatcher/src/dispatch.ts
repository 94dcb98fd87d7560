import type { Conversation } from '@centralita/core';
import { type Database, toConversation } from '@centralita/db';
import { decide, type RoutingAgent } from '@centralita/routing';
import { type Kysely, sql } from 'kysely';
import {
  DB_NOW,
  type DispatchResult,
  planWrite,
  slaDeadlines,
  unchanged,
  type WritePlan,
  writeDecision,
  writeWaitingDecisions,
} from './apply.ts';
import { type ClaimedRow, claimBatch, readRoutingRow, toRoutingConversation } from './queue.ts';
import { loadAgents, loadSlaContext, loadSnapshot, type Snapshot, withIncidents } from './snapshot.ts';
import { scheduleTimer } from './timers.ts';

export interface DispatcherOptions {
  db: Kysely<Database>;
  clock?: () => Date;
  /** Called after each committed change, to tell consoles. */
  onChange?: (conversation: Conversation) => void;
  /** A snapshot older than this is reloaded between decisions. @default 2000 */
  snapshotMaxAgeMs?: number;
}

export type { DispatchResult } from './apply.ts';

const SUMMARY = { explain: 'summary' } as const;

/**
 * How many waiting conversations a routing run claims and decides per transaction. Small enough
 * that another node's run finds work beside it (SKIP LOCKED) and a conflict redoes little.
 */
const CLAIM_BATCH = 25;

/** How often a decision is retried when the chosen agent filled up meanwhile (another node). */
const MAX_RETRIES = 3;

/** What routing one conversation did; null when it was not there to route. */
type Outcome = { kind: keyof DispatchResult; conversation: Conversation | null } | null;

interface Decided {
  now: Date;
  conversation: ReturnType<typeof toRoutingConversation>['conversation'];
  detectedLanguage: string | null;
  decision: ReturnType<typeof decide>;
}

/**
 * Applies routing decisions in PostgreSQL. Each conversation is claimed with FOR NO KEY UPDATE
 * SKIP LOCKED in its own short transaction, so several processes route one workspace at once; the
 * place with the chosen agent is taken by a conditional update of their profile row in the same
 * statement that assigns, so capacity holds even when two nodes decide from stale snapshots.
 */
export class Dispatcher {
  readonly db: Kysely<Database>;
  private readonly clock: () => Date;
  private readonly onChange: (c: Conversation) => void;
  private readonly maxAgeMs: number;
  private readonly running = new Map<string, Promise<DispatchResult>>();
  private readonly again = new Set<string>();
  private readonly snapshots = new Map<string, Snapshot>();

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
   * Forgets the workspace's cached snapshot: call it when agents, teams or rules change, so the
   * next single-conversation decision does not use what was true before.
   */
  invalidate(workspaceId: string): void {
    this.snapshots.delete(workspaceId);
  }

  private async freshSnapshot(workspaceId: string): Promise<Snapshot> {
    const snap = await loadSnapshot(this.db, workspaceId);
    this.snapshots.set(workspaceId, snap);
    return snap;
  }

  /**
   * For routing one conversation at a time (every customer message): a snapshot up to
   * `snapshotMaxAgeMs` old saves reading every agent per message. A stale load cannot overfill
   * an agent (the place is taken in the assigning statement); a missed arrival is caught by the
   * pass that the agent's change starts.
   */
  private async recentSnapshot(workspaceId: string): Promise<Snapshot> {
    const cached = this.snapshots.get(workspaceId);
    if (cached && Date.now() - cached.loadedAt <= this.maxAgeMs) return cached;
    return this.freshSnapshot(workspaceId);
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
      try {
        do {
          this.again.delete(workspaceId);
          const r = await this.dispatch(workspaceId);
          total = { assigned: total.assigned + r.assigned, offered: total.offered + r.offered, waiting: total.waiting + r.waiting };
        } while (this.again.has(workspaceId));
      } finally {
        // In the same tick as the last check: a kick arriving after it starts a new run instead
        // of being folded into one that has already finished.
        this.running.delete(workspaceId);
      }
      return total;
    })();
    this.running.set(workspaceId, run);
    return run;
  }

  /** Routes every waiting conversation of a workspace once, most urgent first. */
  async dispatch(workspaceId: string, options: { limit?: number } = {}): Promise<DispatchResult> {
    // "Looked at in this run" is the database's clock, not the routing clock (a test may freeze
    // that) nor this node's (several nodes' clocks differ; one ahead would hide rows from others).
    const runStart = await databaseNow(this.db);
    const result: DispatchResult = { assigned: 0, offered: 0, waiting: 0 };
    let snap = await this.freshSnapshot(workspaceId);
    let conflicts = 0;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let routed = 0;
    while (routed < limit) {
      if (Date.now() - snap.loadedAt > this.maxAgeMs) snap = await this.freshSnapshot(workspaceId);
      const size = Math.min(CLAIM_BATCH, limit - routed);
      let outcomes: Outcome[];
      try {
        // A batch per transaction: one claim and one commit for up to CLAIM_BATCH decisions.
        outcomes = await this.db
          .transaction()
          .execute(async (trx) => this.routeBatch(trx, snap, await claimBatch(trx, snap.workspaceId, runStart, size)));
      } catch (error) {
        // Two nodes that each hold an agent the other wants: PostgreSQL aborts one. Its
        // conversations are still waiting and are claimed again with a fresh snapshot.
        if (!isConflict(error) || ++conflicts > 20) throw error;
        snap = await this.freshSnapshot(workspaceId);
        continue;
      }
      if (outcomes.length === 0) break;
      routed += outcomes.length;
      for (const outcome of outcomes) {
        if (!outcome) continue;
        result[outcome.kind] += 1;
        if (outcome.conversation) this.onChange(outcome.conversation);
      }
      if (outcomes.length < size) break;
    }
    return result;
  }

  /**
   * Routes one conversation now (a customer just wrote and it waits), without a pass over the
   * whole queue: during a surge of thousands waiting, a new message is placed at once instead of
   * after a full pass. Returns null when it is not waiting or another run holds it.
   */
  async routeConversation(workspaceId: string, conversationId: string): Promise<keyof DispatchResult | null> {
    const snap = await this.recentSnapshot(workspaceId);
    const outcome = await this.db.transaction().execute(async (trx) => {
      const locked = await sql<{ id: string }>`
        SELECT id FROM conversations
        WHERE id = ${conversationId} AND workspace_id = ${workspaceId} AND waiting_since IS NOT NULL AND offered_to IS NULL
        FOR NO KEY UPDATE SKIP LOCKED`.execute(trx);
      if (locked.rows.length === 0) return null;
      // Not marked as seen: a pass running beside this one still looks at it, in case this
      // decision used a snapshot from just before an agent arrived.
      const row = await readRoutingRow(trx, workspaceId, conversationId);
      await withIncidents(trx, snap, [row?.incident_id ?? null]);
      return this.routeOne(trx, snap, row, false);
    });
    if (outcome?.conversation) this.onChange(outcome.conversation);
    return outcome?.kind ?? null;
  }

  /**
   * Decides a claimed batch in queue order, as `routeOne` would one by one, but writes the
   * decisions to wait set-based: the ones that change nothing in one UPDATE of `routed_at`, the
   * others (a new wait, an escalation) in one statement with their events. Waiting takes no
   * agent's place, so writing those after the assignments changes no decision.
   */
  private async routeBatch(trx: Kysely<Database>, snap: Snapshot, rows: ClaimedRow[]): Promise<Outcome[]> {
    const out: Outcome[] = new Array(rows.length).fill(null);
    const seen: string[] = [];
    const waits: { index: number; plan: WritePlan }[] = [];
    await withIncidents(
      trx,
      snap,
      rows.map((r) => r.incident_id),
    );
    for (const [index, row] of rows.entries()) {
      const decided = this.decideRow(snap, row);
      if (decided.decision.agentId) {
        out[index] = await this.applyDecision(trx, snap, row, decided, true);
        continue;
      }
      const plan = planWrite(row, snap, decided.decision, decided.detectedLanguage, decided.now);
      if (plan.kind === 'waiting' && unchanged(row, plan)) {
        seen.push(row.id);
        out[index] = { kind: 'waiting', conversation: null };
      } else waits.push({ index, plan });
    }
    if (seen.length > 0) await trx.updateTable('conversations').set({ routed_at: DB_NOW }).where('id', 'in', seen).execute();
    const written = await writeWaitingDecisions(
      trx,
      waits.map((w) => ({ conversationId: (rows[w.index] as ClaimedRow).id, plan: w.plan })),
    );
    for (const w of waits) {
      const updated = written.get((rows[w.index] as ClaimedRow).id);
      if (!updated) throw new Error('a claimed conversation was not updated by its routing decision');
      for (const [key, at] of w.plan.timers) await scheduleTimer(trx, snap.workspaceId, key, at);
      out[w.index] = { kind: w.plan.kind, conversation: toConversation(updated) };
    }
    return out;
  }

  /** The decision for one claimed conversation, with the clock it was taken at. */
  private decideRow(snap: Snapshot, row: ClaimedRow): Decided {
    const now = this.clock();
    const { conversation, detectedLanguage } = toRoutingConversation(row, snap);
    const decision = decide(conversation, snap.agents, snap.ruleSet, now, { ...SUMMARY, teams: snap.teams });
    return { now, conversation, detectedLanguage, decision };
  }

  private async routeOne(trx: Kysely<Database>, snap: Snapshot, row: ClaimedRow | null, markSeen = true): Promise<Outcome> {
    if (!row) return null;
    return this.applyDecision(trx, snap, row, this.decideRow(snap, row), markSeen);
  }

  /** Writes one decision; with an agent whose place another node took meanwhile, decides again (up to MAX_RETRIES). */
  private async applyDecision(
    trx: Kysely<Database>,
    snap: Snapshot,
    row: ClaimedRow,
    decided: Decided,
    markSeen: boolean,
  ): Promise<Outcome> {
    const { now, conversation, detectedLanguage } = decided;
    let decision = decided.decision;
    for (let attempt = 1; ; attempt++) {
      const plan = planWrite(row, snap, decision, detectedLanguage, now);
      if (plan.kind === 'waiting' && unchanged(row, plan)) {
        // Still waiting for the same reason: mark it seen for this run, tell nobody. Every run
        // looks at every waiting conversation, so this is the common case under load.
        if (markSeen) await trx.updateTable('conversations').set({ routed_at: DB_NOW }).where('id', '=', row.id).execute();
        return { kind: 'waiting', conversation: null };
      }
      const updated = await writeDecision(trx, row.id, plan, decision.agentId, conversation.channel, now, markSeen);
      if (updated) {
        for (const [key, at] of plan.timers) await scheduleTimer(trx, snap.workspaceId, key, at);
        const agent = decision.agentId ? snap.agents.find((a) => a.id === decision.agentId) : undefined;
        if (agent) takeLoad(agent, conversation.channel, now);
        return { kind: plan.kind, conversation: toConversation(updated) };
      }
      // The agent filled up, went away or changed since the snapshot (another node assigned to
      // them): re-read every agent and decide again; after a few such races, wait for the next run.
      snap.agents = await loadAgents(trx, snap.workspaceId);
      decision = decide(conversation, snap.agents, snap.ruleSet, now, { ...SUMMARY, teams: snap.teams });
      if (attempt >= MAX_RETRIES && decision.agentId) {
        const reason = 'the agents chosen were taken by another node meanwhile; next run';
        decision = { ...decision, agentId: null, explanation: { ...decision.explanation, outcome: { kind: 'wait', reason } } };
      }
    }
  }

  /** Fills in response deadlines a conversation lacks (a customer wrote on an assigned one). */
  async refreshSla(workspaceId: string, conversationId: string): Promise<Conversation | null> {
    // On every customer message to an assigned conversation: teams and policies only, no agents.
    const snap = await loadSlaContext(this.db, workspaceId);
    // No policy, no deadline: skip the locking read and its transaction on every such message.
    if (snap.policies.length === 0) return null;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).forUpdate().executeTakeFirst();
      if (row?.status !== 'open') return null;
      const team = row.team_id ? snap.teams.get(row.team_id) : undefined;
      const due = slaDeadlines(row, snap, team, { priority: row.priority, teamId: row.team_id });
      if (Object.keys(due).length === 0) return null;
      for (const d of Object.values(due)) if (d) await scheduleTimer(trx, workspaceId, `sla:${row.id}:${d.getTime()}`, d);
      const updated = await trx.updateTable('conversations').set(due).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
      return toConversation(updated);
    });
  }
}

async function databaseNow(db: Kysely<Database>): Promise<Date> {
  const r = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(db);
  return r.rows[0]?.now ?? new Date();
}

function isConflict(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

function takeLoad(agent: RoutingAgent, channel: string, now: Date): void {
  agent.load = { total: agent.load.total + 1, channels: { ...agent.load.channels, [channel]: (agent.load.channels[channel] ?? 0) + 1 } };
  agent.lastAssignedAt = now;
}
