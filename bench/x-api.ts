import { randomBytes } from 'node:crypto';
import { createApiToken, createUser, createWorkspace, type Db } from '@centralita/db';
import { hashToken } from '../apps/server/src/crypto.ts';
import { percentile } from './stats.ts';
import { epochNow, type PeerProcess } from './x-peer.ts';

// The API side of the X figures: an admin's token, accounts made as an admin makes them, and
// agents' replies timed from the API call until the peer holds them.

/** Replies carry `[reply <key>]`, by which the peer's report of each is matched. */
export const MARKER = /\[reply (\S+?)\]/;

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The API's 201, the part of the latency before the outbox. */
  apiP50: number;
}

/** A POST with the token, JSON both ways. */
export async function call(base: string, token: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A channel account made through the API, as an admin makes one; its id. */
export async function createAccount(base: string, token: string, kind: string, name: string, config: unknown): Promise<string> {
  const res = await call(base, token, '/api/v1/channel-accounts', { kind, name, config });
  if (res.status !== 201) throw new Error(`creating the ${kind} account answered ${res.status}: ${JSON.stringify(res.json)}`);
  return (res.json as { channelAccount: { id: string } }).channelAccount.id;
}

/** A workspace with an admin and an admin API token, as the console's admin would hold. */
export async function adminToken(db: Db): Promise<string> {
  const ws = await createWorkspace(db.kysely, { slug: `x-${Date.now()}`, name: 'Bench X' });
  const admin = await createUser(db.kysely, {
    workspaceId: ws.id,
    email: 'admin@bench-x.test',
    name: 'Admin',
    role: 'admin',
    passwordHash: null,
  });
  const token = `ctk_${randomBytes(24).toString('base64url')}`;
  await createApiToken(db.kysely, {
    workspaceId: ws.id,
    name: 'bench',
    role: 'admin',
    tokenHash: hashToken(token),
    createdBy: admin.id,
    expiresAt: null,
  });
  return token;
}

/** One agent reply through the API, timed until the peer holds it. */
export async function timedReply(
  base: string,
  token: string,
  peer: PeerProcess,
  conversationId: string,
  key: string,
): Promise<{ total: number; api: number }> {
  const arrived = peer.arrival(key, 30_000);
  const t0 = epochNow();
  const res = await call(base, token, `/api/v1/conversations/${conversationId}/messages`, {
    text: `We are looking into it, sorry for the wait [reply ${key}]`,
  });
  const api = epochNow() - t0;
  if (res.status !== 201) throw new Error(`a reply answered ${res.status}: ${JSON.stringify(res.json)}`);
  return { total: (await arrived) - t0, api };
}

/** One reply to each of `conversations`, `concurrency` at a time, and the percentiles of their latency. */
export async function replies(
  send: (conversationId: string, key: string) => Promise<{ total: number; api: number }>,
  conversations: string[],
  prefix: string,
  concurrency: number,
): Promise<Latency> {
  const samples: { total: number; api: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < conversations.length) {
        const i = next++;
        samples.push(await send(conversations[i] as string, `${prefix}-${i}`));
      }
    }),
  );
  const totals = samples.map((s) => s.total);
  return {
    count: samples.length,
    p50: percentile(totals, 50),
    p95: percentile(totals, 95),
    p99: percentile(totals, 99),
    max: Math.max(...totals),
    apiP50: percentile(
      samples.map((s) => s.api),
      50,
    ),
  };
}
