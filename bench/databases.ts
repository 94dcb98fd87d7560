import type { Db } from '@centralita/db';
import { admin, createTestDatabase, type TestDatabase, type TestServer } from '@centralita/testing';

// Databases named like the test helpers' own (`ct_<run pid>_...`), so the run's close() drops any
// left behind by a failed figure, and a killed run's are dropped by the next one.

/** A seeded database that is cloned for each run, so every run starts from the same data and no run pays for seeding. */
export interface SeededTemplate<T> {
  data: T;
  /** A fresh copy of the seeded database. */
  clone(): Promise<TestDatabase>;
  drop(): Promise<void>;
}

/** Seeds a database once (then closes it, as CREATE DATABASE ... TEMPLATE needs) to clone from. */
export async function seededTemplate<T>(server: TestServer, seed: (db: Db) => Promise<T>): Promise<SeededTemplate<T>> {
  const base = await createTestDatabase(server.adminUrl, server.template);
  const name = new URL(base.url).pathname.slice(1);
  let data: T;
  try {
    data = await seed(base.db);
    await base.db.pool.query('VACUUM ANALYZE');
  } catch (err) {
    await base.drop();
    throw err;
  }
  await base.db.close();
  return {
    data,
    // The template is named like a test database, so its clones are too (and are swept alike).
    clone: () => createTestDatabase(server.adminUrl, name),
    async drop() {
      await admin(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Runs `fn` on a fresh database and drops it afterwards, whatever happens. */
export async function withDatabaseOf<R>(make: () => Promise<TestDatabase>, fn: (db: TestDatabase) => Promise<R>): Promise<R> {
  const db = await make();
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}
