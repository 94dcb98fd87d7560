import { connect, type Db, type EmbeddedDatabase, migrate, startEmbeddedPostgres } from '@centralita/db';
import pg from 'pg';

const PREFIX = 'ct_';

/** Replaces the database name in a connection URL. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` on a short-lived client of `url` (CREATE and DROP DATABASE cannot run in a pool's transaction). */
export async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestServer {
  /** URL of a maintenance database on the server the tests use. */
  adminUrl: string;
  /** Name of the migrated template each test file clones. */
  template: string;
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/**
 * Finds the PostgreSQL the tests use (TEST_DATABASE_URL, else the machine's on 127.0.0.1:5432,
 * else an embedded one started here), and builds a migrated template database for this run.
 */
export async function prepareTestServer(): Promise<TestServer> {
  const candidates = [process.env.TEST_DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter((u): u is string => Boolean(u));
  let adminUrl: string | null = null;
  for (const url of candidates) {
    if (await answers(url)) {
      adminUrl = url;
      break;
    }
  }
  let embedded: EmbeddedDatabase | null = null;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dir: `${process.cwd()}/.centralita/test-postgres` });
    adminUrl = embedded.url;
  }
  await dropAbandoned(adminUrl);
  const template = `${PREFIX}${process.pid}_template`;
  await admin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${template}`);
  });
  const db = connect(withDatabase(adminUrl, template), { max: 2 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  const url = adminUrl;
  return {
    adminUrl: url,
    template,
    embedded,
    async close() {
      await admin(url, async (c) => {
        const rows = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
          `${PREFIX}${process.pid}\\_%`,
        ]);
        for (const r of rows.rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      });
      await embedded?.stop();
    },
  };
}

/** Drops databases left by test runs whose process is gone (a crashed or killed run). */
async function dropAbandoned(adminUrl: string): Promise<void> {
  await admin(adminUrl, async (c) => {
    const rows = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'ct\\_%'`);
    for (const { datname } of rows.rows) {
      const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (!alive) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  });
}

/** Where a test file's own database lives and how to drop it. */
export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

let counter = 0;

/** Clones the migrated template into a database of this test file's own. */
export async function createTestDatabase(adminUrl: string, template: string): Promise<TestDatabase> {
  counter += 1;
  const runPid = template.slice(PREFIX.length).split('_')[0];
  const name = `${PREFIX}${runPid}_w${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = withDatabase(adminUrl, name);
  const db = connect(url, { max: 8 });
  return {
    url,
    db,
    async drop() {
      await db.close();
      await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
