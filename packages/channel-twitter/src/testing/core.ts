import type { Activity } from './activity.ts';
import type { XRoute } from './limits.ts';
import type { XState, XUser } from './state.ts';
import type { UsageMeter } from './usage.ts';

/** The app and user credentials the peer accepts; build a channel's config from these. */
export interface XCredentials {
  /** Consumer key (API key). */
  appKey: string;
  /** Consumer secret: also the key of CRC answers and delivery signatures. */
  appSecret: string;
  accessToken: string;
  accessSecret: string;
  /** App-only bearer token (webhook and subscription management). */
  bearerToken: string;
}

/** `self_serve` applies X's 2026 reply rule (replies only to posts that summoned the brand). */
export type XTier = 'self_serve' | 'enterprise';

/** What route handlers share. */
export interface PeerCore {
  state: XState;
  usage: UsageMeter;
  activity: Activity;
  brand: XUser;
  tier: XTier;
  credentials: XCredentials;
  now: () => Date;
}

export interface RequestContext {
  core: PeerCore;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Which credentials the request carried: the brand's user context or the app's bearer token. */
  auth: 'user' | 'app';
}

export interface Answer {
  status: number;
  body?: unknown;
}

export interface RouteDef {
  route: XRoute;
  /** `user`: OAuth 1.0a user context only; `app`: bearer only; `either`: both, as X's spec lists. */
  auth: 'user' | 'app' | 'either';
  /** The query parameters the endpoint takes; X refuses any other with 400. */
  query: readonly string[];
  handle: (ctx: RequestContext) => Answer | Promise<Answer>;
}

/** The field and expansion parameters every post-returning endpoint takes. */
export const POST_FIELD_PARAMS = ['tweet.fields', 'expansions', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'] as const;
/** Timeline parameters of the mentions and search endpoints. */
export const TIMELINE_PARAMS = ['since_id', 'until_id', 'start_time', 'end_time', 'max_results', ...POST_FIELD_PARAMS] as const;

export function ok(body: unknown, status = 200): Answer {
  return { status, body };
}

/** A JSON object body, or null when the request's body is not one. */
export function objectBody(body: unknown): Record<string, unknown> | null {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}
