import { randomUUID } from 'node:crypto';
import { deliver, newMailbox, SmtpListener, TcpProxy, type TestMailbox } from '@centralita/testing';
import { simpleParser } from 'mailparser';
import type { EmailConfig } from '../src/index.ts';

/** A real mailbox on the run's Dovecot behind a proxy that can cut connections, and an SMTP listener. */
export interface MailPeer {
  mailbox: TestMailbox;
  proxy: TcpProxy;
  smtp: SmtpListener;
  config: EmailConfig;
  /** Puts a plain message from `from` into the mailbox; returns its Message-ID. */
  send(msg: { from: string; text: string; subject?: string; inReplyTo?: string; headers?: Record<string, string> }): Promise<string>;
  /** The texts (and parsed mails) our SMTP listener received, in order. */
  sentTexts(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openMailPeer(overrides: Partial<EmailConfig> = {}): Promise<MailPeer> {
  const mailbox = newMailbox();
  const proxy = await new TcpProxy({ host: mailbox.host, port: mailbox.imapPort }).listen();
  const smtp = await new SmtpListener().listen();
  const config: EmailConfig = {
    address: mailbox.address,
    imapHost: '127.0.0.1',
    imapPort: proxy.port,
    imapTls: 'starttls',
    imapUser: mailbox.user,
    imapPassword: mailbox.password,
    mailbox: 'INBOX',
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpTls: 'none',
    smtpUser: '',
    smtpPassword: '',
    verifyCertificates: false,
    fromName: '{agent} ({account})',
    afterProcessing: 'none',
    moveTo: 'Archive',
    importExisting: true,
    plusAddressing: false,
    subjectWindowDays: 7,
    pollSeconds: 60,
    maxMessageBytes: 30 * 1024 * 1024,
    tokenSecret: 'test-token-secret-0123456789',
    ...overrides,
  };
  return {
    mailbox,
    proxy,
    smtp,
    config,
    async send({ from, text, subject, inReplyTo, headers }) {
      const id = `<${randomUUID()}@example.com>`;
      const lines = [
        `From: ${from}`,
        `To: ${mailbox.address}`,
        `Subject: ${subject ?? text.slice(0, 40)}`,
        `Message-ID: ${id}`,
        `Date: ${new Date().toUTCString()}`,
        ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: ${inReplyTo}`] : []),
        ...Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v}`),
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        text,
        '',
      ];
      await deliver(mailbox, lines.join('\r\n'), from);
      return id;
    },
    async sentTexts() {
      const parsed = await Promise.all(smtp.received.map((m) => simpleParser(m.raw)));
      return parsed.map((p) => (p.text ?? '').trim());
    },
    async close() {
      await proxy.close();
      await smtp.close();
    },
  };
}
