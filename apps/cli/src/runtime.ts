import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connect, type Db, type EmbeddedDatabase, startEmbeddedPostgres } from '@centralita/db';
import { type Env, parseSecretKey } from '@centralita/server';

/** The database a command uses, and how to let go of it. */
export interface Runtime {
  db: Db;
  embedded: EmbeddedDatabase | null;
  secretKey: Buffer;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Opens DATABASE_URL, or starts the embedded PostgreSQL with its data under the data folder (or,
 * run as root when a parent of it is private, in a folder the postgres user can reach).
 * The secret key comes from CENTRALITA_SECRET_KEY; only the embedded default generates one (kept
 * beside its data), since several nodes on a shared database must all use the same key.
 */
export async function openRuntime(env: Env, log: (line: string) => void): Promise<Runtime> {
  const dataDir = resolve(env.CENTRALITA_DATA_DIR);
  let embedded: EmbeddedDatabase | null = null;
  let url = env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dir: join(dataDir, 'postgres'),
      // Run as root with a private parent (a 0700 home), the cluster lives under /var/lib/centralita.
      onLocation: (where) =>
        log(
          `Starting the embedded PostgreSQL (data in ${where.dir}${where.relocatedBecause ? `, because ${where.relocatedBecause}` : ''})...`,
        ),
    });
    url = embedded.url;
  }
  let secretKey: Buffer;
  if (env.CENTRALITA_SECRET_KEY) {
    secretKey = parseSecretKey(env.CENTRALITA_SECRET_KEY);
  } else if (embedded) {
    secretKey = await generatedKey(dataDir);
  } else {
    throw new Error(
      'CENTRALITA_SECRET_KEY is not set. With DATABASE_URL every node must share one key: generate it with ' +
        '"openssl rand -base64 32" and set it on each node.',
    );
  }
  const db = connect(url);
  return {
    db,
    embedded,
    secretKey,
    dataDir,
    async close() {
      await db.close();
      await embedded?.stop();
    },
  };
}

async function generatedKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return parseSecretKey((await readFile(file, 'utf8')).trim());
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}
