/**
 * What went wrong with one Graph API call, in the terms the channel acts on:
 * - `network` / `timeout`: nothing (or nothing complete) came back: try again later;
 * - `server`: a 5xx, Meta's side: try again later;
 * - `rate_limited`: throughput (130429), the pair rate to one user (131056), the spam rate limit
 *   (131048) or the Graph API's own limits (4, 80007): wait, then go on;
 * - `window_closed`: 131047, more than 24 hours since the customer last wrote: only a template now;
 * - `undeliverable`: 131026, the user cannot receive it (no WhatsApp, old client, blocked us);
 * - `payment`: 131042, the account's payment method is in trouble;
 * - `policy`: 368, the account is restricted for a policy violation;
 * - `unauthorized`: 190 or HTTP 401, the access token no longer works;
 * - `invalid`: any other 4xx, Meta's own words in `details`.
 */
export type GraphErrorKind =
  | 'network'
  | 'timeout'
  | 'server'
  | 'rate_limited'
  | 'window_closed'
  | 'undeliverable'
  | 'payment'
  | 'policy'
  | 'unauthorized'
  | 'invalid';

/** The error codes that mean "not now" rather than "not this": waiting is the whole remedy. */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056]);

const KIND_BY_CODE: ReadonlyMap<number, GraphErrorKind> = new Map([
  [131047, 'window_closed'],
  [131026, 'undeliverable'],
  [131042, 'payment'],
  [368, 'policy'],
  [190, 'unauthorized'],
]);

const RETRYABLE: ReadonlySet<GraphErrorKind> = new Set(['network', 'timeout', 'server', 'rate_limited']);

export interface GraphErrorInit {
  kind: GraphErrorKind;
  httpStatus: number | null;
  code?: number | null;
  subcode?: number | null;
  title?: string | null;
  message: string;
  details?: string | null;
  fbtraceId?: string | null;
  retryAfterMs?: number | null;
  cause?: unknown;
}

/**
 * A failed Graph API call. Meta advises acting on `code` and `details`, not on the title (which
 * lives inside Meta's `message` as "(#131056) ..."). The message never carries the access token:
 * the token only ever travels in a header, and URLs and bodies are what the message quotes.
 */
export class GraphError extends Error {
  readonly kind: GraphErrorKind;
  /** Null when no HTTP answer came (network, timeout). */
  readonly httpStatus: number | null;
  readonly code: number | null;
  readonly subcode: number | null;
  /** Meta's title ("(Business Account, Consumer Account) pair rate limit hit"). */
  readonly title: string | null;
  /** `error.error_data.details`: the sentence that says what happened. */
  readonly details: string | null;
  readonly fbtraceId: string | null;
  /** From a Retry-After header, when Meta sent one. */
  readonly retryAfterMs: number | null;

  constructor(init: GraphErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'GraphError';
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.code = init.code ?? null;
    this.subcode = init.subcode ?? null;
    this.title = init.title ?? null;
    this.details = init.details ?? null;
    this.fbtraceId = init.fbtraceId ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  /** Whether the same request can succeed later without changes. */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** The kind of an HTTP answer from its status and Graph error code. Codes win over statuses. */
export function graphErrorKind(httpStatus: number, code: number | null): GraphErrorKind {
  if (code !== null) {
    if (RATE_LIMIT_CODES.has(code)) return 'rate_limited';
    const kind = KIND_BY_CODE.get(code);
    if (kind) return kind;
  }
  if (httpStatus === 401) return 'unauthorized';
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus >= 500) return 'server';
  return 'invalid';
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

interface GraphErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
  error_user_title?: unknown;
  error_data?: unknown;
  fbtrace_id?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Meta writes the title as "(#131056) (Business Account, Consumer Account) pair rate limit hit". */
function titleOf(message: string | null): string | null {
  if (message === null) return null;
  return message.replace(/^\(#\d+\)\s*/, '');
}

/**
 * A GraphError from a non-2xx answer. `what` names the call ("POST /{phone}/messages") without
 * secrets; the body may be anything (an HTML 502 from a proxy), so only Graph's JSON is read.
 */
export function errorFromResponse(what: string, httpStatus: number, headers: Headers, text: string): GraphError {
  let body: GraphErrorBody | null = null;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (parsed && typeof parsed === 'object' && parsed.error && typeof parsed.error === 'object') body = parsed.error as GraphErrorBody;
  } catch {
    body = null;
  }
  const code = num(body?.code);
  const metaMessage = str(body?.message);
  const data = body?.error_data;
  // Template endpoints send error_data as a plain string; message endpoints as { details }.
  const details =
    typeof data === 'string' ? str(data) : data && typeof data === 'object' ? str((data as { details?: unknown }).details) : null;
  const title = str(body?.error_user_title) ?? titleOf(metaMessage);
  const fbtraceId = str(body?.fbtrace_id) ?? headers.get('x-fb-trace-id');
  const kind = graphErrorKind(httpStatus, code);
  const said = [code === null ? null : `#${code}`, title, details].filter((p) => p !== null).join(': ');
  const fallback = text.trim().length > 0 && body === null ? `a non-JSON body (${text.trim().slice(0, 80)})` : 'no details';
  return new GraphError({
    kind,
    httpStatus,
    code,
    subcode: num(body?.error_subcode),
    title,
    details,
    fbtraceId,
    retryAfterMs: retryAfterMs(headers.get('retry-after')),
    message: `WhatsApp Graph API answered ${httpStatus} to ${what}: ${said || fallback}`,
  });
}

/** A GraphError for a call that got no answer: a timeout, or a connection that failed or broke. */
export function errorFromFailure(what: string, err: unknown, timeoutMs: number): GraphError {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') {
    return new GraphError({
      kind: 'timeout',
      httpStatus: null,
      message: `WhatsApp Graph API did not answer ${what} within ${timeoutMs} ms`,
      cause: err,
    });
  }
  // undici reports "fetch failed" and puts the socket's reason (ECONNREFUSED, other side closed) in cause.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
  const reason = [err instanceof Error ? err.message : String(err), cause ? ((cause as { code?: string }).code ?? cause.message) : null]
    .filter((p) => p !== null)
    .join(': ');
  return new GraphError({
    kind: 'network',
    httpStatus: null,
    message: `WhatsApp Graph API could not be reached for ${what} (${reason})`,
    cause: err,
  });
}
