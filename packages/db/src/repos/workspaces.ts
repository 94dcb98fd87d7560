import { CentralitaError, PERMISSIONS, type Permission, permissionsOf, type Role, type User, type Workspace } from '@centralita/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../schema.ts';

/** A user as the API shows it: the core model with what they may do beyond their role. */
export interface UserView extends User {
  /** Effective permissions: the role's defaults with this user's overrides applied. */
  permissions: Permission[];
  /** The overrides an admin set (`PATCH /users/:id`), each list of known permissions only. */
  permissionOverrides: { granted: Permission[]; withheld: Permission[] };
}

const known = (list: readonly string[]) => list.filter((p): p is Permission => (PERMISSIONS as readonly string[]).includes(p));

/** Maps a user row to the core model (never exposes the password hash). */
export function toUser(r: Selectable<UsersTable>): UserView {
  const overrides = { granted: known(r.permissions_granted), withheld: known(r.permissions_withheld) };
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    email: r.email,
    name: r.name,
    role: r.role,
    active: r.active,
    createdAt: r.created_at,
    permissions: [...permissionsOf(r.role, overrides)],
    permissionOverrides: overrides,
  };
}

/** Creates a workspace; the slug must be unused. */
export async function createWorkspace(db: Kysely<Database>, input: { slug: string; name: string }): Promise<Workspace> {
  const taken = await db.selectFrom('workspaces').select('id').where('slug', '=', input.slug).executeTakeFirst();
  if (taken) throw new CentralitaError('conflict', `A workspace with slug "${input.slug}" already exists.`);
  const r = await db.insertInto('workspaces').values(input).returningAll().executeTakeFirstOrThrow();
  return { id: r.id, name: r.name, reopenWindowMinutes: r.reopen_window_minutes, createdAt: r.created_at };
}

/** A workspace by id or slug, or null. */
export async function findWorkspace(db: Kysely<Database>, by: { id: string } | { slug: string }) {
  const q = db.selectFrom('workspaces').selectAll();
  return ('id' in by ? q.where('id', '=', by.id) : q.where('slug', '=', by.slug)).executeTakeFirst();
}

/** Adds a user; the email must be new in the workspace. */
export async function createUser(
  db: Kysely<Database>,
  input: { workspaceId: string; email: string; name: string; role: Role; passwordHash: string | null },
): Promise<UserView> {
  const clash = await db
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', input.email.toLowerCase()))
    .executeTakeFirst();
  if (clash) throw new CentralitaError('conflict', `A user with email ${input.email} already exists in this workspace.`);
  const r = await db
    .insertInto('users')
    .values({ workspace_id: input.workspaceId, email: input.email, name: input.name, role: input.role, password_hash: input.passwordHash })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(r);
}

/** Users with this email in any workspace, for sign-in (with their password hashes). */
export async function findUsersByEmail(db: Kysely<Database>, email: string) {
  return db
    .selectFrom('users')
    .innerJoin('workspaces', 'workspaces.id', 'users.workspace_id')
    .selectAll('users')
    .select('workspaces.slug as workspace_slug')
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .execute();
}

/** Team ids the user belongs to. */
export async function teamIdsOf(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.team_id);
}
