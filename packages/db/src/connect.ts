import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// timestamptz and bigint come back as Date and string by default; keep those, but make
// numeric counts (int8 from count(*)) explicit at the call site instead of guessing here.

/** A database handle: Kysely for queries, the pg pool for LISTEN and the job queue. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly url: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Pool size per process. @default 10 */
  max?: number;
  /** Application name shown in pg_stat_activity. @default 'centralita' */
  applicationName?: string;
}

/** Opens a pool to `url`. Nothing is queried until first use. */
export function connect(url: string, options: ConnectOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'centralita',
  });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kysely,
    pool,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}

/** Checks that the server answers and reports its version, for /healthz. */
export async function ping(db: Db): Promise<{ ok: true; version: string } | { ok: false; error: string }> {
  try {
    const res = await db.pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return { ok: true, version: res.rows[0]?.v ?? 'unknown' };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
