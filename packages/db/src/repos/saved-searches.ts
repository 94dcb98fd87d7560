import { CentralitaError } from '@centralita/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { SavedSearchesTable } from '../schema-listening.ts';

/**
 * A saved search as stored. `terms` is the JSON the API validated when it was saved (channel-kit's
 * `SavedSearchTerms`); readers parse it again, so fields added later get their defaults.
 */
export interface SavedSearchRecord {
  id: string;
  workspaceId: string;
  channelAccountId: string;
  name: string;
  terms: Record<string, unknown>;
  intervalSeconds: number;
  paused: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toRecord(r: Selectable<SavedSearchesTable>): SavedSearchRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    channelAccountId: r.channel_account_id,
    name: r.name,
    terms: r.terms,
    intervalSeconds: r.interval_seconds,
    paused: r.paused,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Stores a new search for an account of the workspace (the caller checked the account). */
export async function createSavedSearch(
  db: Kysely<Database>,
  input: {
    workspaceId: string;
    channelAccountId: string;
    name: string;
    terms: object;
    intervalSeconds?: number;
    paused?: boolean;
    createdBy: string | null;
  },
): Promise<SavedSearchRecord> {
  const r = await db
    .insertInto('saved_searches')
    .values({
      workspace_id: input.workspaceId,
      channel_account_id: input.channelAccountId,
      name: input.name,
      terms: JSON.stringify(input.terms),
      ...(input.intervalSeconds !== undefined ? { interval_seconds: input.intervalSeconds } : {}),
      ...(input.paused !== undefined ? { paused: input.paused } : {}),
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(r);
}

/** An account's searches, oldest first. */
function accountSearches(db: Kysely<Database>, channelAccountId: string) {
  return db.selectFrom('saved_searches').selectAll().where('channel_account_id', '=', channelAccountId).orderBy('created_at').orderBy('id');
}

/** Every search of one account of the workspace, paused ones too, oldest first. */
export async function listSavedSearches(db: Kysely<Database>, workspaceId: string, channelAccountId: string): Promise<SavedSearchRecord[]> {
  const rows = await accountSearches(db, channelAccountId).where('workspace_id', '=', workspaceId).execute();
  return rows.map(toRecord);
}

/** The searches an account's adapter should run now: those not paused, oldest first. */
export async function listActiveSavedSearches(db: Kysely<Database>, channelAccountId: string): Promise<SavedSearchRecord[]> {
  const rows = await accountSearches(db, channelAccountId).where('paused', '=', false).execute();
  return rows.map(toRecord);
}

/** How many searches an account has, paused ones included. */
export async function countSavedSearches(db: Kysely<Database>, workspaceId: string, channelAccountId: string): Promise<number> {
  const r = await db
    .selectFrom('saved_searches')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('channel_account_id', '=', channelAccountId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** One search of the workspace, or a `not_found` error (a search of another workspace is not found). */
export async function getSavedSearch(db: Kysely<Database>, workspaceId: string, id: string): Promise<SavedSearchRecord> {
  const r = await db
    .selectFrom('saved_searches')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw new CentralitaError('not_found', `No saved search ${id} in this workspace.`);
  return toRecord(r);
}

/** Changes a search's name, terms, interval or paused flag; `updatedAt` moves. */
export async function updateSavedSearch(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: { name?: string; terms?: object; intervalSeconds?: number; paused?: boolean },
): Promise<SavedSearchRecord> {
  const r = await db
    .updateTable('saved_searches')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.terms !== undefined ? { terms: JSON.stringify(patch.terms) } : {}),
      ...(patch.intervalSeconds !== undefined ? { interval_seconds: patch.intervalSeconds } : {}),
      ...(patch.paused !== undefined ? { paused: patch.paused } : {}),
      // Strictly later than before, even within one clock tick, so an adapter sees the change.
      updated_at: sql<Date>`greatest(now(), updated_at + interval '1 millisecond')`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!r) throw new CentralitaError('not_found', `No saved search ${id} in this workspace.`);
  return toRecord(r);
}

/** Deletes a search of the workspace; `not_found` when there is none. Returns what was deleted. */
export async function deleteSavedSearch(db: Kysely<Database>, workspaceId: string, id: string): Promise<SavedSearchRecord> {
  const r = await db
    .deleteFrom('saved_searches')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!r) throw new CentralitaError('not_found', `No saved search ${id} in this workspace.`);
  return toRecord(r);
}
