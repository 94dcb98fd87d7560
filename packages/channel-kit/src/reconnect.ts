import type { Logger } from './contract.ts';

export interface ReconnectOptions {
  /** First wait after a drop. @default 200 */
  minDelayMs?: number;
  /** Longest wait between attempts. @default 30000 */
  maxDelayMs?: number;
  logger?: Logger;
  /** Label for log lines (never a secret). */
  label?: string;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * Keeps a pull connection alive: runs `session` (one connection's life, resolving or rejecting
 * when it ends) again and again until `signal` aborts, waiting with exponential backoff and full
 * jitter after each failure. A session that ran for a while resets the backoff.
 */
export async function keepConnected(
  signal: AbortSignal,
  session: (signal: AbortSignal) => Promise<void>,
  options: ReconnectOptions = {},
): Promise<void> {
  const min = options.minDelayMs ?? 200;
  const max = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  let attempt = 0;
  while (!signal.aborted) {
    const started = Date.now();
    try {
      await session(signal);
    } catch (err) {
      if (signal.aborted) return;
      options.logger?.warn(
        { channel: options.label, attempt, error: err instanceof Error ? err.message : String(err) },
        'channel connection dropped; reconnecting',
      );
    }
    if (signal.aborted) return;
    attempt = Date.now() - started > max ? 0 : attempt + 1;
    const delay = Math.min(max, min * 2 ** attempt) * random();
    await sleep(delay, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
