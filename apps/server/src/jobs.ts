import { EventEmitter } from 'node:events';
import { budgetHoldReason, ConfigError, nextMonthStart, SendError } from '@centralita/channel-kit';
import { CentralitaError, SYSTEM_ACTOR } from '@centralita/core';
import {
  clearSentParts,
  fileReplyTokens,
  findMessage,
  getConversation,
  holdMessage,
  recordDelivery,
  releaseHeldMessages,
  sentAfterCancel,
} from '@centralita/db';
import { ROUTING_TIMER_TASK } from '@centralita/dispatcher';
import { type Runner, run, type Task, type WorkerEvents, Logger as WorkerLogger } from 'graphile-worker';
import type { AppContext } from './context.ts';
import { WorkerNodes } from './pipeline/worker-nodes.ts';
import { purgeStaleUploads } from './routes/uploads.ts';
import { BROADCAST_FANOUT_TASK, BROADCAST_SETTLE_TASK, type FanOutPayload } from './services/broadcasts.ts';
import { EMAIL_FOLLOW_UP_TASK, type FollowUpPayload, scheduleCopyByEmail, sendFollowUp } from './services/email-follow-up.ts';
import type { Inbox } from './services/inbox.ts';
import { INCIDENT_BUCKETS_PRUNE_TASK, INCIDENT_DETECT_TASK } from './services/incident-detector.ts';
import { buildOutbound } from './services/outbound.ts';

interface SendPayload {
  messageId: string;
  workspaceId: string;
  /** Attempts made by earlier jobs for this message, when a channel asked to wait before the next. */
  earlierAttempts?: number;
}

const ROUTING_SWEEP_ALL = 'routing_sweep_all';
const PURGE_UPLOADS = 'purge_pending_uploads';
const INCIDENT_CATCH_UP = 'incident_catch_up';

/** A channel's "retry after" is honoured up to this; a longer wait is more likely a fault than a plan. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
/** A held reply (`SendError.hold`) is tried again after this when the channel did not say. */
const DEFAULT_HOLD_MS = 60 * 60 * 1000;
/** The longest a hold waits before looking again: past a month's turn is never planned. */
const MAX_HOLD_MS = 32 * 24 * 60 * 60 * 1000;

/**
 * Sends one queued reply through its channel. Runs at least once per message: a retry after a
 * crash finds the message already sent and stops, and adapters get the same message id each time
 * to use as their idempotency key. A permanent failure is shown on the message at once; a
 * temporary one is retried with graphile-worker's exponential backoff until attempts run out.
 */
function sendMessageTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const { messageId, workspaceId, earlierAttempts = 0 } = raw as SendPayload;
    const message = await findMessage(ctx.db.kysely, workspaceId, messageId);
    if (message?.direction !== 'outbound' || message.deliveryState !== 'queued') {
      // A run that died between committing `sent` and marking the conversation answered: this
      // rerun finishes that (idempotent; a message that is not a broadcast's is left alone).
      if (message?.direction === 'outbound' && message.deliveryState !== 'failed') await ctx.broadcasts.afterSend(message);
      return;
    }
    const conv = await getConversation(ctx.db.kysely, workspaceId, message.conversationId);
    const fail = async (reason: string) => {
      const updated = await recordDelivery(ctx.db.kysely, { workspaceId, messageId }, { state: 'failed', reason });
      if (updated) ctx.commits.publish([{ kind: 'message', conversation: conv, message: updated, created: false }]);
      if (updated) await ctx.broadcasts.afterSend(updated);
    };
    // Waiting is not failing: the reply stays queued with the reason the agent reads, and the next
    // try is a fresh job under the same key, given back the attempt this one took.
    const hold = async (reason: string, waitMs: number) => {
      const used = helpers.job.attempts - 1;
      await helpers.addJob('send_message', { messageId, workspaceId, earlierAttempts: earlierAttempts + used } satisfies SendPayload, {
        jobKey: `send:${messageId}`,
        runAt: new Date(Date.now() + Math.min(Math.max(waitMs, 0), MAX_HOLD_MS)),
        maxAttempts: helpers.job.max_attempts - used,
        priority: helpers.job.priority,
      });
      const updated = await holdMessage(ctx.db.kysely, { workspaceId, messageId }, reason);
      if (updated) ctx.commits.publish([{ kind: 'message', conversation: conv, message: updated, created: false }]);
      ctx.logger.info({ messageId, reason, retryInMs: waitMs }, 'reply held');
    };
    // Every way this can go wrong ends visibly: a permanent problem fails the message at once with
    // its reason, a temporary one is retried, and the last attempt fails it instead of leaving it
    // queued for ever.
    try {
      const live = await ctx.channels.connection(message.channelAccountId);
      if (!live) return await fail('The channel account is inactive or its channel is not installed on this server.');
      if (live.adapter.metering) {
        const usage = await ctx.usage.status(live.account, live.adapter);
        if (usage?.state === 'exhausted') {
          // Until an admin raises the budget (which releases it at once) or the month turns.
          await hold(budgetHoldReason(usage), nextMonthStart(usage.month).getTime() - ctx.clock().getTime());
          // A budget raised while this attempt decided found nothing held yet to release: look again.
          if ((await ctx.usage.status(live.account, live.adapter))?.state !== 'exhausted') {
            const where = { workspaceId, channelAccountId: live.account.id };
            for (const m of await releaseHeldMessages(ctx.db.kysely, where, SYSTEM_ACTOR)) {
              const c = m.conversationId === conv.id ? conv : await getConversation(ctx.db.kysely, workspaceId, m.conversationId);
              ctx.commits.publish([{ kind: 'message', conversation: c, message: m, created: false }]);
            }
          }
          return;
        }
      }
      const outbound = await buildOutbound(ctx, conv, message, live.adapter);
      const result = await live.connection.send(outbound);
      await fileReplyTokens(
        ctx.db.kysely,
        { workspaceId, channelAccountId: message.channelAccountId, conversationId: conv.id },
        result.replyTokens ?? [],
      );
      let updated = await recordDelivery(
        ctx.db.kysely,
        { workspaceId, messageId },
        { state: result.state, externalIds: result.externalIds },
      );
      // A broadcast cancelled while this send was with the channel went out after all: it is sent.
      if (updated?.deliveryState === 'failed')
        updated = (await sentAfterCancel(ctx.db.kysely, { workspaceId, messageId }, result.state)) ?? updated;
      if (updated) ctx.commits.publish([{ kind: 'message', conversation: conv, message: updated, created: false }]);
      // A broadcast's message answers its conversation once it is out (first response, by a broadcast).
      if (updated) await ctx.broadcasts.afterSend(updated);
      // The whole reply is recorded now; its part-by-part progress has done its job.
      await clearSentParts(ctx.db.kysely, workspaceId, messageId);
      // A web-form customer reads replies on their page, and gets a copy by email too.
      if (live.capabilities.customerPortal) await scheduleCopyByEmail(ctx, conv, messageId);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // The channel says wait (out of credits, a usage cap): no attempt used, no retry loop.
      if (err instanceof SendError && err.hold !== null) return hold(err.hold, err.retryAfterMs ?? DEFAULT_HOLD_MS);
      if ((err instanceof SendError && !err.retryable) || err instanceof ConfigError) return fail(reason);
      const attempts = earlierAttempts + helpers.job.attempts;
      if (helpers.job.attempts >= helpers.job.max_attempts) return fail(`Gave up after ${attempts} attempts: ${reason}`);
      ctx.logger.warn({ messageId, attempt: attempts, error: reason }, 'send failed; will retry');
      if (err instanceof SendError && err.retryAfterMs !== null) {
        // The channel said when to come back (a rate limit's reset): a fresh job runs then, with
        // the attempts left, in place of graphile-worker's own backoff. The key moves to the new
        // job, and this one ends successfully.
        const waitMs = Math.min(Math.max(err.retryAfterMs, 0), MAX_RETRY_AFTER_MS);
        await helpers.addJob('send_message', { messageId, workspaceId, earlierAttempts: attempts } satisfies SendPayload, {
          jobKey: `send:${messageId}`,
          runAt: new Date(Date.now() + waitMs),
          maxAttempts: helpers.job.max_attempts - helpers.job.attempts,
          // The conversation's urgency stays with the reply while it waits.
          priority: helpers.job.priority,
        });
        return;
      }
      throw err;
    }
  };
}

function wakeSnoozedTask(inbox: Inbox): Task {
  return async (raw) => {
    const { conversationId, workspaceId } = raw as { conversationId: string; workspaceId: string };
    try {
      await inbox.setStatus(workspaceId, conversationId, { type: 'wake' }, SYSTEM_ACTOR);
    } catch (err) {
      // Reopened or re-snoozed by someone since: nothing to wake.
      if (!(err instanceof CentralitaError)) throw err;
    }
  };
}

/** A routing timer (an offer's expiry, an escalation step, an SLA deadline): sweep its workspace. */
function routingTimerTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const { workspaceId } = raw as { workspaceId: string };
    await ctx.routing.sweep(workspaceId, new Date(helpers.job.run_at));
  };
}

/**
 * Every minute, each workspace with routing is swept: shifts start and end on the minute, and a
 * lost timer (a database restored from backup) costs at most a minute.
 */
function routingSweepAllTask(ctx: AppContext): Task {
  return async () => {
    const rows = await ctx.db.kysely.selectFrom('agent_profiles').select('workspace_id').distinct().execute();
    for (const { workspace_id } of rows) {
      try {
        await ctx.routing.sweep(workspace_id);
      } catch (error) {
        // One workspace's trouble must not stop the others' routing.
        ctx.logger.error(
          { workspaceId: workspace_id, error: error instanceof Error ? error.message : String(error) },
          'routing sweep failed',
        );
      }
    }
  };
}

// What runs on the clock, on whichever node's worker takes it first: routing sweeps every minute,
// incident catch-up, detection and broadcast settling every minute, cleanups hourly.
const PERIODIC: [string, string][] = [
  ['* * * * *', ROUTING_SWEEP_ALL],
  ['17 * * * *', PURGE_UPLOADS],
  ['* * * * *', INCIDENT_CATCH_UP],
  ['* * * * *', INCIDENT_DETECT_TASK],
  ['41 * * * *', INCIDENT_BUCKETS_PRUNE_TASK],
  ['* * * * *', BROADCAST_SETTLE_TASK],
];

/** The tasks the clock starts (not a request): tests that count jobs leave them out. */
export const PERIODIC_TASKS: readonly string[] = PERIODIC.map(([, task]) => task);

/** Starts the job worker in this process (outbound sends and timers). */
export async function startWorker(ctx: AppContext, inbox: Inbox, options: { concurrency?: number } = {}): Promise<Runner> {
  const logger = new WorkerLogger((scope) => (level, message, meta) => {
    const line = { ...scope, ...meta };
    if (level === 'error') ctx.logger.error(line, message);
    else if (level === 'warning') ctx.logger.warn(line, message);
    else ctx.logger.debug(line, message);
  });
  // The workers' ids and a heartbeat go to worker_nodes, so a live node can release this one's jobs if it dies.
  const events = new EventEmitter() as WorkerEvents;
  const nodes = new WorkerNodes({ db: ctx.db, logger: ctx.logger, timings: ctx.settings.workerNodes }, events);
  // The row exists before any worker can lock a job, so a node killed at once is reclaimed too.
  await nodes.start();
  const runner = await run({
    pgPool: ctx.db.pool,
    concurrency: options.concurrency ?? 4,
    events,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger,
    // Uploads nobody sent are deleted hourly, once they are older than pendingUploadTtlMs (a day).
    // Incidents changed in the last minutes are scanned again each minute (services/incident-linking.ts).
    // A broadcast whose last send finished on a node that stopped since is settled within a minute.
    crontab: PERIODIC.map(([when, task]) => `${when} ${task} ?max=1`).join('\n'),
    taskList: {
      send_message: sendMessageTask(ctx),
      wake_snoozed: wakeSnoozedTask(inbox),
      [EMAIL_FOLLOW_UP_TASK]: async (raw) => {
        const payload = raw as FollowUpPayload;
        await sendFollowUp(ctx, payload, () => inbox.customerLink(payload.workspaceId, payload.conversationId));
      },
      [ROUTING_TIMER_TASK]: routingTimerTask(ctx),
      [ROUTING_SWEEP_ALL]: routingSweepAllTask(ctx),
      [PURGE_UPLOADS]: async () => {
        await purgeStaleUploads(ctx);
      },
      [INCIDENT_CATCH_UP]: async () => {
        await ctx.incidents.catchUp();
      },
      // Spike detection over every workspace each minute; inbound buckets older than a week go hourly.
      [INCIDENT_DETECT_TASK]: async () => {
        await ctx.incidentDetector.detectAll();
      },
      [INCIDENT_BUCKETS_PRUNE_TASK]: async () => {
        await ctx.incidentDetector.prune();
      },
      [BROADCAST_FANOUT_TASK]: async (raw, helpers) => {
        await ctx.broadcasts.fanOut(raw as FanOutPayload, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
      },
      [BROADCAST_SETTLE_TASK]: async () => {
        await ctx.broadcasts.settleAll();
      },
    },
  }).catch(async (err: unknown) => {
    await nodes.stop();
    throw err;
  });
  await nodes.sync();
  return { ...runner, stop: (reason) => runner.stop(reason).finally(() => nodes.stop()) };
}
