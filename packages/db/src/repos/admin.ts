import { CentralitaError, type Permission, type Role } from '@centralita/core';
import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../schema.ts';
import { deleteUserSessions } from './auth-store.ts';
import { toUser, type UserView } from './workspaces.ts';

/** The workspace's users, by name. */
export async function listUsers(db: Kysely<Database>, workspaceId: string): Promise<UserView[]> {
  const rows = await db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute();
  return rows.map(toUser);
}

/**
 * Changes a user's role, name, password, active flag or permission overrides (each list replaces
 * the stored one); deactivation and a new password end their sessions.
 */
export async function updateUser(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: {
    role?: Role;
    name?: string;
    active?: boolean;
    passwordHash?: string;
    permissions?: { granted?: readonly Permission[]; withheld?: readonly Permission[] };
  },
): Promise<UserView> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('users')
      .set({
        ...(patch.role ? { role: patch.role } : {}),
        ...(patch.name ? { name: patch.name } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        ...(patch.passwordHash ? { password_hash: patch.passwordHash } : {}),
        ...(patch.permissions?.granted ? { permissions_granted: [...new Set(patch.permissions.granted)] } : {}),
        ...(patch.permissions?.withheld ? { permissions_withheld: [...new Set(patch.permissions.withheld)] } : {}),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!r) throw new CentralitaError('not_found', `No user ${id} in this workspace.`);
    if (patch.active === false || patch.passwordHash) await deleteUserSessions(trx, id);
    return toUser(r);
  });
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A token row as the API shows it: everything but the hash. */
function toApiTokenInfo(r: Selectable<ApiTokensTable>): ApiTokenInfo {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

/** Stores an API token by hash. */
export async function createApiToken(
  db: Kysely<Database>,
  t: { workspaceId: string; name: string; tokenHash: string; role: Role; createdBy: string | null; expiresAt: Date | null },
): Promise<ApiTokenInfo> {
  const r = await db
    .insertInto('api_tokens')
    .values({
      workspace_id: t.workspaceId,
      name: t.name,
      token_hash: t.tokenHash,
      role: t.role,
      created_by: t.createdBy,
      expires_at: t.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiTokenInfo(r);
}

/** The workspace's API tokens (never their secrets), newest first. */
export async function listApiTokens(db: Kysely<Database>, workspaceId: string): Promise<ApiTokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toApiTokenInfo);
}

/** Revokes a token at once; revoking twice is harmless. */
export async function revokeApiToken(db: Kysely<Database>, workspaceId: string, id: string, now: Date): Promise<void> {
  const r = await db
    .updateTable('api_tokens')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new CentralitaError('not_found', `No API token ${id} in this workspace.`);
}
