import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the test set-up finds Dovecot; Debian's packages put it here. */
const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? null;

/** Every mailbox user logs in with this password (a static passdb: tests make users by name). */
export const MAIL_PASSWORD = 'dovecot-test-password-7f3a';

export interface MailServer {
  host: string;
  imapPort: number;
  lmtpPort: number;
  /** Folder holding the configuration, logs and every user's Maildir. */
  dir: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's choice), for a server that cannot take port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a private Dovecot (IMAP with STARTTLS and IDLE, LMTP for delivery) on loopback, with its
 * own configuration, state and Maildirs in a temporary folder. Any user name logs in with
 * MAIL_PASSWORD and gets an empty mailbox, so each test makes its own mailbox by picking a name.
 */
export async function startDovecot(): Promise<MailServer> {
  if (!DOVECOT) {
    throw new Error(
      'Dovecot is not installed. `npm test` installs it (Debian: apt-get install dovecot-imapd dovecot-lmtpd); ' +
        'the email tests need a real IMAP server.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'centralita-dovecot-'));
  // Dovecot refuses to run mail processes for folders its users cannot traverse.
  chmodSync(dir, 0o755);
  const home = join(dir, 'home');
  mkdirSync(home);
  const root = process.getuid?.() === 0;
  // As root, mail runs as nobody (Dovecot refuses uid 0); otherwise everything runs as us.
  const uid = root ? 65534 : (process.getuid?.() ?? 1000);
  const gid = root ? 65534 : (process.getgid?.() ?? 1000);
  if (root) chownSync(home, uid, gid);
  const me = root ? null : execFileSync('id', ['-un']).toString().trim();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const imapPort = await freePort();
  const lmtpPort = await freePort();
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
listen = 127.0.0.1
protocols = imap lmtp
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# LMTP gets user@domain, IMAP logs in as user: both must land in the same mailbox.
auth_username_format = %Ln
first_valid_uid = 1
mail_location = maildir:~/Maildir
${me ? `default_login_user = ${me}\ndefault_internal_user = ${me}\ndefault_internal_group = ${execFileSync('id', ['-gn']).toString().trim()}` : ''}
passdb {
  driver = static
  args = password=${MAIL_PASSWORD}
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${home}/%u
}
namespace inbox {
  inbox = yes
  mailbox Archive {
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
  unix_listener lmtp {
    mode = 0666
  }
}
`,
  );
  try {
    // Dovecot daemonises; its stdio must not be pipes we wait on.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(DOVECOT, ['-c', conf], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot exited with ${code}`))));
    });
  } catch (err) {
    const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
    throw new Error(`Dovecot did not start: ${String(err)}\n${log.split('\n').slice(-10).join('\n')}`);
  }
  await waitForPort(imapPort);
  return {
    host: '127.0.0.1',
    imapPort,
    lmtpPort,
    dir,
    async stop() {
      await new Promise<void>((resolve) => {
        const child = spawn(DOVECOT, ['-c', conf, 'stop'], { stdio: 'ignore' });
        child.once('error', () => resolve());
        child.once('exit', () => resolve());
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Dovecot did not listen on ${port}`);
}
