import { hasRole, type Permission, permissionsOf, type Role } from '@centralita/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

/** Who a session or API token speaks for. */
export interface Principal {
  kind: 'session' | 'api_token';
  id: string;
  workspaceId: string;
  userId: string | null;
  role: Role;
  /**
   * What the principal may do beyond its role's ladder (`pii.view`): a user's role defaults with
   * their own overrides; an API token's role defaults, less what its creator may not do.
   */
  permissions: Permission[];
  name: string;
  /** When this sign-in stops working (null: an API token without expiry). */
  expiresAt: Date | null;
}

/** Stores a session under the hash of its token (the token itself is never stored). */
export async function createSession(
  db: Kysely<Database>,
  s: { workspaceId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ workspace_id: s.workspaceId, user_id: s.userId, token_hash: s.tokenHash, expires_at: s.expiresAt })
    .execute();
}

/** The live session for a token hash: unexpired, for an active user. Touches last_seen_at. */
export async function findSession(db: Kysely<Database>, tokenHash: string, now: Date): Promise<Principal | null> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.workspace_id',
      's.user_id',
      'u.role',
      'u.name',
      'u.permissions_granted',
      'u.permissions_withheld',
      's.last_seen_at',
      's.expires_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  // Writing on every request would make reads write-heavy; a minute's precision is enough.
  if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  }
  return {
    kind: 'session',
    id: row.id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    role: row.role,
    permissions: [...permissionsOf(row.role, { granted: row.permissions_granted, withheld: row.permissions_withheld })],
    name: row.name,
    expiresAt: row.expires_at,
  };
}

/** Ends a session (sign-out); returns its id, or null when there was none. */
export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<string | null> {
  const row = await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).returning('id').executeTakeFirst();
  return row?.id ?? null;
}

/** Ends every session of a user (deactivation, password reset). */
export async function deleteUserSessions(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** The live API token for a hash: not revoked, not expired. Touches last_used_at. */
export async function findApiToken(db: Kysely<Database>, tokenHash: string, now: Date): Promise<Principal | null> {
  const row = await db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.created_by')
    .selectAll('api_tokens')
    .select([
      'users.active as creator_active',
      'users.role as creator_role',
      'users.permissions_granted as creator_granted',
      'users.permissions_withheld as creator_withheld',
    ])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (!row) return null;
  // A token is worth no more than the person who made it: a deactivated creator's tokens stop,
  // a demoted creator's tokens are capped at their new role. Bootstrap tokens have no creator.
  if (row.created_by && row.creator_active !== true) return null;
  const role = row.creator_role && !hasRole(row.creator_role, row.role) ? row.creator_role : row.role;
  // The same cap for permissions: a token has its role's defaults, but none its creator lacks.
  const creator = row.creator_role
    ? permissionsOf(row.creator_role, { granted: row.creator_granted ?? [], withheld: row.creator_withheld ?? [] })
    : null;
  const permissions = [...permissionsOf(role)].filter((p) => !creator || creator.has(p));
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    kind: 'api_token',
    id: row.id,
    workspaceId: row.workspace_id,
    userId: row.created_by,
    role,
    permissions,
    name: row.name,
    expiresAt: row.expires_at,
  };
}

/**
 * Counts one hit against a window that opens at the first hit and is shared by every node; returns the count in it.
 * One upsert, so concurrent requests on several nodes cannot both slip under the limit.
 */
export async function hitRateLimit(
  db: Kysely<Database>,
  key: string,
  windowMs: number,
  now: Date,
  workspaceId: string | null = null,
): Promise<number> {
  // The window opens at the first hit, not at a clock boundary: with boundaries, a burst just
  // before and just after one would get twice the limit, and a test that straddles one fails.
  const cutoff = new Date(now.getTime() - windowMs);
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: now, hits: 1, workspace_id: workspaceId })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql`CASE WHEN rate_limits.window_start > ${cutoff} THEN rate_limits.hits + 1 ELSE 1 END`,
        window_start: sql`CASE WHEN rate_limits.window_start > ${cutoff} THEN rate_limits.window_start ELSE excluded.window_start END`,
      }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  return row.hits;
}

/**
 * Many hits in one statement, each counted exactly as `hitRateLimit` one after the other would
 * count it: hits on one key are summed into one row, and the k-th of n hits on a key is told the
 * row's new count minus (n - k). Keys are written in sorted order, so two nodes doing this at once
 * lock rows in the same order and never deadlock.
 */
export async function hitRateLimits(
  db: Kysely<Database>,
  hits: readonly { key: string; windowMs: number; workspaceId: string | null }[],
  now: Date,
): Promise<number[]> {
  const out = new Array<number>(hits.length).fill(0);
  // One statement per window length (an upsert can compare with one cutoff); in practice one.
  const byWindow = new Map<number, Map<string, { workspaceId: string | null; at: number[] }>>();
  hits.forEach((h, i) => {
    let keys = byWindow.get(h.windowMs);
    if (!keys) {
      keys = new Map();
      byWindow.set(h.windowMs, keys);
    }
    const k = keys.get(h.key);
    if (k) k.at.push(i);
    else keys.set(h.key, { workspaceId: h.workspaceId, at: [i] });
  });
  for (const [windowMs, keys] of byWindow) {
    const cutoff = new Date(now.getTime() - windowMs);
    const sorted = [...keys.keys()].sort();
    const rows = await sql<{ key: string; hits: number }>`
      INSERT INTO rate_limits (key, window_start, hits, workspace_id)
      SELECT k, ${now}::timestamptz, n, w FROM unnest(${sorted}::text[], ${sorted.map((k) => keys.get(k)?.at.length ?? 1)}::int[],
        ${sorted.map((k) => keys.get(k)?.workspaceId ?? null)}::uuid[]) AS t(k, n, w)
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN rate_limits.window_start > ${cutoff} THEN rate_limits.hits + excluded.hits ELSE excluded.hits END,
        window_start = CASE WHEN rate_limits.window_start > ${cutoff} THEN rate_limits.window_start ELSE excluded.window_start END
      RETURNING key, hits`.execute(db);
    for (const r of rows.rows) {
      const at = keys.get(r.key)?.at ?? [];
      at.forEach((i, k) => {
        out[i] = r.hits - (at.length - 1 - k);
      });
    }
  }
  return out;
}

/** Clears a limit (a successful login resets the failure count). */
export async function resetRateLimit(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}
