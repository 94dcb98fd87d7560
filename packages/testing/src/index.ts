export { DEFAULT_FUZZ_SEED, type FuzzParameters, fuzzParameters, fuzzTimeout } from '@centralita/channel-kit/conformance';
export { CHROMIUM_PATH, launchChromium } from './chromium.ts';
export { admin, createTestDatabase, prepareTestServer, type TestDatabase, type TestServer, withDatabase } from './database.ts';
export { freePort, MAIL_PASSWORD, type MailServer, startDovecot } from './dovecot.ts';
export { deliver, newMailbox, type TestMailbox } from './mail.ts';
export { type MailPeer, type MailPeerConfig, openMailPeer } from './mail-peer.ts';
export {
  createOutage,
  type Outage,
  type OutageChannel,
  type OutageContact,
  type OutageKind,
  type OutageOptions,
  type UnrelatedKind,
} from './outage/index.ts';
export { createRelayAdapter, RELAY_QUERY_LIMIT, type RelayConfig, relayQuery } from './relay-adapter.ts';
export { type RelayMessage, RelayPeer } from './relay-peer.ts';
export { type CapturedMail, type SmtpFailure, SmtpListener } from './smtp-listener.ts';
export { TcpProxy } from './tcp-proxy.ts';
export { useTestDatabase } from './use-database.ts';
