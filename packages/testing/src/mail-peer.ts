import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { deliver, newMailbox, type TestMailbox } from './mail.ts';
import { SmtpListener } from './smtp-listener.ts';
import { TcpProxy } from './tcp-proxy.ts';

/**
 * The settings of an email account reading this peer's mailbox and sending to its listener, as
 * the email adapter's config takes them (the adapter package checks the shape).
 */
export interface MailPeerConfig {
  address: string;
  imapHost: string;
  imapPort: number;
  imapTls: 'starttls';
  imapUser: string;
  imapPassword: string;
  mailbox: string;
  smtpHost: string;
  smtpPort: number;
  smtpTls: 'none';
  smtpUser: string;
  smtpPassword: string;
  verifyCertificates: boolean;
  fromName: string;
  afterProcessing: 'none' | 'flag' | 'move';
  moveTo: string;
  importExisting: boolean;
  plusAddressing: boolean;
  subjectWindowDays: number;
  pollSeconds: number;
  maxMessageBytes: number;
  tokenSecret: string;
}

/**
 * An email customer's world for tests: a real mailbox on the run's Dovecot, reached through a proxy
 * that can cut connections, and an SMTP listener catching what we send.
 */
export interface MailPeer {
  mailbox: TestMailbox;
  proxy: TcpProxy;
  smtp: SmtpListener;
  config: MailPeerConfig;
  /** Puts a plain message from `from` into the mailbox; returns its Message-ID. */
  send(msg: { from: string; text: string; subject?: string; inReplyTo?: string; headers?: Record<string, string> }): Promise<string>;
  /** Puts raw bytes into the mailbox (a corpus file). */
  deliverRaw(raw: Buffer | string, from?: string): Promise<void>;
  /** The texts (and parsed mails) our SMTP listener received, in order. */
  sentTexts(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openMailPeer(overrides: Partial<MailPeerConfig> = {}): Promise<MailPeer> {
  const mailbox = newMailbox();
  const proxy = await new TcpProxy({ host: mailbox.host, port: mailbox.imapPort }).listen();
  const smtp = await new SmtpListener().listen();
  const config: MailPeerConfig = {
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
    deliverRaw: (raw, from) => deliver(mailbox, raw, from),
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
