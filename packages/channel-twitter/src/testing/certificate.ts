import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedPair {
  /** PEM private key. */
  key: string;
  /** PEM certificate; self-signed, so it is also the CA a client must trust. */
  cert: string;
}

/**
 * Makes a throwaway certificate for 127.0.0.1 and localhost with the `openssl` CLI (as the Dovecot
 * test server does). EC P-256 keeps it to a few milliseconds; the files are deleted at once.
 */
export async function selfSignedCertificate(): Promise<SelfSignedPair> {
  const dir = await mkdtemp(join(tmpdir(), 'centralita-x-peer-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } catch (err) {
    throw new Error(`The X test peer needs the openssl CLI to make its certificate: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
