import { runAccountStoreSuite } from '@centralita/channel-kit/conformance';
import { accountStore, createChannelAccount, createWorkspace } from '@centralita/db';
import { useTestDatabase } from '@centralita/testing';

// The PostgreSQL store behaves as the in-memory one adapters are tested with (same suite).
const database = useTestDatabase();

runAccountStoreSuite('PostgreSQL', async (now) => {
  const db = database.current.db.kysely;
  const ws = await createWorkspace(db, { slug: `store-${Math.random().toString(36).slice(2, 8)}`, name: 'store' });
  const account = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webform', name: 'f', settings: {}, secretsEncrypted: null });
  return accountStore(db, ws.id, account.id, () => new Date(now()));
});
