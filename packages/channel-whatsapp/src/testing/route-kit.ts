import { type GraphErrorSpec, graphErrorAnswer } from './errors.ts';
import type { SendLimits } from './limits.ts';
import type { PeerRoute, PeerState, SentMessage } from './state.ts';
import type { VerifyResult } from './webhook-sender.ts';

export type Answer =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: 200; bytes: Buffer; mimeType: string; chunked: boolean; filename?: string };

export type Handler = (body: Buffer, contentType: string) => Promise<Answer> | Answer;

/** What the route handlers share: the state, the settings and the peer's own callbacks. */
export interface RouteContext {
  state: PeerState;
  accessToken: string;
  appSecret: string;
  appId: string;
  version: string;
  wabaId: string;
  /** The peer's base URL, for the media download links it hands out. */
  baseUrl: () => string;
  limits: SendLimits;
  templatePageSize: number;
  /** Called for every accepted message (not read receipts), after it is recorded. */
  onSent: (sent: SentMessage) => void;
  /** Meta checks a subscription's callback before answering; the peer does the same. */
  verifyCallback: (url: string, verifyToken: string) => Promise<VerifyResult>;
}

export type Routed = { route: PeerRoute | null; answer: Answer } | { route: PeerRoute; handle: Handler };

export const json = (status: number, body: unknown, headers?: Record<string, string>): Answer =>
  headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };

export function error(spec: GraphErrorSpec, headers?: Record<string, string>): Answer {
  const a = graphErrorAnswer(spec);
  return json(a.status, a.body, headers);
}

/** Graph's answer for an id it cannot use on that edge (an unknown phone number id, a deleted media id). */
export function unknownObject(method: string, id: string): Answer {
  return error({
    code: 100,
    subcode: 33,
    title: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });
}

const TOKEN_ERROR = {
  'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"',
};

/** The bearer token (or Graph's `access_token` query parameter), or the 401 Graph answers without it. */
export function checkToken(ctx: RouteContext, authorization: string | undefined, url: URL, allowQuery: boolean): Answer | null {
  const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : null;
  const token = bearer ?? (allowQuery ? url.searchParams.get('access_token') : null);
  if (token === ctx.accessToken) return null;
  if (token === null) return error({ code: 190, title: 'An access token is required to request this resource.' }, TOKEN_ERROR);
  return error(
    { code: 190, subcode: 463, title: 'Error validating access token: Session has expired or the token is invalid.' },
    TOKEN_ERROR,
  );
}
