import { type ChannelAdapter, countCodePoints, defineCapabilities, keepConnected } from '@centralita/channel-kit';
import type { Transporter } from 'nodemailer';
import { type EmailConfig, emailConfigSpec } from './config.ts';
import { testEmailConnection } from './connection-test.ts';
import { imapSession, readerMemory } from './imap.ts';
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
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="2" y="4" width="20" height="16" rx="2"/><path d="m22 7-10 6L2 7"/></svg>',
      fields: {
        address: { label: 'Support address', help: 'The address customers write to; replies come from it.' },
        imapHost: { label: 'IMAP server' },
        imapPort: { label: 'IMAP port' },
        imapTls: { label: 'IMAP encryption', help: 'implicit (993), starttls (143) or none.' },
        imapUser: { label: 'IMAP user' },
        imapPassword: { label: 'IMAP password' },
        mailbox: { label: 'Folder to read' },
        smtpHost: { label: 'SMTP server' },
        smtpPort: { label: 'SMTP port' },
        smtpTls: { label: 'SMTP encryption', help: 'implicit (465), starttls (587) or none.' },
        smtpUser: { label: 'SMTP user', help: 'Empty for a relay that needs no login.' },
        smtpPassword: { label: 'SMTP password' },
        fromName: { label: 'Sender name', help: '{agent} is the replying agent, {account} this account.' },
        afterProcessing: { label: 'After storing a mail', help: 'none, flag (\\Seen) or move (to the folder below).' },
        moveTo: { label: 'Folder to move stored mail to' },
        tokenSecret: { label: 'Reply-token key', help: 'Generated; signs the tokens that thread replies.' },
      },
      visibilities: { private: 'Email' },
      locales: {
        es: {
          displayName: 'Correo electrónico',
          fields: {
            address: { label: 'Dirección de soporte', help: 'La dirección a la que escriben los clientes; las respuestas salen de ella.' },
            imapHost: { label: 'Servidor IMAP' },
            imapPort: { label: 'Puerto IMAP' },
            imapTls: { label: 'Cifrado IMAP', help: 'implicit (993), starttls (143) o none.' },
            imapUser: { label: 'Usuario IMAP' },
            imapPassword: { label: 'Contraseña IMAP' },
            mailbox: { label: 'Carpeta que leer' },
            smtpHost: { label: 'Servidor SMTP' },
            smtpPort: { label: 'Puerto SMTP' },
            smtpTls: { label: 'Cifrado SMTP', help: 'implicit (465), starttls (587) o none.' },
            smtpUser: { label: 'Usuario SMTP', help: 'Vacío para un relé que no pide usuario.' },
            smtpPassword: { label: 'Contraseña SMTP' },
            fromName: { label: 'Nombre del remitente', help: '{agent} es el agente que responde, {account} esta cuenta.' },
            afterProcessing: { label: 'Tras guardar un correo', help: 'none, flag (\\Seen) o move (a la carpeta de abajo).' },
            moveTo: { label: 'Carpeta a la que mover el correo guardado' },
            tokenSecret: { label: 'Clave de los tokens de respuesta', help: 'Generada; firma los tokens que enlazan las respuestas.' },
          },
          visibilities: { private: 'Correo' },
        },
      },
    },
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
      const memory = readerMemory();
      return {
        async start(signal) {
          abort = new AbortController();
          signal.addEventListener('abort', () => abort?.abort(), { once: true });
          const stop = abort.signal;
          loop = keepConnected(stop, (s) => imapSession(account.config, ctx, s, memory), {
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
