import { randomBytes } from 'node:crypto';
import { CentralitaError, PERMISSIONS, type Permission, ROLES, type Role } from '@centralita/core';
import { createApiToken, createUser, listApiTokens, listUsers, revokeApiToken, updateUser } from '@centralita/db';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { hashPassword, hashToken, newToken } from '../crypto.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { rooms } from '../realtime/rooms.ts';

const role = z.enum(ROLES as [Role, ...Role[]]);
const password = z.string().min(12, 'passwords need at least 12 characters').max(200);
const permissionList = z.array(z.enum(PERMISSIONS as unknown as [Permission, ...Permission[]])).max(PERMISSIONS.length * 2);
const permissions = z
  .strictObject({ granted: permissionList.optional(), withheld: permissionList.optional() })
  .describe(
    "Overrides of the role's default permissions (pii.view: supervisors and admins have it, agents do not); each list given replaces the stored one, withheld wins over granted",
  );

/** A readable random password, shown once. */
function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** User administration and API tokens. */
export function registerUserRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'get',
    path: '/users',
    tag: 'users',
    role: 'supervisor',
    summary: "The workspace's users.",
    handler: async ({ principal }) => ({ items: await listUsers(db, principal.workspaceId) }),
  });

  api.add({
    method: 'post',
    path: '/users',
    tag: 'users',
    role: 'admin',
    status: 201,
    summary: 'Adds a user: answers { user, initialPassword? }; without a password one is generated and returned this once.',
    body: z.object({ email: z.email().max(320), name: z.string().trim().min(1).max(200), role, password: password.optional() }),
    async handler({ principal, body }) {
      const initial = body.password ?? generatePassword();
      const user = await createUser(db, {
        workspaceId: principal.workspaceId,
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash: await hashPassword(initial),
      });
      return { user, ...(body.password ? {} : { initialPassword: initial }) };
    },
  });

  api.add({
    method: 'patch',
    path: '/users/:id',
    tag: 'users',
    role: 'admin',
    summary:
      "Changes a user's name, role or permission overrides ({granted, withheld}: pii.view), or deactivates them (which ends their sessions). Answers { user } with its effective permissions.",
    body: z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        role: role.optional(),
        active: z.boolean().optional(),
        permissions: permissions.optional(),
      })
      .refine((b) => Object.keys(b).length > 0, 'send at least one of name, role, active, permissions'),
    async handler({ principal, body, params }) {
      if (params.id === principal.userId && (body.active === false || (body.role && body.role !== 'admin'))) {
        throw new CentralitaError('conflict', 'You cannot deactivate or demote yourself; ask another admin.');
      }
      const user = await updateUser(db, principal.workspaceId, params.id as string, body);
      // A deactivated user loses their live sockets; a new role or new permissions mean new rooms
      // on reconnect (whether they hear messages masked or not).
      if (body.active === false || body.role || body.permissions) ctx.realtime.disconnect([rooms.user(user.id)]);
      return { user };
    },
  });

  api.add({
    method: 'post',
    path: '/users/:id/password',
    tag: 'users',
    role: 'admin',
    summary: "Resets a user's password (generated when not given) and ends their sessions.",
    body: z.object({ password: password.optional() }),
    async handler({ principal, body, params }) {
      const next = body.password ?? generatePassword();
      const user = await updateUser(db, principal.workspaceId, params.id as string, { passwordHash: await hashPassword(next) });
      ctx.realtime.disconnect([rooms.user(user.id)]);
      return { user, ...(body.password ? {} : { password: next }) };
    },
  });

  api.add({
    method: 'get',
    path: '/api-tokens',
    tag: 'api-tokens',
    role: 'admin',
    summary: "The workspace's API tokens (never their secret part).",
    handler: async ({ principal }) => ({ items: await listApiTokens(db, principal.workspaceId) }),
  });

  api.add({
    method: 'post',
    path: '/api-tokens',
    tag: 'api-tokens',
    role: 'admin',
    status: 201,
    summary: 'Creates an API token: answers { apiToken, token }, the secret this once, beside the token as the list shows it.',
    body: z.object({ name: z.string().trim().min(1).max(100), role, expiresAt: z.iso.datetime().optional() }),
    async handler({ principal, body }) {
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= ctx.clock()) throw new CentralitaError('validation_failed', 'expiresAt must be in the future.');
      const token = newToken('ctk_');
      const info = await createApiToken(db, {
        workspaceId: principal.workspaceId,
        name: body.name,
        role: body.role,
        tokenHash: hashToken(token),
        createdBy: principal.userId,
        expiresAt,
      });
      return { apiToken: info, token };
    },
  });

  api.add({
    method: 'delete',
    path: '/api-tokens/:id',
    tag: 'api-tokens',
    role: 'admin',
    summary: 'Revokes an API token at once.',
    async handler({ principal, params }) {
      await revokeApiToken(db, principal.workspaceId, params.id as string, ctx.clock());
      ctx.realtime.disconnect([rooms.credential('api_token', params.id as string)]);
      return undefined;
    },
  });
}
