import type { Actor, Conversation } from '@centralita/core';
import type { Db } from '@centralita/db';
import {
  type AgentView,
  answerOffer,
  assignManually,
  Dispatcher,
  getAgentView,
  type ProfilePatch,
  setAgentStatus,
  setRequestedPriority,
  sweep,
  updateAgentProfile,
} from '@centralita/dispatcher';
import type { AgentStatus } from '@centralita/routing';
import type { AppLogger } from '../logger.ts';
import { type Change, type CommitStream, conversationChanged } from '../pipeline/commits.ts';
import type { Realtime } from '../realtime/realtime.ts';
import { RoutingBus } from './routing-bus.ts';

/** What routing needs from the node: the database, the clock, and where to tell of changes. */
export interface RoutingDeps {
  db: Db;
  clock: () => Date;
  logger: AppLogger;
  /** Routing publishes its own changes here, and reacts to customers' and agents' changes. */
  commits: CommitStream;
  realtime: Pick<Realtime, 'agent'>;
}

/**
 * Routing inside the server: runs the dispatcher when something may let a conversation move
 * (a customer writes, an agent comes online or frees a place, a supervisor changes the rules) and
 * tells the consoles about every change it makes.
 */
export class RoutingService {
  readonly dispatcher: Dispatcher;
  private readonly bus: RoutingBus;

  constructor(private readonly ctx: RoutingDeps) {
    this.dispatcher = new Dispatcher({
      db: ctx.db.kysely,
      clock: ctx.clock,
      onChange: (c) => ctx.commits.publish(conversationChanged(c, 'routing')),
    });
    this.bus = new RoutingBus(ctx.db.url, ctx.logger, (workspaceId) => this.kick(workspaceId));
    ctx.commits.subscribe((changes) => this.onCommit(changes));
  }

  /**
   * A customer wrote: each waiting conversation is routed, a batch of them in one pass over the
   * workspace's queue; a status change may free a place. Routing's own changes are not news here.
   */
  private onCommit(changes: readonly Change[]): void {
    const inbound = new Map<string, Change & { kind: 'conversation' }>();
    const statusOf = new Set<string>();
    for (const c of changes) {
      if (c.kind !== 'conversation') continue;
      if (c.cause === 'inbound') inbound.set(c.conversation.id, c);
      if (c.cause === 'status') statusOf.add(c.conversation.workspaceId);
    }
    const waitingBy = new Map<string, number>();
    for (const c of inbound.values()) {
      const conv = c.conversation;
      if (conv.routing.waitingSince && !conv.routing.offeredTo) waitingBy.set(conv.workspaceId, (waitingBy.get(conv.workspaceId) ?? 0) + 1);
    }
    for (const c of inbound.values()) {
      const conv = c.conversation;
      // Many at once: one run over the queue places them all, in queue order.
      if ((waitingBy.get(conv.workspaceId) ?? 0) > 1 && conv.routing.waitingSince && !conv.routing.offeredTo) continue;
      this.afterInbound(conv);
    }
    for (const [workspaceId, n] of waitingBy) if (n > 1) this.kick(workspaceId);
    for (const workspaceId of statusOf) this.kickEverywhere(workspaceId);
  }

  /** Starts hearing other nodes' requests to route (when the node starts listening). */
  start(): Promise<void> {
    return this.bus.start();
  }

  stop(): Promise<void> {
    return this.bus.stop();
  }

  /**
   * Routes here and asks the other nodes to route too: for changes that free capacity or bring
   * an agent, which a node deciding from a slightly older snapshot would otherwise miss until its
   * next run.
   */
  kickEverywhere(workspaceId: string): void {
    this.kick(workspaceId);
    this.bus.publish(this.ctx.db.pool, workspaceId).catch((error: unknown) => {
      this.ctx.logger.warn(
        { workspaceId, error: error instanceof Error ? error.message : String(error) },
        'could not tell other nodes to route',
      );
    });
  }

  /**
   * Routes the workspace's queue soon, in this process. A failed run is logged and tried again a
   * little later (the minute sweep is the last resort), so one failure does not leave customers
   * waiting until something else happens.
   */
  kick(workspaceId: string, attempt = 0): void {
    // Something changed (an agent, the rules, capacity, another node's news): decide afresh.
    this.dispatcher.invalidate(workspaceId);
    this.dispatcher.kick(workspaceId).catch((error: unknown) => {
      this.ctx.logger.error({ workspaceId, attempt, error: error instanceof Error ? error.message : String(error) }, 'routing run failed');
      if (attempt < 3) setTimeout(() => this.kick(workspaceId, attempt + 1), 500 * 2 ** attempt).unref();
    });
  }

  /** Routes the queue and waits for it (timers and tests). */
  async route(workspaceId: string) {
    return this.dispatcher.kick(workspaceId);
  }

  /** Runs everything time makes due in the workspace, then routes (the job queue's timers call this). */
  async sweep(workspaceId: string, dueAt?: Date) {
    return sweep(
      this.dispatcher,
      workspaceId,
      (c, previous) => this.ctx.commits.publish(conversationChanged(c, 'routing', previous)),
      dueAt ? { dueAt } : {},
    );
  }

  /** After a customer wrote: a waiting conversation is routed; an assigned one gets its next-response deadline. */
  afterInbound(conversation: Conversation): void {
    if (conversation.routing.waitingSince && !conversation.routing.offeredTo) {
      // Just this conversation, not a pass over the whole queue; a run under way may hold it,
      // in which case that run places it.
      this.dispatcher.routeConversation(conversation.workspaceId, conversation.id).catch((error: unknown) => {
        this.ctx.logger.error(
          { conversationId: conversation.id, error: error instanceof Error ? error.message : String(error) },
          'routing failed',
        );
        this.kick(conversation.workspaceId);
      });
      return;
    }
    // Assigned or on offer: it stays where it is, and gets its next-response deadline.
    if ((conversation.assigneeId || conversation.routing.offeredTo) && conversation.status === 'open') {
      this.dispatcher
        .refreshSla(conversation.workspaceId, conversation.id)
        .then((updated) => {
          if (updated) this.ctx.commits.publish(conversationChanged(updated, 'routing'));
        })
        .catch((error: unknown) => this.ctx.logger.error({ conversationId: conversation.id, error: String(error) }, 'SLA refresh failed'));
    }
  }

  /** After a status change: a resolved or snoozed conversation frees a place, a reopened one waits. */
  afterStatusChange(conversation: Conversation): void {
    this.kickEverywhere(conversation.workspaceId);
  }

  async setStatus(workspaceId: string, userId: string, status: AgentStatus): Promise<AgentView> {
    await setAgentStatus(this.ctx.db.kysely, workspaceId, userId, status, this.ctx.clock());
    return this.afterAgentChange(workspaceId, await getAgentView(this.ctx.db.kysely, workspaceId, userId), status);
  }

  async updateProfile(workspaceId: string, userId: string, patch: ProfilePatch): Promise<AgentView> {
    const view = await updateAgentProfile(this.ctx.db.kysely, workspaceId, userId, patch, this.ctx.clock());
    return this.afterAgentChange(workspaceId, view, patch.status);
  }

  private afterAgentChange(workspaceId: string, view: AgentView, status: AgentStatus | undefined): AgentView {
    this.ctx.realtime.agent(workspaceId, view);
    // Going offline hands their conversations on at once; any other change may let the queue move.
    if (status === 'offline') {
      this.sweep(workspaceId).catch((error: unknown) =>
        this.ctx.logger.error({ workspaceId, error: String(error) }, 'routing sweep failed'),
      );
    } else {
      this.kickEverywhere(workspaceId);
    }
    return view;
  }

  async answerOffer(workspaceId: string, conversationId: string, agentId: string, accept: boolean): Promise<Conversation> {
    const conv = await answerOffer(this.ctx.db.kysely, workspaceId, conversationId, agentId, accept, this.ctx.clock());
    this.ctx.commits.publish(conversationChanged(conv, 'agent', agentId));
    if (accept) this.afterInbound(conv);
    else this.kick(workspaceId);
    return conv;
  }

  async setPriority(workspaceId: string, conversationId: string, priority: number | null, actor: Actor): Promise<Conversation> {
    const conv = await setRequestedPriority(this.ctx.db.kysely, workspaceId, conversationId, priority, actor);
    this.ctx.commits.publish(conversationChanged(conv, 'agent'));
    this.kick(workspaceId);
    return conv;
  }

  async assign(
    workspaceId: string,
    conversationId: string,
    to: { agentId: string | null; teamId?: string | null },
    actor: Actor,
    previousHolder: string | null = null,
  ) {
    const conv = await assignManually(this.ctx.db.kysely, workspaceId, conversationId, to, actor, this.ctx.clock());
    this.ctx.commits.publish(conversationChanged(conv, 'agent', previousHolder));
    this.kickEverywhere(workspaceId);
    return conv;
  }
}
