import { type Actor, CentralitaError } from '@centralita/core';
import {
  appendIncidentEvent,
  type BroadcastProgress,
  type BroadcastRecord,
  broadcastProgress,
  cancelBroadcast,
  findBroadcast,
  findChannelAccounts,
  findIncident,
  type Incident,
  insertBroadcast,
  listBroadcasts,
  listSendingBroadcasts,
  lockLiveBroadcast,
  markAnsweredByBroadcast,
  type StoredMessage,
  setBroadcastState,
  skipPendingRecipients,
} from '@centralita/db';
import type { AppLogger } from '../logger.ts';
import { type CommitStream, conversationChanged } from '../pipeline/commits.ts';
import { type BroadcastEstimate, type BroadcastInput, type PlanDeps, planBroadcast } from './broadcast-estimate.ts';
import { addFanOutJob, type FanOutDeps, type FanOutPayload, fanOutChunk } from './broadcast-fanout.ts';
import { type BroadcastView, viewOf } from './broadcast-view.ts';

export type { BroadcastEstimate, BroadcastInput } from './broadcast-estimate.ts';
export { BROADCAST_FANOUT_TASK, type FanOutPayload } from './broadcast-fanout.ts';

/** Each minute: broadcasts still sending whose sends all ended (on any node, or one that stopped since) are settled. */
export const BROADCAST_SETTLE_TASK = 'broadcast_settle';
export type { BroadcastView } from './broadcast-view.ts';

export interface BroadcastsDeps extends PlanDeps, FanOutDeps {
  logger: AppLogger;
  commits: CommitStream;
  /** Tells the workspace's supervisors and admins (socket.io). */
  emit(workspaceId: string, name: string, payload: Record<string, unknown>): void;
}

/** `broadcast.progress` at most this often per broadcast and node, and once at the end. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * An incident's status updates (docs/incidents.md, "Broadcasts"): planned per linked conversation
 * on its own channel, estimated before they are sent, fanned out in chunks by a job (each chunk's
 * messages and send jobs in one transaction) and sent by the outbox like any reply. A conversation
 * a broadcast reached counts as answered, by a broadcast.
 */
export class Broadcasts {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #lastEmit = new Map<string, number>();
  #stopped = false;

  constructor(private readonly deps: BroadcastsDeps) {}

  async estimate(workspaceId: string, incidentId: string, input: BroadcastInput): Promise<BroadcastEstimate> {
    return (await planBroadcast(this.deps, await this.#incident(workspaceId, incidentId), input)).estimate;
  }

  /** The broadcast, its recipients (pending or skipped with the reason) and its fan-out job, in one transaction. */
  async start(
    workspaceId: string,
    incidentId: string,
    input: BroadcastInput & { kind: 'update' | 'closing' },
    actor: Actor,
  ): Promise<BroadcastView> {
    const incident = await this.#incident(workspaceId, incidentId);
    if (incident.status !== 'active') {
      throw new CentralitaError('conflict', `${incident.ref} is ${incident.status}: only an active incident's conversations get updates.`);
    }
    if (input.publicPost) {
      throw new CentralitaError(
        'validation_failed',
        'publicPost: a standalone post is not supported yet (the X channel sends replies and DMs only); leave it out.',
        [{ field: 'publicPost', message: 'not supported yet' }],
      );
    }
    const plan = await planBroadcast(this.deps, incident, input);
    const now = this.deps.clock();
    const record = await this.deps.db.kysely.transaction().execute(async (trx) => {
      const live = await lockLiveBroadcast(trx, { workspaceId, incidentId, kind: input.kind, text: input.text });
      if (live) {
        throw new CentralitaError(
          'conflict',
          `This update is already being sent to ${incident.ref} (broadcast ${live.id}, ${live.state.replace('_', ' ')}): wait for it to finish, or cancel it, before sending it again.`,
        );
      }
      const made = await insertBroadcast(trx, {
        workspaceId,
        incidentId,
        kind: input.kind,
        text: input.text,
        variants: input.variants ?? [],
        options: {
          whatsappTemplate: input.whatsappTemplate ?? null,
          rates: input.rates ?? {},
          // Resolved now, so the fan-out asks the provider nothing.
          templates: Object.fromEntries(plan.templates),
        },
        estimate: plan.estimate as unknown as Record<string, unknown>,
        createdBy: actor.type === 'user' ? actor.id : null,
        now,
        recipients: plan.recipients,
      });
      await addFanOutJob(trx, { workspaceId, broadcastId: made.id });
      await appendIncidentEvent(trx, {
        workspaceId,
        incidentId,
        type: 'incident.broadcast_started',
        actor,
        data: {
          broadcastId: made.id,
          kind: input.kind,
          recipients: plan.estimate.recipients,
          skipped: made.recipients - plan.estimate.recipients,
        },
        at: now,
      });
      return made;
    });
    this.deps.logger.info(
      { broadcastId: record.id, incidentId, kind: input.kind, recipients: plan.estimate.recipients },
      'incident broadcast started',
    );
    return this.progress(workspaceId, record.id);
  }

  async list(workspaceId: string, incidentId: string): Promise<BroadcastView[]> {
    await this.#incident(workspaceId, incidentId);
    const records = await listBroadcasts(this.deps.db.kysely, workspaceId, incidentId);
    return Promise.all(records.map((b) => this.progress(workspaceId, b.id)));
  }

  /**
   * Where the broadcast stands. When nothing is pending or queued any more it is done: this call
   * (or the send that finished it) records that once, in the incident's log.
   */
  async progress(workspaceId: string, broadcastId: string): Promise<BroadcastView> {
    return (await this.#read(workspaceId, broadcastId)).view;
  }

  async #read(workspaceId: string, broadcastId: string): Promise<{ view: BroadcastView; finishedNow: boolean }> {
    const db = this.deps.db.kysely;
    let b = await findBroadcast(db, workspaceId, broadcastId);
    if (!b) throw new CentralitaError('not_found', `No broadcast ${broadcastId} in this workspace.`);
    const p = await broadcastProgress(db, workspaceId, broadcastId);
    let finished = false;
    if (b.state === 'sending' && p.totals.pending === 0 && p.totals.queued === 0) {
      const now = this.deps.clock();
      const record = b;
      finished = await db.transaction().execute(async (trx) => {
        if (!(await setBroadcastState(trx, record.id, ['sending'], 'done', now))) return false;
        await appendIncidentEvent(trx, {
          workspaceId,
          incidentId: record.incidentId,
          type: 'incident.broadcast_finished',
          actor: { type: 'system', id: null },
          data: { broadcastId: record.id, kind: record.kind, totals: p.totals },
          at: now,
        });
        return true;
      });
      b = (await findBroadcast(db, workspaceId, broadcastId)) ?? b;
      if (finished) {
        this.deps.logger.info({ broadcastId, totals: p.totals }, 'incident broadcast finished');
        this.#emit(workspaceId, b, p);
      }
    }
    const accounts = await findChannelAccounts(
      db,
      p.byChannel.flatMap((l) => (l.channelAccountId ? [l.channelAccountId] : [])),
    );
    return { view: viewOf(b, p, accounts), finishedNow: finished };
  }

  /** Stops what the broadcast has not sent yet; what is already with a channel still arrives. */
  async cancel(workspaceId: string, broadcastId: string, actor: Actor, actorName: string): Promise<BroadcastView> {
    const db = this.deps.db.kysely;
    const now = this.deps.clock();
    const failed = await cancelBroadcast(db, { workspaceId, broadcastId }, `Cancelled by ${actorName}`, now);
    if (!failed) {
      const b = await findBroadcast(db, workspaceId, broadcastId);
      if (!b) throw new CentralitaError('not_found', `No broadcast ${broadcastId} in this workspace.`);
      throw new CentralitaError('conflict', `The broadcast is ${b.state}: there is nothing left to cancel.`);
    }
    for (const f of failed)
      this.deps.commits.publish([{ kind: 'message', conversation: f.conversation, message: f.message, created: false }]);
    const view = await this.progress(workspaceId, broadcastId);
    await appendIncidentEvent(db, {
      workspaceId,
      incidentId: view.incidentId,
      type: 'incident.broadcast_finished',
      actor,
      data: { broadcastId, kind: view.kind, cancelled: true, totals: view.totals },
      at: now,
    });
    this.deps.emit(workspaceId, 'broadcast.progress', progressPayload(view));
    return view;
  }

  /**
   * The fan-out job: one chunk of pending recipients becomes queued messages (broadcast-fanout.ts)
   * with the job for the next chunk; when none is left the broadcast is sending.
   */
  async fanOut(payload: FanOutPayload, options: { lastAttempt?: boolean } = {}): Promise<void> {
    const db = this.deps.db.kysely;
    const b = await findBroadcast(db, payload.workspaceId, payload.broadcastId);
    if (b?.state !== 'fanning_out') return;
    const incident = await findIncident(db, b.workspaceId, b.incidentId);
    if (!incident) return;
    let queued: Awaited<ReturnType<typeof fanOutChunk>>;
    try {
      queued = await fanOutChunk(this.deps, b, incident);
    } catch (err) {
      if (!options.lastAttempt) throw err;
      // Out of attempts: whoever is left is skipped with the reason, and the broadcast moves on
      // (what was queued still goes) instead of fanning out for ever.
      const reason = `The update could not be prepared: ${err instanceof Error ? err.message : String(err)}`;
      const skipped = await skipPendingRecipients(db, b.id, reason);
      this.deps.logger.error({ broadcastId: b.id, skipped, error: reason }, 'broadcast fan-out gave up');
      queued = null;
    }
    if (queued === null) {
      await setBroadcastState(db, b.id, ['fanning_out'], 'sending', null);
      await this.#settle(b.workspaceId, b.id);
      return;
    }
    for (const q of queued) {
      this.deps.commits.publish([
        { kind: 'message', conversation: q.conversation, message: q.message, created: true },
        { kind: 'conversation', conversation: q.conversation, created: false, cause: 'agent' },
      ]);
    }
    this.#progressSoon(b.workspaceId, b.id);
  }

  /**
   * After the outbox sent (or gave up on) a message: a broadcast message that went out answers its
   * conversation (first response by a broadcast, unless a person answered first), and its
   * broadcast's progress is told. Never throws: the send is already done.
   */
  async afterSend(message: StoredMessage): Promise<void> {
    const of = broadcastOf(message.metadata);
    if (!of) return;
    try {
      if (message.deliveryState !== 'failed' && message.deliveryState !== 'queued') {
        const where = {
          workspaceId: message.workspaceId,
          conversationId: message.conversationId,
          incidentId: of.incidentId,
          queuedAt: message.createdAt,
        };
        const conv = await markAnsweredByBroadcast(this.deps.db.kysely, where, this.deps.clock());
        if (conv) this.deps.commits.publish(conversationChanged(conv, 'agent'));
      }
      this.#progressSoon(message.workspaceId, of.broadcastId);
    } catch (err) {
      this.deps.logger.error(
        { messageId: message.id, broadcastId: of.broadcastId, error: err instanceof Error ? err.message : String(err) },
        'could not record a broadcast message as the first response',
      );
    }
  }

  /** The periodic settle (BROADCAST_SETTLE_TASK): the progress timers are one node's memory, gone if it stops. */
  async settleAll(): Promise<void> {
    for (const b of await listSendingBroadcasts(this.deps.db.kysely)) {
      await this.#settle(b.workspaceId, b.id).catch((err: unknown) => {
        this.deps.logger.warn({ broadcastId: b.id, error: err instanceof Error ? err.message : String(err) }, 'broadcast settle failed');
      });
    }
  }

  /** Stops the progress timers (the node is stopping). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }

  /** Progress at most once a second per broadcast (wall-clock pacing of socket events, not business time). */
  #progressSoon(workspaceId: string, broadcastId: string): void {
    if (this.#stopped || this.#timers.has(broadcastId)) return;
    const wait = Math.max(0, (this.#lastEmit.get(broadcastId) ?? 0) + PROGRESS_EVERY_MS - Date.now());
    const timer = setTimeout(() => {
      this.#timers.delete(broadcastId);
      this.#lastEmit.set(broadcastId, Date.now());
      this.#settle(workspaceId, broadcastId).catch((err: unknown) => {
        this.deps.logger.warn({ broadcastId, error: err instanceof Error ? err.message : String(err) }, 'broadcast progress failed');
      });
    }, wait);
    timer.unref();
    this.#timers.set(broadcastId, timer);
  }

  async #settle(workspaceId: string, broadcastId: string): Promise<void> {
    const { view, finishedNow } = await this.#read(workspaceId, broadcastId);
    // #read told the end itself when it finished the broadcast.
    if (!finishedNow) this.deps.emit(workspaceId, 'broadcast.progress', progressPayload(view));
    if (view.state === 'done' || view.state === 'cancelled') this.#lastEmit.delete(broadcastId);
  }

  #emit(workspaceId: string, b: BroadcastRecord, p: BroadcastProgress): void {
    this.deps.emit(
      workspaceId,
      'broadcast.progress',
      progressPayload({ id: b.id, incidentId: b.incidentId, state: b.state, totals: p.totals }),
    );
  }

  async #incident(workspaceId: string, incidentId: string): Promise<Incident> {
    const incident = await findIncident(this.deps.db.kysely, workspaceId, incidentId);
    if (!incident) throw new CentralitaError('not_found', `No incident ${incidentId} in this workspace.`);
    return incident;
  }
}

/** The broadcast a message belongs to, from its metadata. */
function broadcastOf(metadata: Record<string, unknown>): { broadcastId: string; incidentId: string } | null {
  const b = metadata.broadcast as { broadcastId?: unknown; incidentId?: unknown } | undefined;
  return typeof b?.broadcastId === 'string' && typeof b.incidentId === 'string'
    ? { broadcastId: b.broadcastId, incidentId: b.incidentId }
    : null;
}

function progressPayload(v: Pick<BroadcastView, 'id' | 'incidentId' | 'state' | 'totals'>): Record<string, unknown> {
  return { broadcast: { id: v.id, incidentId: v.incidentId, state: v.state, totals: v.totals } };
}
