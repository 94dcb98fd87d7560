import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_FALLBACK_ROOT,
  type EmbeddedDatabase,
  type EmbeddedLocation,
  locateEmbeddedCluster,
  startEmbeddedPostgres,
} from './embedded.ts';

// Temp folders under /tmp itself: os.tmpdir() may be a private folder of its own.
const cleanups: (() => Promise<unknown>)[] = [];
const servers: EmbeddedDatabase[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A fresh folder of mode 0700, as a home folder is. */
async function privateFolder(): Promise<string> {
  const dir = await mkdtemp('/tmp/centralita-private-');
  await chmod(dir, 0o700);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A fallback root whose parents are 0755, standing in for /var/lib/centralita. */
async function fallbackRoot(): Promise<string> {
  const parent = await mkdtemp('/tmp/centralita-fallback-');
  await chmod(parent, 0o755);
  cleanups.push(() => rm(parent, { recursive: true, force: true }));
  return join(parent, 'var', 'lib', 'centralita');
}

const modeOf = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('where the embedded cluster lives (no PostgreSQL started)', () => {
  it('stays in the folder asked for when not root, even under a private folder', async () => {
    const base = join(await privateFolder(), 'proj', '.centralita', 'postgres');
    await mkdir(base, { recursive: true });
    const where = await locateEmbeddedCluster(base, { isRoot: false, fallbackRoot: await fallbackRoot() });
    expect(where).toEqual({ dir: base, dataDir: join(base, 'data'), relocatedBecause: null });
    expect(existsSync(join(base, 'location.json'))).toBe(false);
  });

  it('leaves an existing cluster where it is (data is never moved)', async () => {
    const base = join(await privateFolder(), 'proj', '.centralita', 'postgres');
    await mkdir(join(base, 'data'), { recursive: true });
    await writeFile(join(base, 'data', 'PG_VERSION'), '18\n');
    const where = await locateEmbeddedCluster(base, { isRoot: true, fallbackRoot: await fallbackRoot() });
    expect(where.dir).toBe(base);
    expect(where.relocatedBecause).toBeNull();
  });

  it('as root under a private folder, picks a per-clone folder under the fallback root and remembers it', async () => {
    const parent = await privateFolder();
    const root = await fallbackRoot();
    const base = join(parent, 'main', '.centralita', 'postgres');
    await mkdir(base, { recursive: true });
    const first = await locateEmbeddedCluster(base, { isRoot: true, fallbackRoot: root });
    expect(first.dir).toMatch(new RegExp(`^${root}/main-[0-9a-f]{6}$`));
    expect(first.relocatedBecause).toBe(`${parent} is private`);
    expect(await modeOf(root)).toBe('755');
    expect(await modeOf(first.dir)).toBe('755');
    expect(JSON.parse(await readFile(join(base, 'location.json'), 'utf8'))).toEqual({ dir: first.dir, because: first.relocatedBecause });
    // The pointer wins on later starts, whatever the permissions are by then.
    await chmod(parent, 0o755);
    expect(await locateEmbeddedCluster(base, { isRoot: true, fallbackRoot: root })).toEqual(first);
    await chmod(parent, 0o700);
    // Another clone with the same folder name gets its own cluster.
    const other = join(parent, 'elsewhere', 'main', '.centralita', 'postgres');
    await mkdir(other, { recursive: true });
    const second = await locateEmbeddedCluster(other, { isRoot: true, fallbackRoot: root });
    expect(second.dir).toMatch(/\/main-[0-9a-f]{6}$/);
    expect(second.dir).not.toBe(first.dir);
    // A deleted .centralita/ (and secret key) starts afresh instead of adopting the old cluster.
    await rm(join(base, 'location.json'));
    expect((await locateEmbeddedCluster(base, { isRoot: true, fallbackRoot: root })).dir).toBe(`${first.dir}-2`);
  });
});

const isRoot = process.getuid?.() === 0;

// PostgreSQL runs as the postgres user only when started as root; for anyone else nothing changes.
describe.skipIf(!isRoot)('the embedded PostgreSQL started by root under a private folder (root only)', () => {
  it('starts in the fallback root, keeps its data, port and password across restarts', async () => {
    const parent = await privateFolder();
    const root = await fallbackRoot();
    const dir = join(parent, 'proj', '.centralita', 'postgres');
    const told: EmbeddedLocation[] = [];
    const first = await startEmbeddedPostgres({ dir, fallbackRoot: root, preferredPort: 0, onLocation: (l) => told.push(l) });
    servers.push(first);
    expect(told).toHaveLength(1);
    const where = told[0] as EmbeddedLocation;
    expect(where.dir.startsWith(`${root}/proj-`)).toBe(true);
    expect(where.relocatedBecause).toBe(`${parent} is private`);
    expect(first.dataDir).toBe(join(where.dir, 'data'));
    expect(first.relocatedBecause).toBe(where.relocatedBecause);
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    expect((await stat(first.dataDir)).uid).toBe(postgresUid);
    expect(await modeOf(first.dataDir)).toBe('700');
    expect(await modeOf(join(where.dir, 'embedded.json'))).toBe('600');
    // Nothing of the cluster under the private folder, only the pointer to it.
    expect(existsSync(join(dir, 'data'))).toBe(false);
    expect(existsSync(join(dir, 'location.json'))).toBe(true);

    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives a restart')");
    await first.stop();

    const second = await startEmbeddedPostgres({ dir, fallbackRoot: root, preferredPort: 0 });
    servers.push(second);
    expect(second.port).toBe(first.port);
    expect(second.url).toBe(first.url);
    expect(second.dataDir).toBe(first.dataDir);
    expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'survives a restart' }]);
    await second.stop();
  }, 120_000);

  it(`really goes to ${DEFAULT_FALLBACK_ROOT} by default`, async () => {
    const hadRoot = existsSync(DEFAULT_FALLBACK_ROOT);
    const dir = join(await privateFolder(), 'proj', '.centralita', 'postgres');
    const db = await startEmbeddedPostgres({ dir, preferredPort: 0 });
    servers.push(db);
    const clusterDir = join(db.dataDir, '..');
    cleanups.push(async () => {
      await rm(clusterDir, { recursive: true, force: true });
      if (!hadRoot) await rmdir(DEFAULT_FALLBACK_ROOT);
    });
    expect(db.dataDir).toMatch(new RegExp(`^${DEFAULT_FALLBACK_ROOT}/proj-[0-9a-f]{6}/data$`));
    expect(await modeOf(DEFAULT_FALLBACK_ROOT)).toBe('755');
    expect(await query(db.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.stop();
  }, 120_000);
});
