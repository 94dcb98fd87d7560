import type { Role } from './model.ts';

/**
 * Permissions that do not follow the role ladder one to one. A role grants its defaults; a
 * workspace may grant or withhold one per user (see the users API).
 */
export const PERMISSIONS = ['pii.view'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const DEFAULTS: Record<Role, readonly Permission[]> = {
  agent: [],
  supervisor: ['pii.view'],
  admin: ['pii.view'],
};

/** The permissions a role has unless a user's own grants say otherwise. */
export function defaultPermissions(role: Role): readonly Permission[] {
  return DEFAULTS[role];
}

/**
 * What one principal may do: its role's defaults, with per-user overrides (`granted` adds,
 * `withheld` removes; withheld wins).
 */
export function permissionsOf(role: Role, overrides: { granted?: readonly string[]; withheld?: readonly string[] } = {}): Set<Permission> {
  const out = new Set<Permission>(DEFAULTS[role]);
  for (const p of overrides.granted ?? []) if ((PERMISSIONS as readonly string[]).includes(p)) out.add(p as Permission);
  for (const p of overrides.withheld ?? []) out.delete(p as Permission);
  return out;
}
