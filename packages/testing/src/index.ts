export { createTestDatabase, prepareTestServer, type TestDatabase, type TestServer, withDatabase } from './database.ts';
export { createRelayAdapter, type RelayConfig } from './relay-adapter.ts';
export { type RelayMessage, RelayPeer } from './relay-peer.ts';
export { useTestDatabase } from './use-database.ts';
