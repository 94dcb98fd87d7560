/** Every endpoint the peer serves, named as X's rate-limit table names them. */
export const X_ROUTES = [
  'GET /2/users/me',
  'GET /2/users/:id',
  'GET /2/users/by/username/:username',
  'GET /2/users/:id/mentions',
  'GET /2/tweets/search/recent',
  'GET /2/tweets/:id',
  'GET /2/tweets',
  'POST /2/tweets',
  'GET /2/dm_events',
  'GET /2/dm_conversations/with/:participant_id/dm_events',
  'POST /2/dm_conversations/with/:participant_id/messages',
  'GET /2/webhooks',
  'POST /2/webhooks',
  'PUT /2/webhooks/:webhook_id',
  'DELETE /2/webhooks/:webhook_id',
  'GET /2/activity/subscriptions',
  'POST /2/activity/subscriptions',
  'DELETE /2/activity/subscriptions/:subscription_id',
] as const;

export type XRoute = (typeof X_ROUTES)[number];

/** A route's request budget: per 15-minute window and, for writes, per 24 hours. */
export interface RouteCap {
  per15min: number;
  per24h?: number;
}

export type Caps = Record<XRoute, RouteCap>;

/** Per-user limits from X's rate-limit table (x-api.md), for the one user context the peer has. */
export const DEFAULT_CAPS: Caps = {
  'GET /2/users/me': { per15min: 75 },
  'GET /2/users/:id': { per15min: 900 },
  'GET /2/users/by/username/:username': { per15min: 900 },
  'GET /2/users/:id/mentions': { per15min: 300 },
  'GET /2/tweets/search/recent': { per15min: 300 },
  'GET /2/tweets/:id': { per15min: 900 },
  'GET /2/tweets': { per15min: 900 },
  'POST /2/tweets': { per15min: 100, per24h: 10_000 },
  'GET /2/dm_events': { per15min: 15 },
  'GET /2/dm_conversations/with/:participant_id/dm_events': { per15min: 15 },
  'POST /2/dm_conversations/with/:participant_id/messages': { per15min: 15, per24h: 1_440 },
  'GET /2/webhooks': { per15min: 50 },
  'POST /2/webhooks': { per15min: 50 },
  'PUT /2/webhooks/:webhook_id': { per15min: 50 },
  'DELETE /2/webhooks/:webhook_id': { per15min: 50 },
  'GET /2/activity/subscriptions': { per15min: 50 },
  'POST /2/activity/subscriptions': { per15min: 50 },
  'DELETE /2/activity/subscriptions/:subscription_id': { per15min: 50 },
};

/** Overrides for some routes' caps; unnamed fields keep their defaults. */
export type CapsOverride = Partial<Record<XRoute, Partial<RouteCap>>>;

/** One injected failure: an HTTP status with X's body for it, or `'reset'` to cut the connection. */
export interface FaultSpec {
  status: 429 | 503 | 402 | 500 | 'reset';
  /** For a 429: seconds until `x-rate-limit-reset` (default: the end of the current window). */
  resetInSeconds?: number;
  /** For a 429: X's monthly `UsageCapExceeded` instead of a rate limit; headers keep showing capacity. */
  usageCap?: boolean;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;

interface Window {
  start: number;
  count: number;
}

export interface LimitCheck {
  over: boolean;
  headers: Record<string, string>;
}

/**
 * Fixed windows per route that start at a route's first request, as X's do; `x-rate-limit-reset`
 * is the window's end in epoch seconds. Routes with a 24-hour budget also send X's
 * `x-app-limit-24hour-*` headers (and, for DMs, `x-user-limit-24hour-*`), which twitter-api-v2
 * surfaces as `rateLimit.day` / `rateLimit.userDay`.
 */
export class RateLimits {
  private readonly windows = new Map<string, Window>();
  readonly caps: Caps;

  constructor(
    override: CapsOverride,
    private readonly now: () => Date,
  ) {
    const caps = { ...DEFAULT_CAPS };
    for (const [route, cap] of Object.entries(override) as Array<[XRoute, Partial<RouteCap>]>) caps[route] = { ...caps[route], ...cap };
    this.caps = caps;
  }

  private window(key: string, length: number): Window {
    const t = this.now().getTime();
    let w = this.windows.get(key);
    if (!w || t >= w.start + length) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Counts one request against `route` unless it is over its budget. */
  take(route: XRoute): LimitCheck {
    const cap = this.caps[route];
    const short = this.window(`${route}|15m`, FIFTEEN_MINUTES);
    const day = cap.per24h === undefined ? undefined : this.window(`${route}|24h`, DAY);
    const over = short.count >= cap.per15min || (day !== undefined && cap.per24h !== undefined && day.count >= cap.per24h);
    if (!over) {
      short.count++;
      if (day) day.count++;
    }
    return { over, headers: this.headers(route) };
  }

  /** The headers `route` would carry now, without counting a request. */
  headers(route: XRoute, overrides: { remaining?: number; reset?: number } = {}): Record<string, string> {
    const cap = this.caps[route];
    const short = this.window(`${route}|15m`, FIFTEEN_MINUTES);
    const headers: Record<string, string> = {
      'x-rate-limit-limit': String(cap.per15min),
      'x-rate-limit-remaining': String(overrides.remaining ?? Math.max(0, cap.per15min - short.count)),
      'x-rate-limit-reset': String(overrides.reset ?? Math.floor((short.start + FIFTEEN_MINUTES) / 1000)),
    };
    if (cap.per24h !== undefined) {
      const day = this.window(`${route}|24h`, DAY);
      const values = [String(cap.per24h), String(Math.max(0, cap.per24h - day.count)), String(Math.floor((day.start + DAY) / 1000))];
      const scopes = route.startsWith('POST /2/dm_conversations') ? ['app', 'user'] : ['app'];
      for (const scope of scopes) {
        headers[`x-${scope}-limit-24hour-limit`] = values[0] as string;
        headers[`x-${scope}-limit-24hour-remaining`] = values[1] as string;
        headers[`x-${scope}-limit-24hour-reset`] = values[2] as string;
      }
    }
    return headers;
  }
}

/** Failures queued by `failNext`, per route or for any route (`'*'`). */
export class Faults {
  private readonly queues = new Map<string, FaultSpec[]>();

  push(route: XRoute | '*', n: number, spec: FaultSpec): void {
    const queue = this.queues.get(route) ?? [];
    for (let i = 0; i < n; i++) queue.push(spec);
    this.queues.set(route, queue);
  }

  take(route: XRoute): FaultSpec | undefined {
    return this.queues.get(route)?.shift() ?? this.queues.get('*')?.shift();
  }
}
