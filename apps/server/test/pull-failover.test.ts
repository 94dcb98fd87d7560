import { randomBytes } from 'node:crypto';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount, createWorkspace } from '@centralita/db';
import { createRelayAdapter, RelayPeer, useTestDatabase } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Centralita, createCentralita } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';

const database = useTestDatabase();
const relay = new RelayPeer();
const nodes: Centralita[] = [];
let accountId = '';

beforeAll(async () => {
  await relay.listen();
  const db = database.current.db;
  const ws = await createWorkspace(db.kysely, { slug: 'pull', name: 'Pull' });
  const account = await createChannelAccount(db.kysely, {
    workspaceId: ws.id,
    kind: 'relay',
    name: 'Relay mailbox',
    settings: { host: '127.0.0.1', port: relay.port },
    secretsEncrypted: null,
  });
  accountId = account.id;
  const key = randomBytes(32);
  for (let i = 0; i < 2; i++) {
    const node = createCentralita({
      db,
      logger: createLogger('silent'),
      secretKey: key,
      adapters: [createRelayAdapter()],
      worker: false,
      pullLockRetryMs: 100,
    });
    await node.listen(0, '127.0.0.1');
    nodes.push(node);
  }
});

afterAll(async () => {
  for (const n of nodes) await n.stop();
  await relay.close();
});

async function stored(): Promise<string[]> {
  const rows = await database.current.db.kysely
    .selectFrom('messages')
    .select('external_id')
    .where('channel_account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.external_id as string);
}

describe('a pull channel on two nodes', () => {
  it('is read by exactly one node, and by the other once that node stops, losing and repeating nothing', async () => {
    for (let i = 0; i < 20; i++) relay.push(`+3460000000${i % 3}`, `before ${i}`);
    await waitFor(async () => (await stored()).length === 20, { what: '20 messages stored' });

    const running = nodes.map((n) => n.ctx.channels.runningPullAccounts());
    expect(running.flat()).toEqual([accountId]);

    // Stop the node holding the account; the other must take over from the stored cursor.
    const holder = nodes[running.findIndex((r) => r.length > 0)] as Centralita;
    const standby = nodes.find((n) => n !== holder) as Centralita;
    await holder.stop();
    await waitFor(() => standby.ctx.channels.runningPullAccounts().includes(accountId), { what: 'the standby node to take over' });
    for (let i = 0; i < 20; i++) relay.push(`+3460000000${i % 3}`, `after ${i}`);
    await waitFor(async () => (await stored()).length === 40, { what: '40 messages stored' });
    const ids = await stored();
    expect(new Set(ids).size).toBe(40);
    // One conversation per sender: the relay threads by contact.
    const convs = await database.current.db.kysely
      .selectFrom('conversations')
      .select('id')
      .where('channel_account_id', '=', accountId)
      .execute();
    expect(convs).toHaveLength(3);
  });
});
