import { waitFor } from '@centralita/channel-kit/conformance';
import type { TwitterConfigInput } from '@centralita/channel-twitter';
import { type CapsOverride, peerConfig, startXPeer, X_ROUTES, type XPeer, type XPeerOptions } from '@centralita/channel-twitter/testing';
import type { Db } from '@centralita/db';
import { afterAll, beforeAll } from 'vitest';
import { call, createFixture, type Fixture, login, type TestNode } from './harness.ts';

type Node = TestNode & { db: { current: { db: Db } } };

/**
 * Tests poll many times a second; X's real caps (15 DM reads per 15 minutes) would stop them in
 * seconds. Rate limits are exercised on purpose, with `failNext`.
 */
const ROOMY: CapsOverride = Object.fromEntries(X_ROUTES.map((r) => [r, { per15min: 1_000_000, per24h: 1_000_000 }]));

/** One X peer and a workspace for a test file; the peer closes afterwards. */
export function useXPeer(t: Node, options: XPeerOptions = {}) {
  const holder = {} as { peer: XPeer; f: Fixture; cookie: string };
  beforeAll(async () => {
    holder.peer = await startXPeer({ caps: ROOMY, ...options });
    holder.f = await createFixture(t);
    holder.cookie = await login(t.url, holder.f.users.admin.email);
  });
  afterAll(async () => {
    await holder.peer?.close();
  });
  return holder;
}

/** Adds an X account on the peer through the API (as an admin would); returns its id. */
export async function createXAccount(t: Node, token: string, peer: XPeer, overrides: Partial<TwitterConfigInput> = {}): Promise<string> {
  const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
    token,
    body: { kind: 'twitter', name: `@${peer.brand.username}`, config: peerConfig(peer, { listening: false, ...overrides }) },
  });
  if (res.status !== 201) throw new Error(`creating the X account answered ${res.status}: ${res.text}`);
  return res.json.channelAccount.id as string;
}

/** The stored message with this external id (a post or DM event id), once it is stored. */
export function storedMessage(t: Node, externalId: string, options: { accountId?: string; timeoutMs?: number } = {}) {
  const { accountId, timeoutMs = 15_000 } = options;
  return waitFor(
    () => {
      let q = t.db.current.db.kysely
        .selectFrom('messages')
        .select(['id', 'conversation_id', 'visibility', 'text', 'thread_rule', 'channel_account_id'])
        .where('external_id', '=', externalId);
      if (accountId) q = q.where('channel_account_id', '=', accountId);
      return q.executeTakeFirst();
    },
    { timeoutMs, what: `message ${externalId} to be stored` },
  );
}

/** How many messages carry this external id (exactly once means 1). */
export async function copiesOf(t: Node, externalId: string, accountId?: string): Promise<number> {
  let q = t.db.current.db.kysely.selectFrom('messages').select('id').where('external_id', '=', externalId);
  if (accountId) q = q.where('channel_account_id', '=', accountId);
  return (await q.execute()).length;
}

/** An outbound message once it reached `state` (sent, failed...). */
export function deliveryOf(t: Node, messageId: string, state: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const row = await t.db.current.db.kysely
        .selectFrom('messages')
        .select(['delivery_state', 'external_id', 'failure_reason', 'metadata'])
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();
      return row.delivery_state === state ? row : undefined;
    },
    { timeoutMs, what: `message ${messageId} to be ${state}` },
  );
}

/** The external ids of every part of a sent reply, in order. */
export async function partsOf(t: Node, messageId: string): Promise<string[]> {
  const db = t.db.current.db.kysely;
  const row = await db.selectFrom('messages').select('external_id').where('id', '=', messageId).executeTakeFirstOrThrow();
  const later = await db.selectFrom('message_parts').select('external_id').where('message_id', '=', messageId).orderBy('part').execute();
  return [...(row.external_id ? [row.external_id] : []), ...later.map((p) => p.external_id)];
}

/** The account's latest reported state, as the API shows it. */
export async function accountState(t: Node, token: string, accountId: string): Promise<{ state: string; detail: string } | null> {
  const res = await call(t.url, 'GET', '/api/v1/channel-accounts', { token });
  const account = (res.json.items as { id: string; state: { state: string; detail: string } | null }[]).find((a) => a.id === accountId);
  return account?.state ?? null;
}

/** Waits until the account reports `state`. */
export function accountReaches(t: Node, token: string, accountId: string, state: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const s = await accountState(t, token, accountId);
      return s?.state === state ? s : undefined;
    },
    { timeoutMs, what: `account ${accountId} to report ${state}` },
  );
}
