import { randomBytes } from 'node:crypto';
import { createApiToken, createUser, createWorkspace } from '@centralita/db';
import { sql } from 'kysely';
import type { AppContext } from './context.ts';
import { hashPassword, hashToken } from './crypto.ts';

export interface BootstrapResult {
  created: boolean;
  workspaceSlug?: string;
  adminEmail?: string;
  /** Shown once on the terminal; never logged. */
  adminPassword?: string;
  usedBootstrapToken?: boolean;
}

/**
 * On the very first start (no workspace yet) creates the default workspace and its admin: with
 * CENTRALITA_BOOTSTRAP_TOKEN that token becomes an admin API token; otherwise an admin password is
 * generated for the caller to print once.
 */
export async function bootstrapInstallation(ctx: AppContext, options: { bootstrapToken?: string | undefined }): Promise<BootstrapResult> {
  const adminEmail = 'admin@localhost';
  const adminPassword = options.bootstrapToken ? undefined : randomBytes(15).toString('base64url');
  const passwordHash = adminPassword ? await hashPassword(adminPassword) : null;
  // One transaction: a crash half-way leaves no admin-less workspace that later starts would skip.
  return ctx.db.kysely.transaction().execute(async (db) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended('centralita:bootstrap', 0))`.execute(db);
    const any = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
    if (any) return { created: false };
    const ws = await createWorkspace(db, { slug: 'default', name: 'Default workspace' });
    await createUser(db, { workspaceId: ws.id, email: adminEmail, name: 'Admin', role: 'admin', passwordHash });
    if (options.bootstrapToken) {
      await createApiToken(db, {
        workspaceId: ws.id,
        name: 'bootstrap',
        role: 'admin',
        tokenHash: hashToken(options.bootstrapToken),
        createdBy: null,
        expiresAt: null,
      });
      return { created: true, workspaceSlug: 'default', adminEmail, usedBootstrapToken: true };
    }
    return { created: true, workspaceSlug: 'default', adminEmail, ...(adminPassword ? { adminPassword } : {}) };
  });
}
