import type { AccountStateReport, ChannelContext, HealthReport } from '@centralita/channel-kit';
import { within } from './inbound.ts';
import type { Intake } from './intake.ts';
import { QR_LIFETIME_MS, qrDataUrl } from './qr.ts';
import type { RemoteAuthStore } from './session-store.ts';
import { disconnectProblem, errorText, formatDelay, initProblem, type Problem, widLabel } from './states.ts';
import type { WebClientEvents, WebClientLike, WebClientOptions, WebModeConfig } from './types.ts';

export interface LifecycleDeps {
  ctx: ChannelContext;
  config: WebModeConfig;
  intake: Intake;
  sessions: RemoteAuthStore;
  session: string;
  clientOptions: WebClientOptions;
  createClient(options: WebClientOptions): WebClientLike | Promise<WebClientLike>;
  backoff: { initialMs: number; maxMs: number };
}

/**
 * - `starting`: Chromium launching, WhatsApp Web loading or restoring the stored session;
 * - `linking`: a QR code is up, waiting for a person;
 * - `loading`: linked, WhatsApp Web loading the chats (the step after which `ready` sometimes never comes);
 * - `ready`: receiving and sending;
 * - `waiting`: the last attempt failed, the next is scheduled;
 * - `stopped`.
 */
type Phase = 'idle' | 'starting' | 'linking' | 'loading' | 'ready' | 'waiting' | 'stopped';

/** How long Chromium may take to close, and a launch still under way to finish, before stop gives up on it. */
const TEARDOWN_MS = 15_000;
/** How long the page may take to answer a health probe. */
const PROBE_MS = 10_000;

/**
 * One account's WhatsApp Web session on this node, from start to stop: one client per attempt,
 * states reported as they change, and every failure (Chromium missing, the node offline, a
 * `ready` that never comes, a dropped link) turned into a state and another attempt after a
 * backoff that doubles up to a cap, never into a crash.
 */
export class WebLifecycle {
  private phase: Phase = 'idle';
  private client: WebClientLike | null = null;
  private detach: (() => void) | null = null;
  private init: Promise<void> | null = null;
  /** Events and failures of a client from an older attempt are ignored: each attempt has its own number. */
  private attempt = 0;
  private failures = 0;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private deadline: { at: number; what: string } | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** Sends waiting for a session that is coming up. */
  private readonly waiters = new Set<(client: WebClientLike | null) => void>();
  /** Every client close begun and not yet finished. */
  private releasing: Promise<void> = Promise.resolve();
  private retryAt: number | null = null;
  private problem: string | null = null;
  private phoneOffline = false;
  private linkedAs: string | null = null;
  /** Why a new QR code is needed, said beside it. */
  private unlinkedBecause: string | null = null;

  constructor(private readonly deps: LifecycleDeps) {}

  /**
   * The client to send through, once ready. A session that is starting or loading its chats is
   * waited for up to `ms` (a reply typed during a restart goes out when it ends); one waiting for
   * a QR code, a retry, or never started on this node gives null at once.
   */
  async readyClient(ms: number): Promise<WebClientLike | null> {
    if (this.phase === 'ready') return this.client;
    if (this.phase !== 'starting' && this.phase !== 'loading') return null;
    return new Promise((resolve) => {
      const waiter = (client: WebClientLike | null) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(client);
      };
      const timer = setTimeout(() => waiter(null), ms);
      this.waiters.add(waiter);
    });
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.relaunch();
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.attempt += 1;
    this.disarm();
    this.wake(null);
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.release();
  }

  async checkHealth(): Promise<HealthReport> {
    const overdue = this.deadline && Date.now() > this.deadline.at ? this.deadline : null;
    if (overdue) {
      const attempt = this.attempt;
      void this.fail(attempt, { state: 'degraded', sentence: overdue.what, unlinked: false });
      return { ok: false, detail: overdue.what };
    }
    switch (this.phase) {
      case 'ready':
        return this.probe();
      case 'linking':
        return { ok: false, detail: 'Waiting for the QR code to be scanned with the phone (WhatsApp > Linked devices).' };
      case 'starting':
      case 'loading': {
        const left = this.deadline ? ` (ready expected within ${formatDelay(this.deadline.at - Date.now())})` : '';
        return { ok: false, detail: `${this.phase === 'loading' ? 'Linked; loading chats' : 'Starting WhatsApp Web'}${left}.` };
      }
      case 'waiting': {
        const when = this.retryAt ? ` Next attempt in ${formatDelay(this.retryAt - Date.now())}.` : '';
        return { ok: false, detail: `${this.problem ?? 'WhatsApp Web is not running.'}${when}` };
      }
      default:
        return { ok: false, detail: 'WhatsApp Web is not running on this node.' };
    }
  }

  private relaunch(): void {
    this.launch().catch((err: unknown) => this.fail(this.attempt, initProblem(err, this.deps.config.chromiumPath)));
  }

  /** One attempt: a new client, its events, and `initialize()`, whose failure becomes a state. */
  private async launch(): Promise<void> {
    const attempt = ++this.attempt;
    this.phase = 'starting';
    this.phoneOffline = false;
    await this.report({
      state: 'connecting',
      detail: this.failures > 0 ? `Starting WhatsApp Web again (attempt ${this.failures + 1}).` : 'Starting WhatsApp Web in Chromium.',
    });
    let client: WebClientLike;
    try {
      client = await this.deps.createClient(this.deps.clientOptions);
    } catch (err) {
      return this.fail(attempt, initProblem(err, this.deps.config.chromiumPath));
    }
    if (attempt !== this.attempt) {
      await client.destroy().catch(() => {});
      return;
    }
    this.client = client;
    this.detach = this.listen(client, attempt);
    const stored = await this.deps.sessions.sessionExists({ session: this.deps.session }).catch(() => false);
    // A stop (the lock gone to another node) while the database answered: launching now would
    // start a Chromium nobody listens to, fighting the new owner over the session.
    if (attempt !== this.attempt) return;
    const seconds = formatDelay(this.deps.config.readyTimeoutMs);
    // A stored session should come back by itself; without one, a QR code should show.
    this.arm(
      attempt,
      stored
        ? `WhatsApp Web did not restore the linked session within ${seconds} (this happens after WhatsApp Web updates).`
        : `WhatsApp Web did not show a QR code within ${seconds}.`,
    );
    // Settles as soon as `initialize()` does (the failure is handled on its own), so closing the
    // client can wait for a launch under way without waiting for itself.
    this.init = client.initialize().then(
      () => {},
      (err: unknown) => void this.fail(attempt, initProblem(err, this.deps.config.chromiumPath)),
    );
  }

  private listen(client: WebClientLike, attempt: number): () => void {
    const live = () => attempt === this.attempt;
    const handlers: { [E in keyof WebClientEvents]: (...args: WebClientEvents[E]) => void } = {
      qr: (code) => void (live() && this.onQr(attempt, code)),
      authenticated: () => void (live() && this.onAuthenticated(attempt)),
      auth_failure: (message) =>
        void (
          live() &&
          this.fail(attempt, {
            state: 'logged_out',
            sentence: `WhatsApp refused the stored session (${errorText(message)}); it has to be linked again.`,
            unlinked: true,
          })
        ),
      ready: () => void (live() && this.onReady(attempt, client)),
      disconnected: (reason) =>
        void (live() && (reason === 'LOGOUT' ? this.onLoggedOut(attempt) : this.fail(attempt, disconnectProblem(String(reason))))),
      change_state: (state) => void (live() && this.onState(client, String(state))),
      message: (msg) => live() && this.deps.intake.live(client, msg),
      message_ack: (msg, ack) => live() && this.deps.intake.ack(msg, ack),
      remote_session_saved: () => this.deps.ctx.logger.info({}, 'WhatsApp Web session saved; a restart no longer needs the QR code'),
    };
    const events = Object.keys(handlers) as (keyof WebClientEvents)[];
    for (const e of events) client.on(e, handlers[e] as never);
    return () => {
      for (const e of events) client.off(e, handlers[e] as never);
    };
  }

  /**
   * The phone logged this device out. whatsapp-web.js reloads WhatsApp Web in the same browser
   * and shows a new QR code by itself (closing Chromium under it would break that reload
   * half-way), so the client stays: the stored session goes, and the code follows.
   */
  private async onLoggedOut(attempt: number): Promise<void> {
    const problem = disconnectProblem('LOGOUT');
    this.phase = 'starting';
    this.failures = 0;
    this.unlinkedBecause = problem.sentence;
    this.arm(attempt, `WhatsApp Web did not show a new QR code within ${formatDelay(this.deps.config.readyTimeoutMs)} after the logout.`);
    await this.forgetSession();
    await this.report({ state: 'logged_out', detail: `${problem.sentence} A new QR code follows.` });
  }

  private async forgetSession(): Promise<void> {
    await this.deps.sessions.delete({ session: this.deps.session }).catch((err: unknown) => {
      this.deps.ctx.logger.error({ error: errorText(err) }, 'deleting the unlinked WhatsApp Web session failed');
    });
  }

  private async onQr(attempt: number, code: string): Promise<void> {
    // A person has to act now: no deadline while the code is up, and no reply waits for it.
    this.disarm();
    this.phase = 'linking';
    this.wake(null);
    let image: string;
    try {
      image = await qrDataUrl(code);
    } catch (err) {
      this.deps.ctx.logger.error({ error: errorText(err) }, 'drawing the WhatsApp Web QR code failed');
      return;
    }
    if (attempt !== this.attempt) return;
    const own = widLabel(this.deps.config.ownNumber ? `${this.deps.config.ownNumber.replace(/\D/g, '')}@c.us` : null);
    const why = this.unlinkedBecause ? `${this.unlinkedBecause} ` : '';
    await this.report({
      state: 'linking',
      detail: `${why}Scan the code with the phone${own ? ` of ${own}` : ''}: WhatsApp > Linked devices > Link a device.`,
      data: { image, expiresAt: new Date(this.deps.ctx.now().getTime() + QR_LIFETIME_MS).toISOString() },
    });
  }

  private async onAuthenticated(attempt: number): Promise<void> {
    this.phase = 'loading';
    this.unlinkedBecause = null;
    this.arm(
      attempt,
      `WhatsApp Web linked but did not become ready within ${formatDelay(this.deps.config.readyTimeoutMs)} (this happens after WhatsApp Web updates).`,
    );
    await this.report({ state: 'connecting', detail: 'Linked; loading chats.' });
  }

  private async onReady(attempt: number, client: WebClientLike): Promise<void> {
    this.disarm();
    this.phase = 'ready';
    this.failures = 0;
    this.problem = null;
    this.linkedAs = widLabel(client.info?.wid?._serialized) ?? 'the linked phone';
    this.wake(client);
    await this.report({ state: 'ready', detail: this.readySentence() });
    try {
      const found = await this.deps.intake.replay(client);
      if (found > 0)
        this.deps.ctx.logger.info({ count: found }, 'WhatsApp messages that arrived while the session was down were read back');
    } catch (err) {
      if (attempt === this.attempt) this.deps.ctx.logger.warn({ error: errorText(err) }, 'reading back missed WhatsApp messages failed');
    }
  }

  private readySentence(): string {
    const own = this.deps.config.ownNumber;
    const expected = own ? widLabel(`${own.replace(/\D/g, '')}@c.us`) : null;
    const mismatch = expected && this.linkedAs !== expected ? ` The account is set up for ${expected}, a different number.` : '';
    return `Ready: linked to ${this.linkedAs}.${mismatch}`;
  }

  /** Socket states that do not end the session (the library ends it itself for the others, with `disconnected`). */
  private async onState(client: WebClientLike, state: string): Promise<void> {
    if (state === 'TIMEOUT' && this.phase === 'ready') {
      this.phoneOffline = true;
      await this.report({
        state: 'degraded',
        detail: 'The phone seems offline (WhatsApp Web lost its connection: TIMEOUT); messages arrive once it is back.',
      });
    } else if (state === 'CONFLICT') {
      await this.report({
        state: 'degraded',
        detail: 'WhatsApp Web was opened with this session somewhere else (CONFLICT); taking it back.',
      });
    } else if (state === 'CONNECTED' && this.phase === 'ready' && this.phoneOffline) {
      this.phoneOffline = false;
      await this.report({ state: 'ready', detail: this.readySentence() });
      await this.deps.intake.replay(client).catch(() => 0);
    }
  }

  /** Ends an attempt: the state and its sentence, the client closed, the next attempt scheduled. */
  private async fail(attempt: number, problem: Problem): Promise<void> {
    if (attempt !== this.attempt || this.phase === 'stopped') return;
    this.attempt += 1;
    this.disarm();
    this.phase = 'waiting';
    this.wake(null);
    this.problem = problem.sentence;
    // A link the phone took back is not a malfunction: show the new QR code at once.
    const delay = problem.unlinked ? 0 : this.backoff(++this.failures);
    if (problem.unlinked) {
      this.failures = 0;
      this.unlinkedBecause = problem.sentence;
      await this.forgetSession();
    }
    const next = problem.unlinked ? 'A new QR code follows.' : `Trying again in ${formatDelay(delay)}.`;
    await this.report({ state: problem.state, detail: `${problem.sentence} ${next}` });
    this.deps.ctx.logger.warn({ state: problem.state, detail: problem.sentence }, 'WhatsApp Web session ended');
    await this.release();
    if (this.phase !== 'waiting') return;
    this.retryAt = Date.now() + delay;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.retryAt = null;
      if (this.phase === 'waiting') this.relaunch();
    }, delay);
  }

  /**
   * Closes the current client. A launch still under way when it closes would leave Chromium open:
   * close again once it settles. `stop` waits for every close begun, so nothing is left running.
   */
  private release(): Promise<void> {
    const { client, init, detach } = this;
    this.client = null;
    this.init = null;
    this.detach = null;
    detach?.();
    if (!client) return this.releasing;
    const closing = (async () => {
      await within(client.destroy(), TEARDOWN_MS).catch((err: unknown) => {
        this.deps.ctx.logger.warn({ error: errorText(err) }, 'closing Chromium failed');
      });
      if (init) {
        await within(init, TEARDOWN_MS).catch(() => {});
        await within(client.destroy(), TEARDOWN_MS).catch(() => {});
      }
    })();
    this.releasing = Promise.all([this.releasing, closing]).then(() => {});
    return this.releasing;
  }

  /** Health of a ready session: the page must answer, and say the socket is connected. */
  private async probe(): Promise<HealthReport> {
    const client = this.client;
    const attempt = this.attempt;
    if (!client) return { ok: false, detail: 'WhatsApp Web is not running on this node.' };
    try {
      const state = await within(client.getState(), PROBE_MS);
      if (state === 'CONNECTED') return { ok: true, detail: this.readySentence() };
      if (state === 'TIMEOUT') return { ok: false, detail: 'The phone seems offline (TIMEOUT).' };
      return { ok: false, detail: `WhatsApp Web reports ${state ?? 'no state'}.` };
    } catch (err) {
      const sentence = `WhatsApp Web stopped answering (${errorText(err)}).`;
      void this.fail(attempt, { state: 'degraded', sentence, unlinked: false });
      return { ok: false, detail: sentence };
    }
  }

  /** Answers the replies waiting for this session: the client once ready, null when it will not be soon. */
  private wake(client: WebClientLike | null): void {
    for (const waiter of [...this.waiters]) waiter(client);
  }

  private arm(attempt: number, what: string): void {
    this.disarm();
    const ms = this.deps.config.readyTimeoutMs;
    this.deadline = { at: Date.now() + ms, what };
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      void this.fail(attempt, { state: 'degraded', sentence: what, unlinked: false });
    }, ms);
  }

  private disarm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.deadline = null;
  }

  private backoff(failures: number): number {
    const { initialMs, maxMs } = this.deps.backoff;
    return Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
  }

  private async report(report: AccountStateReport): Promise<void> {
    await this.deps.ctx.reportState(report).catch(() => {});
  }
}
