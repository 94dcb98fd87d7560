import { CentralitaError, type ChannelAccount } from '@centralita/core';
import { type Kysely, type Selectable, sql } from 'kysely';
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

/** Several accounts by id in one statement (concurrent webhooks' lookups); absent ids are left out. */
export async function findChannelAccounts(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, ChannelAccountRecord>> {
  const out = new Map<string, ChannelAccountRecord>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('channel_accounts')
    .selectAll()
    .where('id', '=', sql<string>`ANY(${[...new Set(ids)]}::uuid[])`)
    .execute();
  for (const r of rows) out.set(r.id, toRecord(r));
  return out;
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

/** The latest state an account's adapter reported, and when it entered it. */
export interface ChannelAccountState {
  state: string;
  detail: string;
  data: Record<string, string | number | boolean | null> | null;
  /** When the account entered this state (a repeat of the same report keeps it). */
  changedAt: Date;
  /** When the adapter last said so. */
  reportedAt: Date;
}

/**
 * Keeps an account's latest reported state. A report equal to the stored one only moves
 * `reportedAt`, so `changedAt` says how long the account has been so.
 */
export async function recordChannelAccountState(
  db: Kysely<Database>,
  where: { workspaceId: string; channelAccountId: string },
  report: { state: string; detail: string; data?: Record<string, string | number | boolean | null> | null },
  at: Date,
): Promise<void> {
  const data = report.data ? JSON.stringify(report.data) : null;
  await db
    .insertInto('channel_account_states')
    .values({
      channel_account_id: where.channelAccountId,
      workspace_id: where.workspaceId,
      state: report.state,
      detail: report.detail,
      data,
      changed_at: at,
      reported_at: at,
    })
    .onConflict((oc) =>
      oc.column('channel_account_id').doUpdateSet({
        state: report.state,
        detail: report.detail,
        data,
        reported_at: at,
        changed_at: sql`CASE WHEN channel_account_states.state = excluded.state AND channel_account_states.detail = excluded.detail
          AND channel_account_states.data IS NOT DISTINCT FROM excluded.data THEN channel_account_states.changed_at ELSE excluded.changed_at END`,
      }),
    )
    .execute();
}

/** The reported state of each account of a workspace that has one, by account id. */
export async function listChannelAccountStates(db: Kysely<Database>, workspaceId: string): Promise<Map<string, ChannelAccountState>> {
  const rows = await db.selectFrom('channel_account_states').selectAll().where('workspace_id', '=', workspaceId).execute();
  return new Map(
    rows.map((r) => [
      r.channel_account_id,
      { state: r.state, detail: r.detail, data: r.data, changedAt: r.changed_at, reportedAt: r.reported_at },
    ]),
  );
}
