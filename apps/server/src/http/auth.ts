import { CentralitaError, hasRole, type Role } from '@centralita/core';
import { findApiToken, findSession, type Principal } from '@centralita/db';
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import { hashToken } from '../crypto.ts';

export const SESSION_COOKIE = 'centralita_session';

declare global {
  namespace Express {
    interface Request {
      principal?: Principal | null;
    }
  }
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        // A mangled cookie is treated as absent, so the user can still sign in or out.
        return null;
      }
    }
  }
  return null;
}

/** Resolves a bearer token or a session cookie to a principal, or null. */
export async function resolvePrincipal(
  ctx: AppContext,
  auth: { authorization?: string | undefined; cookie?: string | undefined },
): Promise<Principal | null> {
  const bearer = auth.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return findApiToken(ctx.db.kysely, hashToken(bearer), ctx.clock());
  const session = readCookie(auth.cookie, SESSION_COOKIE);
  if (session) return findSession(ctx.db.kysely, hashToken(session), ctx.clock());
  return null;
}

/** Attaches `req.principal` (null when anonymous). A bad token is anonymous, not an error, here. */
export function authenticate(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    req.principal = await resolvePrincipal(ctx, { authorization: req.headers.authorization, cookie: req.headers.cookie });
    next();
  };
}

/** The request's principal if it has at least `role`; 401 without one, 403 when too weak. */
export function requireRole(req: Request, role: Role): Principal {
  const p = req.principal;
  if (!p) {
    throw new CentralitaError('unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer <token>".');
  }
  if (!hasRole(p.role, role)) {
    throw new CentralitaError('forbidden', `This needs the ${role} role; you are ${p.role === 'agent' ? 'an' : 'a'} ${p.role}.`);
  }
  return p;
}
