import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChannelAccount, createWorkspace, type Db } from '@centralita/db';
import { deliver, MAIL_PASSWORD, type MailServer, SmtpListener, startDovecot } from '@centralita/testing';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { createSecretBox } from '../apps/server/src/crypto.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { percentile } from './stats.ts';

const CORPUS = join(import.meta.dirname, '..', 'packages', 'channel-email', 'test', 'corpus');

/**
 * Fills a Maildir the way a mail server leaves it: `total` messages made from the corpus files
 * (every shape: replies, charsets, attachments, bounces), each with its own Message-ID, and one
 * in three answering an earlier one, so threading joins as well as creates.
 */
function fillMaildir(server: MailServer, user: string, total: number): void {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.eml'));
  const bodies = files.map((f) => readFileSync(join(CORPUS, f), 'latin1'));
  const home = join(server.dir, 'home', user);
  const dirs = ['Maildir', 'Maildir/new', 'Maildir/cur', 'Maildir/tmp'].map((d) => join(home, d));
  for (const d of [home, ...dirs]) mkdirSync(d, { recursive: true });
  for (let i = 0; i < total; i++) {
    const base = (bodies[i % bodies.length] as string)
      .replace(/^Message-ID:.*$/im, '')
      .replace(/^(In-Reply-To|References):.*(\r?\n[ \t].*)*$/gim, '');
    const reply = i % 3 === 2 ? `In-Reply-To: <bench-${i - 1}@example.com>\r\n` : '';
    const raw = `Message-ID: <bench-${i}@example.com>\r\n${reply}${base}`;
    writeFileSync(join(home, 'Maildir', 'new', `${1_700_000_000 + i}.M${i}P1.bench`), raw, 'latin1');
  }
  if (process.getuid?.() === 0) {
    for (const d of [home, ...dirs]) chownSync(d, 65534, 65534);
    for (const f of readdirSync(join(home, 'Maildir', 'new'))) chownSync(join(home, 'Maildir', 'new', f), 65534, 65534);
  }
}

/**
 * Reads a mailbox already holding `total` messages through the whole pipeline (IMAP fetch, MIME
 * parsing, sanitising, threading, ingest), then measures how long a newly delivered message takes
 * to become stored with the reader waiting in IDLE.
 */
export async function benchEmail(db: Db, total: number, idleSamples: number) {
  const server = await startDovecot();
  const smtp = await new SmtpListener().listen();
  const user = `bench${Date.now()}`;
  fillMaildir(server, user, total);
  const secretKey = Buffer.alloc(32, 7);
  const node = createCentralita({
    db,
    logger: createLogger('silent'),
    secretKey,
    adapters: installedAdapters(),
    worker: false,
    pullLockRetryMs: 100,
  });
  await node.listen(0, '127.0.0.1');
  try {
    const ws = await createWorkspace(db.kysely, { slug: `email-${Date.now()}`, name: 'Bench email' });
    const address = `${user}@centralita.test`;
    const settings = {
      address,
      imapHost: server.host,
      imapPort: server.imapPort,
      imapTls: 'starttls',
      imapUser: user,
      mailbox: 'INBOX',
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpTls: 'none',
      verifyCertificates: false,
    };
    const started = performance.now();
    const account = await createChannelAccount(db.kysely, {
      workspaceId: ws.id,
      kind: 'email',
      name: 'Bench',
      settings,
      secretsEncrypted: createSecretBox(secretKey).seal({ imapPassword: MAIL_PASSWORD, tokenSecret: 'bench-token-secret-0123456789' }),
    });
    const count = async () =>
      Number(
        (
          await db.kysely
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('channel_account_id', '=', account.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    while ((await count()) < total) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;

    // Delivery to storage with the reader in IDLE: one message at a time, a quiet pause between.
    const delays: number[] = [];
    const mailbox = { host: server.host, imapPort: server.imapPort, lmtpPort: server.lmtpPort, user, password: MAIL_PASSWORD, address };
    for (let i = 0; i < idleSamples; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const id = `<idle-${i}-${Date.now()}@example.com>`;
      const t0 = performance.now();
      await deliver(mailbox, `From: a@example.com\r\nTo: ${address}\r\nSubject: idle ${i}\r\nMessage-ID: ${id}\r\n\r\nhola\r\n`);
      for (;;) {
        const row = await db.kysely.selectFrom('messages').select('id').where('external_id', '=', id).executeTakeFirst();
        if (row) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      delays.push(performance.now() - t0);
    }
    return {
      total,
      perSecond: total / seconds,
      seconds,
      idleP50: percentile(delays, 50),
      idleMax: Math.max(...delays),
    };
  } finally {
    await node.stop();
    await smtp.close();
    await server.stop();
  }
}
