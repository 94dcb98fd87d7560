export { createEmailAdapter, type EmailAdapterOptions } from './adapter.ts';
export { type EmailConfig, emailConfigSpec } from './config.ts';
export { testEmailConnection } from './connection-test.ts';
export { toEvents } from './events.ts';
export { type Checkpoint, checkpointKey } from './imap.ts';
export { type ParsedEmail, parseEmail, UNKNOWN_SENDER } from './parse.ts';
export { sanitiseEmailHtml } from './sanitize.ts';
export { outboundMessageId } from './smtp.ts';
export { findReplyToken, normaliseSubject, replySubject, replyToken } from './thread-keys.ts';
