/**
 * A failed send. `retryable` tells the host whether trying again can help (a timeout, a 429,
 * a 5xx) or not (a 4xx, a text over the limit), so permanent failures are shown to the agent
 * at once instead of being retried for hours.
 */
export class SendError extends Error {
  readonly retryable: boolean;
  readonly code: string;
  /** When the channel said how long to wait (Retry-After, a rate-limit reset). */
  readonly retryAfterMs: number | null;
  /**
   * Not failed, waiting: a sentence the agent reads on the queued reply ("Waiting for budget: ...",
   * "X answered 402: the app is out of credits"). The host keeps the message queued and tries it
   * again after `retryAfterMs` (an hour when absent) without using up its attempts, so an account
   * out of credits never fails or loops its replies. Null for an ordinary failure.
   */
  readonly hold: string | null;

  constructor(code: string, message: string, options: { retryable: boolean; retryAfterMs?: number; hold?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'SendError';
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.hold = options.hold ?? null;
  }
}

/** Invalid account configuration; `issues` names each field and what is wrong with it. */
export class ConfigError extends Error {
  readonly issues: { path: string; message: string }[];

  constructor(issues: { path: string; message: string }[]) {
    super(`Invalid channel configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
