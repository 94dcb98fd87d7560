import { CentralitaError } from '@centralita/core';
import { createSession, deleteSession, findUsersByEmail, hitRateLimit, type Principal, resetRateLimit, toUser } from '@centralita/db';
import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { hashToken, newToken, verifyPassword } from '../crypto.ts';
import { readCookie, SESSION_COOKIE } from '../http/auth.ts';
import { validate } from '../http/errors.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { rooms } from '../realtime/rooms.ts';

const loginSchema = z.object({
  // A lookup key, not a new address: accept what was stored (admin@localhost has no TLD).
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1_000),
  /** Needed only when the same email has accounts in several workspaces. */
  workspace: z.string().max(63).optional(),
});

const FAILURE_WINDOW_MS = 15 * 60_000;
// scrypt of a random string, so an unknown email takes as long as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';

/** Sign-in, sign-out and "who am I", for the console. */
export function registerAuthRoutes(router: Router, api: ApiRegistry, ctx: AppContext): void {
  router.post('/auth/login', async (req, res) => {
    const body = validate(loginSchema, req.body, 'body');
    const email = body.email.toLowerCase();
    // Two windows: one per address and client, and a looser one per address from anywhere, so
    // rotating client addresses does not buy unlimited guesses at one account.
    const perClient = `login:${email}:${req.ip}`;
    const perEmail = `login:${email}`;
    const now = ctx.clock();
    const [clientFailures, emailFailures] = await Promise.all([
      hitRateLimit(ctx.db.kysely, perClient, FAILURE_WINDOW_MS, now),
      hitRateLimit(ctx.db.kysely, perEmail, FAILURE_WINDOW_MS, now),
    ]);
    if (clientFailures > ctx.settings.loginFailuresAllowed || emailFailures > ctx.settings.loginFailuresAllowed * 5) {
      throw new CentralitaError(
        'rate_limited',
        'Too many failed sign-ins for this email; wait 15 minutes or ask an admin to reset the password.',
        {
          retryAfterSeconds: 900,
        },
      );
    }
    const candidates = (await findUsersByEmail(ctx.db.kysely, body.email)).filter(
      (u) => u.active && (!body.workspace || u.workspace_slug === body.workspace),
    );
    // The password is checked before anything about workspaces is said, so nobody learns where
    // an address has an account without knowing its password.
    const matches = [];
    for (const u of candidates) if (await verifyPassword(body.password, u.password_hash)) matches.push(u);
    if (candidates.length === 0) await verifyPassword(body.password, DUMMY_HASH);
    if (matches.length > 1) {
      throw new CentralitaError('validation_failed', 'This email belongs to several workspaces; say which one in "workspace".', {
        workspaces: matches.map((c) => c.workspace_slug),
      });
    }
    const user = matches[0];
    if (!user) throw new CentralitaError('unauthenticated', 'The email or password is wrong.');
    await Promise.all([resetRateLimit(ctx.db.kysely, perClient), resetRateLimit(ctx.db.kysely, perEmail)]);
    const token = newToken('cts_');
    const expiresAt = new Date(now.getTime() + ctx.settings.sessionTtlMs);
    await createSession(ctx.db.kysely, { workspaceId: user.workspace_id, userId: user.id, tokenHash: hashToken(token), expiresAt });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires: expiresAt,
    });
    ctx.logger.info({ userId: user.id, workspaceId: user.workspace_id }, 'signed in');
    res.json({ user: toUser(user), workspace: { id: user.workspace_id, slug: user.workspace_slug }, expiresAt });
  });

  api.document({
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    role: 'public',
    status: 200,
    summary: 'Signs in with email and password; sets the session cookie. Throttled after repeated failures.',
    body: loginSchema,
  });
  api.document({
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    role: 'public',
    status: 204,
    summary: 'Ends the session and clears its cookie.',
  });

  router.post('/auth/logout', async (req, res) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const sessionId = token ? await deleteSession(ctx.db.kysely, hashToken(token)) : null;
    if (sessionId) ctx.realtime.disconnect([rooms.credential('session', sessionId)]);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  api.add({
    method: 'get',
    path: '/auth/me',
    tag: 'auth',
    role: 'agent',
    summary: 'Who the caller is: the user or API token, its role, its permissions (pii.view) and workspace.',
    handler: ({ principal }) => whoIs(ctx, principal),
  });
}

/** The answer of `GET /auth/me`: who the caller is, as the console shows it. */
export async function whoIs(ctx: AppContext, principal: Principal) {
  const user = principal.userId
    ? await ctx.db.kysely.selectFrom('users').selectAll().where('id', '=', principal.userId).executeTakeFirst()
    : undefined;
  const ws = await ctx.db.kysely
    .selectFrom('workspaces')
    .select(['id', 'slug', 'name'])
    .where('id', '=', principal.workspaceId)
    .executeTakeFirstOrThrow();
  return {
    kind: principal.kind,
    role: principal.role,
    /** What the caller may do beyond the role ladder: `pii.view` shows personal data unmasked. */
    permissions: [...principal.permissions],
    name: principal.name,
    user: user ? { ...toUser(user), signature: user.signature } : null,
    workspace: ws,
    /** What the console tells an agent before they try: the largest file `POST /attachments` takes. */
    limits: { uploadMaxBytes: ctx.settings.uploadMaxBytes },
  };
}
