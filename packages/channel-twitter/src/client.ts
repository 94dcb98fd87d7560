import { ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { baseUrlPlugin } from './base-url.ts';
import type { TwitterConfig } from './config.ts';

/**
 * What went wrong with one X API call, in the terms the channel acts on:
 * - `rate_limited`: wait until `resetAt` (the `x-rate-limit-reset` header), then go on;
 * - `usage_cap`: 429 `UsageCapExceeded`, the app's monthly cap: stop until the month turns;
 * - `no_credits`: 402, the pay-per-use balance is empty: stop until someone pays;
 * - `unavailable`: 5xx or the network: back off and try again;
 * - `unauthorized`: 401, the credentials no longer work;
 * - `refused`: any other 4xx, X's own words in `detail` (a reply the tier forbids, a user who takes no DMs).
 */
export type FailureKind = 'rate_limited' | 'usage_cap' | 'no_credits' | 'unavailable' | 'unauthorized' | 'refused';

export class XApiFailure extends Error {
  readonly kind: FailureKind;
  readonly status: number | null;
  readonly resetAt: Date | null;
  readonly detail: string;

  constructor(kind: FailureKind, detail: string, options: { status?: number | null; resetAt?: Date | null; cause?: unknown } = {}) {
    super(`X ${options.status ? `answered ${options.status}` : 'could not be reached'}: ${detail}`, { cause: options.cause });
    this.name = 'XApiFailure';
    this.kind = kind;
    this.status = options.status ?? null;
    this.resetAt = options.resetAt ?? null;
    this.detail = detail;
  }
}

/** The two clients an account uses: its user context (OAuth 1.0a) and the app's bearer token. */
export interface XClients {
  user: TwitterApi;
  /** Null when the account has no bearer token (no webhook). */
  app: TwitterApi | null;
}

export function createClients(config: TwitterConfig): XClients {
  const plugins = [baseUrlPlugin(config.apiUrl, config.caCertificate ? { ca: config.caCertificate } : {})];
  const user = new TwitterApi(
    {
      appKey: config.consumerKey,
      appSecret: config.consumerSecret,
      accessToken: config.accessToken,
      accessSecret: config.accessTokenSecret,
    },
    { plugins },
  );
  const app = config.bearerToken ? new TwitterApi(config.bearerToken, { plugins }) : null;
  return { user, app };
}

/** Runs one call and turns whatever it throws into an `XApiFailure` (secrets never appear in it). */
export async function callX<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classify(err);
  }
}

export function classify(err: unknown): XApiFailure {
  if (err instanceof XApiFailure) return err;
  if (err instanceof ApiResponseError) {
    const status = err.code;
    const data = (err.data ?? {}) as { title?: unknown; detail?: unknown; type?: unknown; errors?: unknown };
    const detail = describe(data) || err.message;
    const resetAt = err.rateLimit?.reset ? new Date(err.rateLimit.reset * 1000) : null;
    const problem = `${String(data.title ?? '')} ${String(data.type ?? '')}`;
    if (status === 402) return new XApiFailure('no_credits', detail, { status, cause: err });
    if (status === 429 && /UsageCap/i.test(problem)) return new XApiFailure('usage_cap', detail, { status, resetAt, cause: err });
    if (status === 429) return new XApiFailure('rate_limited', detail, { status, resetAt, cause: err });
    if (status === 401) return new XApiFailure('unauthorized', detail, { status, cause: err });
    if (status >= 500) return new XApiFailure('unavailable', detail, { status, cause: err });
    return new XApiFailure('refused', detail, { status, cause: err });
  }
  if (err instanceof ApiRequestError) return new XApiFailure('unavailable', err.requestError?.message ?? err.message, { cause: err });
  return new XApiFailure('unavailable', err instanceof Error ? err.message : String(err), { cause: err });
}

/** X's problem JSON (`title`, `detail`) or its v1 `errors[]`, in one sentence. */
function describe(data: { title?: unknown; detail?: unknown; errors?: unknown }): string {
  if (typeof data.detail === 'string' && data.detail) return data.detail.slice(0, 300);
  if (Array.isArray(data.errors)) {
    const first = data.errors[0] as { message?: unknown; detail?: unknown } | undefined;
    const text = first?.detail ?? first?.message;
    if (typeof text === 'string') return text.slice(0, 300);
  }
  return typeof data.title === 'string' ? data.title.slice(0, 300) : '';
}
