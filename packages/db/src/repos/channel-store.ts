import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { hitRateLimit } from './auth-store.ts';

/** Cursors and short-lived state an adapter keeps per account, shared by every node. */
export interface AccountStore {
  getCursor(key: string): Promise<string | null>;
  setCursor(key: string, value: string): Promise<void>;
  /** Stores `value` under `key` unless a live entry exists; returns the live value either way. */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<string>;
  /** The live value under `key`, or null. */
  get(key: string): Promise<string | null>;
  delete(key: string): Promise<void>;
  /** Sets `key` to `next` only if its live value is `expected` (null: none); true when set. */
  compareAndSet(key: string, expected: string | null, next: string, ttlMs: number): Promise<boolean>;
  hit(key: string, windowMs: number): Promise<number>;
  getBlob(key: string): Promise<Uint8Array | null>;
  putBlob(key: string, content: Uint8Array): Promise<void>;
  deleteBlob(key: string): Promise<void>;
}

/** One `putIfAbsent` of one account, for `putIfAbsentMany`. */
export interface PutIfAbsent {
  workspaceId: string;
  channelAccountId: string;
  key: string;
  value: string;
  ttlMs: number;
}

/**
 * Many `putIfAbsent`s in one statement, each answered as if they had run one after the other in
 * the order given: the first of several on one key stores its value (unless a live entry exists)
 * and all of them get the live value. Rows are written in key order, so concurrent calls on
 * several nodes never deadlock.
 */
export async function putIfAbsentMany(db: Kysely<Database>, puts: readonly PutIfAbsent[], at: Date): Promise<string[]> {
  const first = new Map<string, PutIfAbsent>();
  for (const p of puts) {
    const k = JSON.stringify([p.channelAccountId, p.key]);
    if (!first.has(k)) first.set(k, p);
  }
  const rows = [...first.values()].sort((a, b) =>
    a.channelAccountId === b.channelAccountId
      ? a.key < b.key
        ? -1
        : a.key > b.key
          ? 1
          : 0
      : a.channelAccountId < b.channelAccountId
        ? -1
        : 1,
  );
  const got = await db
    .insertInto('channel_state')
    .values(
      rows.map((p) => ({
        workspace_id: p.workspaceId,
        channel_account_id: p.channelAccountId,
        key: p.key,
        value: p.value,
        expires_at: new Date(at.getTime() + p.ttlMs),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['channel_account_id', 'key']).doUpdateSet({
        // An expired entry is replaced; a live one is kept as it is.
        value: sql`CASE WHEN channel_state.expires_at <= ${at} THEN excluded.value ELSE channel_state.value END`,
        expires_at: sql`CASE WHEN channel_state.expires_at <= ${at} THEN excluded.expires_at ELSE channel_state.expires_at END`,
      }),
    )
    .returning(['channel_account_id', 'key', 'value'])
    .execute();
  const live = new Map(got.map((r) => [JSON.stringify([r.channel_account_id, r.key]), r.value]));
  return puts.map((p) => {
    const v = live.get(JSON.stringify([p.channelAccountId, p.key]));
    if (v === undefined) throw new Error('putIfAbsentMany returned no row for a key');
    return v;
  });
}

/** The store for one channel account. */
export function accountStore(db: Kysely<Database>, workspaceId: string, channelAccountId: string, now: () => Date): AccountStore {
  return {
    async getCursor(key) {
      const row = await db
        .selectFrom('channel_cursors')
        .select('value')
        .where('channel_account_id', '=', channelAccountId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value ?? null;
    },
    async setCursor(key, value) {
      await db
        .insertInto('channel_cursors')
        .values({ workspace_id: workspaceId, channel_account_id: channelAccountId, key, value })
        .onConflict((oc) => oc.columns(['channel_account_id', 'key']).doUpdateSet({ value, updated_at: now() }))
        .execute();
    },
    async putIfAbsent(key, value, ttlMs) {
      const at = now();
      const row = await db
        .insertInto('channel_state')
        .values({ workspace_id: workspaceId, channel_account_id: channelAccountId, key, value, expires_at: new Date(at.getTime() + ttlMs) })
        .onConflict((oc) =>
          oc.columns(['channel_account_id', 'key']).doUpdateSet({
            // An expired entry is replaced; a live one is kept as it is.
            value: sql`CASE WHEN channel_state.expires_at <= ${at} THEN excluded.value ELSE channel_state.value END`,
            expires_at: sql`CASE WHEN channel_state.expires_at <= ${at} THEN excluded.expires_at ELSE channel_state.expires_at END`,
          }),
        )
        .returning('value')
        .executeTakeFirstOrThrow();
      return row.value;
    },
    async get(key) {
      const row = await db
        .selectFrom('channel_state')
        .select('value')
        .where('channel_account_id', '=', channelAccountId)
        .where('key', '=', key)
        .where('expires_at', '>', now())
        .executeTakeFirst();
      return row?.value ?? null;
    },
    async getBlob(key) {
      const row = await db
        .selectFrom('channel_blobs')
        .select('content')
        .where('channel_account_id', '=', channelAccountId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? new Uint8Array(row.content) : null;
    },
    async putBlob(key, content) {
      const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
      await db
        .insertInto('channel_blobs')
        .values({ workspace_id: workspaceId, channel_account_id: channelAccountId, key, content: bytes })
        .onConflict((oc) => oc.columns(['channel_account_id', 'key']).doUpdateSet({ content: bytes, updated_at: now() }))
        .execute();
    },
    async deleteBlob(key) {
      await db.deleteFrom('channel_blobs').where('channel_account_id', '=', channelAccountId).where('key', '=', key).execute();
    },
    async delete(key) {
      await db.deleteFrom('channel_state').where('channel_account_id', '=', channelAccountId).where('key', '=', key).execute();
    },
    async compareAndSet(key, expected, next, ttlMs) {
      const at = now();
      const expires_at = new Date(at.getTime() + ttlMs);
      if (expected === null) {
        // Inserted, or an expired entry replaced; a live one blocks the claim. Either way one statement,
        // so two nodes claiming at once cannot both win.
        const row = await db
          .insertInto('channel_state')
          .values({ workspace_id: workspaceId, channel_account_id: channelAccountId, key, value: next, expires_at })
          .onConflict((oc) =>
            oc.columns(['channel_account_id', 'key']).doUpdateSet({ value: next, expires_at }).where('channel_state.expires_at', '<=', at),
          )
          .returning('key')
          .executeTakeFirst();
        return row !== undefined;
      }
      const row = await db
        .updateTable('channel_state')
        .set({ value: next, expires_at })
        .where('channel_account_id', '=', channelAccountId)
        .where('key', '=', key)
        .where('value', '=', expected)
        .where('expires_at', '>', at)
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    },
    async hit(key, windowMs) {
      return hitRateLimit(db, `acct:${channelAccountId}:${key}`, windowMs, now(), workspaceId);
    },
  };
}
