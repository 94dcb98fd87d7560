import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';
import { hitRateLimit } from './auth-store.ts';

/** Cursors and short-lived state an adapter keeps per account, shared by every node. */
export interface AccountStore {
  getCursor(key: string): Promise<string | null>;
  setCursor(key: string, value: string): Promise<void>;
  /** Stores `value` under `key` unless a live entry exists; returns the live value either way. */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<string>;
  hit(key: string, windowMs: number): Promise<number>;
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
    async hit(key, windowMs) {
      return hitRateLimit(db, `acct:${channelAccountId}:${key}`, windowMs, now(), workspaceId);
    },
  };
}
