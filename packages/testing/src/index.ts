export { createTestDatabase, prepareTestServer, type TestDatabase, type TestServer, withDatabase } from './database.ts';
export { freePort, MAIL_PASSWORD, type MailServer, startDovecot } from './dovecot.ts';
export { deliver, newMailbox, type TestMailbox } from './mail.ts';
export { type MailPeer, type MailPeerConfig, openMailPeer } from './mail-peer.ts';
export { createRelayAdapter, type RelayConfig } from './relay-adapter.ts';
export { type RelayMessage, RelayPeer } from './relay-peer.ts';
export { type CapturedMail, type SmtpFailure, SmtpListener } from './smtp-listener.ts';
export { TcpProxy } from './tcp-proxy.ts';
export { useTestDatabase } from './use-database.ts';
