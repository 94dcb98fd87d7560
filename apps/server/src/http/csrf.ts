import { errorBody } from '@centralita/channel-kit';
import type { RequestHandler } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where a state-changing request says it comes from, and whether that is this server. */
export type RequestSource = 'own' | 'unknown' | 'foreign';

/**
 * Classifies a request by its `Origin` and `Sec-Fetch-Site` headers. A browser sends at least one
 * of them on every cross-site write; a non-browser client (curl, a script) sends neither, and it
 * carries no cookie it did not get itself, so it is not what CSRF protection is about.
 */
export function requestSource(
  headers: { origin?: string | undefined; 'sec-fetch-site'?: string | undefined; host?: string | undefined },
  publicUrl: string,
): RequestSource {
  const site = headers['sec-fetch-site']?.toLowerCase();
  if (site === 'same-site' || site === 'cross-site') return 'foreign';
  const origin = headers.origin;
  if (origin !== undefined) return isOwnOrigin(origin, headers.host, publicUrl) ? 'own' : 'foreign';
  if (site === 'same-origin') return 'own';
  // `none` is a navigation the user started (typed, bookmarked): no page made it.
  return 'unknown';
}

/** `null` (a sandboxed frame, a redirect chain) and sibling subdomains are never our own. */
function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  if (origin === 'null') return false;
  try {
    const o = new URL(origin);
    return (host !== undefined && o.host === host.toLowerCase()) || o.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/**
 * One rule for every state-changing request that is not sent with `Authorization` (and so could
 * ride on the session cookie), with or without a body: allowed from our own origin or from a
 * client that names no origin at all, refused with 403 from anywhere else.
 */
export function sameOriginWrites(publicUrl: () => string): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization) {
      next();
      return;
    }
    if (requestSource(req.headers, publicUrl()) === 'foreign') {
      res
        .status(403)
        .json(
          errorBody(
            'forbidden',
            'This request comes from another site (its Origin or Sec-Fetch-Site says so); the API takes cookie-authenticated writes only from its own pages. Scripts should send an API token as "Authorization: Bearer <token>".',
          ),
        );
      return;
    }
    next();
  };
}
