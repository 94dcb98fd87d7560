import type { AccountStateReport, ChannelContext } from '@centralita/channel-kit';
import type { XApiFailure } from './client.ts';

/** How long a 402 (no credits) holds everything before one probe: someone has to pay first. */
export const CREDITS_PROBE_MS = 60 * 60_000;

/** The first instant of the next month, UTC: when X's monthly cap and Centralita's budget reset. */
export function nextMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/**
 * Account-wide stops shared by every node through the store (the reader runs on one node, sends
 * on any): X's monthly cap until the month turns, a 402 until a probe an hour later. A stop is a
 * state to show an admin, never a reason to call X again and again.
 */
export class AccountStops {
  constructor(private readonly ctx: ChannelContext) {}

  /** The stop in force now, with when it ends and the sentence to show. */
  async current(): Promise<{ until: Date; reason: string } | null> {
    const raw = await this.ctx.store.get('stop');
    if (!raw) return null;
    const stop = JSON.parse(raw) as { until: string; reason: string };
    const until = new Date(stop.until);
    return until > this.ctx.now() ? { until, reason: stop.reason } : null;
  }

  /** Records a 402 or a cap answer as a stop, and tells the admins through the account's state. */
  async stopFor(failure: XApiFailure): Promise<{ until: Date; reason: string }> {
    const now = this.ctx.now();
    const until = failure.kind === 'usage_cap' ? nextMonth(now) : new Date(now.getTime() + CREDITS_PROBE_MS);
    const reason =
      failure.kind === 'usage_cap'
        ? `X's monthly usage cap is reached (429 UsageCapExceeded): reading and sending wait until ${until.toISOString().slice(0, 10)}, or until the cap is raised in X's developer console.`
        : `X answered 402: the app is out of credits. Buy credits in X's developer console; Centralita tries again at ${until.toISOString().slice(11, 16)} UTC and replies wait meanwhile.`;
    await this.ctx.store.compareAndSet(
      'stop',
      await this.ctx.store.get('stop'),
      JSON.stringify({ until, reason }),
      until.getTime() - now.getTime(),
    );
    await this.ctx.reportState({ state: 'out_of_credits', detail: reason });
    return { until, reason };
  }

  async clear(): Promise<void> {
    await this.ctx.store.delete('stop');
  }
}

/** The sentence for a failure that leaves the account working in part. */
export function degraded(what: string, failure: XApiFailure, retryAt: Date): AccountStateReport {
  const at = `${retryAt.toISOString().slice(11, 19)} UTC`;
  if (failure.kind === 'rate_limited')
    return { state: 'degraded', detail: `X's rate limit for ${what} is reached; reading again at ${at}.` };
  if (failure.kind === 'unauthorized') {
    return { state: 'logged_out', detail: `X refused the account's credentials (401) when reading ${what}: set new tokens.` };
  }
  return { state: 'degraded', detail: `Reading ${what} failed (${failure.message.slice(0, 200)}); trying again at ${at}.` };
}
