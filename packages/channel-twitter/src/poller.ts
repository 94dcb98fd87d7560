import type { AccountStateReport, ChannelContext, SavedSearch, UsageStatus } from '@centralita/channel-kit';
import type { TwitterApi } from 'twitter-api-v2';
import { classify, type XApiFailure } from './client.ts';
import type { TwitterConfig } from './config.ts';
import { AccountStops, degraded } from './health.ts';
import type { Brand } from './parse/index.ts';
import { type ReadOutcome, readDirectMessages, readMentions, readSearch } from './reads.ts';

/** The longest a failing read waits before it is tried again. */
const MAX_BACKOFF_MS = 5 * 60_000;

interface Task {
  name: string;
  /** What the task reads, for the account's state sentence. */
  what: string;
  everyMs: number;
  dueAt: number;
  failures: number;
  /** What to tell the admins while this read waits after a failure (a rate limit, an outage); null when it reads fine. */
  problem: AccountStateReport | null;
  run(): Promise<ReadOutcome | undefined>;
}

export interface PollerDeps {
  ctx: ChannelContext;
  config: TwitterConfig;
  user: TwitterApi;
  brand: Brand;
  /** Webhook mode: checks that X still has the webhook valid (re-validating it), true when it is. */
  checkWebhook?: () => Promise<boolean>;
}

/**
 * Runs the account's reads on their own schedules: the mentions, the DMs, each saved search, and
 * with the webhook on, its health. Each read is retried on its own after a failure (at the rate
 * limit's reset, or with backoff), and every read stops while X has stopped the account (402, the
 * monthly cap) or the account's budget is spent.
 */
export class Poller {
  readonly #tasks = new Map<string, Task>();
  readonly #stops: AccountStops;
  #last: AccountStateReport | null = null;
  #searchLastRun = new Map<string, number>();

  constructor(private readonly deps: PollerDeps) {
    this.#stops = new AccountStops(deps.ctx);
    const { config } = deps;
    const read = { ctx: deps.ctx, user: deps.user, brand: deps.brand };
    const reconcileMs = config.reconcileSeconds * 1000;
    const now = deps.ctx.now().getTime();
    if (config.mentions) {
      this.#add({
        name: 'mentions',
        what: 'the mentions',
        everyMs: config.webhook ? reconcileMs : config.mentionsIntervalSeconds * 1000,
        dueAt: now,
        run: () => readMentions(read),
      });
    }
    if (config.directMessages) {
      this.#add({
        name: 'dms',
        what: 'the DMs',
        everyMs: config.webhook ? reconcileMs : config.directMessagesIntervalSeconds * 1000,
        dueAt: now,
        run: () => readDirectMessages(read),
      });
    }
    if (config.listening)
      this.#add({
        name: 'searches',
        what: 'the saved searches',
        everyMs: Math.min(5_000, config.mentionsIntervalSeconds * 1000),
        dueAt: now,
        run: () => this.#runSearches(),
      });
    const check = deps.checkWebhook;
    if (check) {
      this.#add({
        name: 'webhook',
        what: 'the webhook',
        everyMs: config.webhookCheckSeconds * 1000,
        dueAt: now + config.webhookCheckSeconds * 1000,
        run: async () => {
          // A webhook X marked invalid has dropped deliveries: re-validated, and read by polling
          // from the last post stored, nothing is lost.
          if (await check()) return undefined;
          this.fillGap();
          // Degraded until a check finds it valid again, whatever the reads do meanwhile.
          return {
            stored: 0,
            failed: false,
            problem: {
              state: 'degraded',
              detail: 'X marked the webhook invalid: re-validating it, and reading mentions and DMs by polling meanwhile.',
            },
          };
        },
      });
    }
  }

  /** Reads the mentions and DMs at once (a webhook found invalid, a gap to fill). */
  fillGap(): void {
    const now = this.deps.ctx.now().getTime();
    for (const name of ['mentions', 'dms']) {
      const task = this.#tasks.get(name);
      if (task) task.dueAt = now;
    }
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const tickMs = Math.max(20, Math.min(1_000, ...[...this.#tasks.values()].map((t) => t.everyMs)));
    while (!signal.aborted) {
      await this.#tick();
      await sleep(tickMs, signal);
    }
  }

  async #tick(): Promise<void> {
    const { ctx } = this.deps;
    const stop = await this.#stops.current();
    if (stop) return this.#report({ state: 'out_of_credits', detail: stop.reason });
    const usage = await ctx.usage.status();
    if (usage.state === 'exhausted') {
      return this.#report({
        state: 'degraded',
        detail: `Paused: the monthly budget of ${money(usage)} is spent. Reading resumes when an admin raises it or the month turns; replies wait.`,
      });
    }
    for (const task of this.#tasks.values()) {
      if (task.dueAt > ctx.now().getTime()) continue;
      try {
        const outcome = await task.run();
        // A message that could not be stored (the database away) is read again soon, not a whole
        // interval later; the cursor stopped before it.
        task.failures = outcome?.failed ? task.failures + 1 : 0;
        task.problem = outcome?.problem ?? null;
        const wait = outcome?.failed ? Math.min(task.everyMs, 500 * 2 ** Math.min(task.failures, 8)) : task.everyMs;
        // With the endpoint's calls spent, the next read waits for X's reset instead of earning a 429.
        task.dueAt = Math.max(ctx.now().getTime() + wait, outcome?.waitUntil?.getTime() ?? 0);
      } catch (err) {
        const failure = classify(err);
        if (failure.kind === 'usage_cap' || failure.kind === 'no_credits') {
          await this.#stops.stopFor(failure);
          return;
        }
        await this.#failed(task, failure);
        return;
      }
    }
    // A read still waiting for a reset or a retry keeps the account degraded: the other reads
    // going well does not make it ready.
    const waiting = [...this.#tasks.values()].find((t) => t.problem !== null)?.problem;
    await this.#report(waiting ?? this.#readyReport(await ctx.usage.status()));
  }

  async #failed(task: Task, failure: XApiFailure): Promise<void> {
    const now = this.deps.ctx.now().getTime();
    task.failures++;
    const backoff = Math.min(MAX_BACKOFF_MS, task.everyMs * 2 ** Math.min(task.failures, 10));
    const retryAt =
      failure.kind === 'rate_limited' ? Math.max(failure.resetAt?.getTime() ?? now + 60_000, now + 1_000) : now + Math.max(backoff, 1_000);
    task.dueAt = retryAt;
    this.deps.ctx.logger.warn(
      { read: task.name, kind: failure.kind, status: failure.status, retryAt: new Date(retryAt) },
      'an X read failed',
    );
    task.problem = degraded(task.what, failure, new Date(retryAt));
    await this.#report(task.problem);
  }

  async #runSearches(): Promise<ReadOutcome | undefined> {
    const searches: SavedSearch[] = await this.deps.ctx.listening.searches();
    const now = this.deps.ctx.now().getTime();
    const read = { ctx: this.deps.ctx, user: this.deps.user, brand: this.deps.brand };
    for (const search of searches) {
      const last = this.#searchLastRun.get(search.id);
      if (last !== undefined && now - last < search.intervalSeconds * 1000) continue;
      await readSearch(read, search);
      this.#searchLastRun.set(search.id, now);
    }
    return undefined;
  }

  #readyReport(usage: UsageStatus): AccountStateReport {
    const { config } = this.deps;
    const how = config.webhook
      ? `X delivers by webhook; mentions and DMs are also reconciled every ${seconds(config.reconcileSeconds)}.`
      : `Reading ${[
          config.mentions ? `mentions every ${seconds(config.mentionsIntervalSeconds)}` : null,
          config.directMessages ? `DMs every ${seconds(config.directMessagesIntervalSeconds)}` : null,
        ]
          .filter(Boolean)
          .join(' and ')}.`;
    const budget =
      usage.state === 'warning' && usage.budget !== null
        ? ` ${Math.floor((usage.spent / usage.budget) * 100)}% of the monthly budget is spent (${usage.spent.toFixed(2)} of ${money(usage)}).`
        : '';
    return { state: 'ready', detail: `${how}${budget}` };
  }

  async #report(report: AccountStateReport): Promise<void> {
    if (this.#last?.state === report.state && this.#last.detail === report.detail) return;
    this.#last = report;
    await this.deps.ctx.reportState(report);
  }

  #add(task: Omit<Task, 'failures' | 'problem'>): void {
    this.#tasks.set(task.name, { ...task, failures: 0, problem: null });
  }
}

function money(usage: UsageStatus): string {
  return `${(usage.budget ?? 0).toFixed(2)} ${usage.currency}`;
}

function seconds(s: number): string {
  return s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
