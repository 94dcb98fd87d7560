import nodemailer from 'nodemailer';
import { inject } from 'vitest';
import { MAIL_PASSWORD } from './dovecot.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Dovecot, or why it could not start (tests that need it fail with that reason). */
    mailServer: { host: string; imapPort: number; lmtpPort: number } | { error: string };
  }
}

export interface TestMailbox {
  host: string;
  imapPort: number;
  lmtpPort: number;
  user: string;
  password: string;
  address: string;
}

let counter = 0;

/** A new, empty mailbox on the run's Dovecot (see global-setup.ts). */
export function newMailbox(prefix = 'box'): TestMailbox {
  const server = inject('mailServer');
  if ('error' in server) throw new Error(server.error);
  counter++;
  const user = `${prefix}${process.pid}x${counter}x${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  return { ...server, user, password: MAIL_PASSWORD, address: `${user}@centralita.test` };
}

/**
 * Delivers raw message bytes into a mailbox over LMTP, exactly as a mail server hands mail to
 * Dovecot, so the mailbox sees a real arrival (and IDLE clients hear of it).
 */
export async function deliver(mailbox: TestMailbox, raw: Buffer | string, from = 'sender@example.com'): Promise<void> {
  const transport = nodemailer.createTransport({
    host: mailbox.host,
    port: mailbox.lmtpPort,
    lmtp: true,
    // Dovecot offers STARTTLS with a self-signed certificate made for the run.
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({ envelope: { from, to: [mailbox.address] }, raw });
  } finally {
    transport.close();
  }
}
