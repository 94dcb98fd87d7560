import { CentralitaError, type ChannelAccount } from '@centralita/core';
import type { Kysely, Selectable } from 'kysely';
import type { ChannelAccountsTable, Database } from '../schema.ts';

/** A channel account with its still-encrypted secrets, for the channel host only. */
export interface ChannelAccountRecord extends ChannelAccount {
  secretsEncrypted: string | null;
}

function toRecord(r: Selectable<ChannelAccountsTable>): ChannelAccountRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind,
    name: r.name,
    settings: r.settings,
    active: r.active,
    createdAt: r.created_at,
    secretsEncrypted: r.secrets_encrypted,
  };
}

/** Stores a new channel account; secrets arrive already encrypted. */
export async function createChannelAccount(
  db: Kysely<Database>,
  input: { workspaceId: string; kind: string; name: string; settings: Record<string, unknown>; secretsEncrypted: string | null },
): Promise<ChannelAccountRecord> {
  const r = await db
    .insertInto('channel_accounts')
    .values({
      workspace_id: input.workspaceId,
      kind: input.kind,
      name: input.name,
      settings: JSON.stringify(input.settings),
      secrets_encrypted: input.secretsEncrypted,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(r);
}

/** Accounts of one workspace, or of every workspace when `workspaceId` is null (the host). */
export async function listChannelAccounts(db: Kysely<Database>, workspaceId: string | null): Promise<ChannelAccountRecord[]> {
  let q = db.selectFrom('channel_accounts').selectAll().orderBy('created_at');
  if (workspaceId) q = q.where('workspace_id', '=', workspaceId);
  return (await q.execute()).map(toRecord);
}

/** One account by id (any workspace: webhooks arrive before we know the workspace), or null. */
export async function findChannelAccount(db: Kysely<Database>, id: string): Promise<ChannelAccountRecord | null> {
  const r = await db.selectFrom('channel_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRecord(r) : null;
}

/** Updates name, settings, secrets or the active flag of a workspace's account. */
export async function updateChannelAccount(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: { name?: string; settings?: Record<string, unknown>; secretsEncrypted?: string | null; active?: boolean },
): Promise<ChannelAccountRecord> {
  const r = await db
    .updateTable('channel_accounts')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
      ...(patch.secretsEncrypted !== undefined ? { secrets_encrypted: patch.secretsEncrypted } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!r) throw new CentralitaError('not_found', `No channel account ${id} in this workspace.`);
  return toRecord(r);
}
