import { type ChannelAdapter, countCodePoints, defineCapabilities, keepConnected } from '@centralita/channel-kit';
import type { Transporter } from 'nodemailer';
import { type EmailConfig, emailConfigSpec } from './config.ts';
import { testEmailConnection } from './connection-test.ts';
import { imapSession, type RefusalCounts } from './imap.ts';
import { sendEmail, smtpTransport } from './smtp.ts';

export interface EmailAdapterOptions {
  /** Backoff after a dropped IMAP connection. @default 1 s doubling to 60 s */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
}

/**
 * Email: one IMAP connection per account reads the mailbox (IDLE, polling when the server lacks
 * it, a UIDVALIDITY+UID checkpoint), and replies go out over SMTP with threading headers and a
 * reply token. The host runs each account's reader on exactly one node.
 */
export function createEmailAdapter(options: EmailAdapterOptions = {}): ChannelAdapter<EmailConfig> {
  return {
    kind: 'email',
    displayName: 'Email',
    capabilities: defineCapabilities({
      inbound: { push: false, pull: true },
      visibilities: ['private'],
      threading: 'reply_to',
      attachments: true,
      verifiedSenders: true,
    }),
    config: emailConfigSpec,
    measureText: countCodePoints,
    testConnection: testEmailConnection,
    connect(account, ctx) {
      let abort: AbortController | null = null;
      let loop: Promise<void> | null = null;
      let transport: Transporter | null = null;
      // Kept across reconnects, so a message the host keeps refusing is counted, not retried forever.
      const refusals: RefusalCounts = new Map();
      return {
        async start(signal) {
          abort = new AbortController();
          signal.addEventListener('abort', () => abort?.abort(), { once: true });
          const stop = abort.signal;
          loop = keepConnected(stop, (s) => imapSession(account.config, ctx, s, refusals), {
            minDelayMs: options.reconnect?.minDelayMs ?? 1_000,
            maxDelayMs: options.reconnect?.maxDelayMs ?? 60_000,
            logger: ctx.logger,
            label: 'email',
          });
        },
        async stop() {
          abort?.abort();
          await loop;
          transport?.close();
          transport = null;
        },
        async send(message) {
          transport ??= smtpTransport(account.config);
          return sendEmail(transport, account.config, account.name, message);
        },
        async checkHealth() {
          const report = await testEmailConnection(account.config);
          const failed = report.checks.find((c) => !c.ok);
          return { ok: report.ok, detail: failed ? `${failed.name}: ${failed.detail}` : 'IMAP and SMTP answer' };
        },
      };
    },
  };
}
