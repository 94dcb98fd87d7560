export { type ConnectOptions, connect, type Db, ping } from './connect.ts';
export { type EmbeddedDatabase, type EmbeddedOptions, startEmbeddedPostgres } from './embedded.ts';
export {
  type IngestCommit,
  type IngestItem,
  type IngestOptions,
  type IngestOutcome,
  type IngestResult,
  type IngestTarget,
  type InTransaction,
  ingestMany,
  ingestMessage,
  MAX_INGEST_BATCH,
} from './ingest.ts';
export { type MigrateResult, migrate } from './migrate.ts';
export * from './repos/admin.ts';
export * from './repos/attachments.ts';
export * from './repos/auth-store.ts';
export * from './repos/broadcast-fanout.ts';
export * from './repos/broadcasts.ts';
export * from './repos/channel-accounts.ts';
export * from './repos/channel-store.ts';
export * from './repos/contact-events.ts';
export * from './repos/conversation-identities.ts';
export * from './repos/conversations.ts';
export * from './repos/cursor.ts';
export * from './repos/deliveries.ts';
export * from './repos/events.ts';
export * from './repos/handoffs.ts';
export * from './repos/held-messages.ts';
export * from './repos/identities.ts';
export * from './repos/inbound-buckets.ts';
export * from './repos/inbox-rows.ts';
export * from './repos/incident-links.ts';
export * from './repos/incident-metrics.ts';
export * from './repos/incidents.ts';
export { currentContact } from './repos/merge-locks.ts';
export * from './repos/merge-suggestions.ts';
export * from './repos/merge-undo.ts';
export * from './repos/merges.ts';
export * from './repos/messages.ts';
export * from './repos/portal.ts';
export * from './repos/privacy.ts';
export * from './repos/saved-searches.ts';
export * from './repos/start-conversation.ts';
export * from './repos/usage.ts';
export * from './repos/workspaces.ts';
export type { ConversationsTable, Database } from './schema.ts';
export { fileReplyTokens, recordCopy, replyTokenKey } from './thread-lookup.ts';
