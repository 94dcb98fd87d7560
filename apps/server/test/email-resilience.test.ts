import { randomBytes } from 'node:crypto';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createApiToken, createUser, createWorkspace } from '@centralita/db';
import { type MailPeer, openMailPeer, useTestDatabase } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedAdapters } from '../src/adapters.ts';
import { type Centralita, createCentralita } from '../src/app.ts';
import { hashToken } from '../src/crypto.ts';
import { createLogger } from '../src/logger.ts';
import { createEmailAccount } from './harness.ts';

// A mailbox read through cuts and a restart: the IMAP connection is killed twice mid-stream, then
// the node reading it stops and another takes over from the checkpoint.
const database = useTestDatabase();
const key = randomBytes(32);
const nodes: Centralita[] = [];
let peer: MailPeer;
let accountId = '';
// Large enough that the node can be stopped mid-mailbox: a chunk of 50 is stored in one commit.
const TOTAL = 1_200;

const urls: string[] = [];

async function startNode(): Promise<Centralita> {
  const node = createCentralita({
    db: database.current.db,
    logger: createLogger('silent'),
    secretKey: key,
    adapters: installedAdapters(),
    worker: false,
    pullLockRetryMs: 100,
  });
  nodes.push(node);
  urls.push(await node.listen(0, '127.0.0.1'));
  return node;
}

async function storedIds(): Promise<string[]> {
  const rows = await database.current.db.kysely
    .selectFrom('messages')
    .select('external_id')
    .where('channel_account_id', '=', accountId)
    .execute();
  return rows.map((r) => r.external_id as string);
}

beforeAll(async () => {
  peer = await openMailPeer();
  for (let i = 0; i < TOTAL; i++)
    await peer.send({ from: `cliente${i % 17}@example.com`, subject: `Consulta ${i}`, text: `Mensaje número ${i}` });
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: 'mail', name: 'Mail' });
  const admin = await createUser(db, { workspaceId: ws.id, email: 'admin@mail.test', name: 'Admin', role: 'admin', passwordHash: null });
  const token = `ctk_${randomBytes(24).toString('base64url')}`;
  await createApiToken(db, {
    workspaceId: ws.id,
    name: 't',
    role: 'admin',
    tokenHash: hashToken(token),
    createdBy: admin.id,
    expiresAt: null,
  });
  await startNode();
  accountId = await createEmailAccount(urls[0] as string, token, peer.config);
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await n.stop();
  await peer?.close();
});

describe('an email mailbox under connection drops and a restart', () => {
  it('stores every message exactly once and resumes from the checkpoint', async () => {
    // Each cut is made while the reader is connected, and the test goes on once it has reconnected.
    const cut = async (after: number) => {
      await waitFor(async () => (await storedIds()).length >= after, { timeoutMs: 30_000, what: `${after} messages read` });
      const before = peer.proxy.connections;
      peer.proxy.dropAll();
      await waitFor(() => peer.proxy.connections > before, { timeoutMs: 30_000, what: 'the reader to reconnect' });
    };
    await cut(100);
    await cut(400);
    await waitFor(async () => (await storedIds()).length >= 600, { timeoutMs: 30_000, what: '600 messages read' });
    // The reading node stops mid-mailbox; a fresh one must carry on where the checkpoint says.
    await nodes[0]?.stop();
    const atStop = (await storedIds()).length;
    await startNode();
    await waitFor(async () => (await storedIds()).length >= TOTAL, { timeoutMs: 60_000, what: `all ${TOTAL} messages` });
    const ids = await storedIds();
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
    expect(atStop).toBeLessThan(TOTAL);
    // Two cuts and a restart: at least four connections were made to the mailbox.
    expect(peer.proxy.connections).toBeGreaterThanOrEqual(4);
    // The reader moves its checkpoint just after the batch it stored commits: wait for that write.
    const lastUid = await waitFor(
      async () => {
        const cursor = await database.current.db.kysely
          .selectFrom('channel_cursors')
          .select('value')
          .where('channel_account_id', '=', accountId)
          .executeTakeFirst();
        const uid = cursor ? (JSON.parse(cursor.value).lastUid as number) : undefined;
        return uid === TOTAL ? uid : undefined;
      },
      { timeoutMs: 10_000, what: `the checkpoint to reach UID ${TOTAL}` },
    );
    expect(lastUid).toBe(TOTAL);
    const texts = await database.current.db.kysely
      .selectFrom('messages')
      .select('text')
      .where('channel_account_id', '=', accountId)
      .execute();
    expect(new Set(texts.map((r) => r.text)).size).toBe(TOTAL);
  });
});
