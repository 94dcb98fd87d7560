import { readFileSync } from 'node:fs';
import pg from 'pg';

// What a unit of work costs, measured rather than guessed: statements sent to PostgreSQL (each
// one a round trip with node-postgres), CPU in Node (process.cpuUsage) and CPU in the PostgreSQL
// backends that served it (utime + stime from /proc, since pg_stat_statements is not loaded on a
// shared server and needs a restart to be).

const TICK_MS = 10; // CLK_TCK is 100 on Linux

/** CPU milliseconds a process has used so far, from /proc; null where /proc cannot tell. */
export function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** Resident and peak resident memory of a process in bytes, from /proc (VmRSS, VmHWM). */
export function procMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * CPU of the PostgreSQL backends connected to one database (except those named `exceptApp`),
 * between `start()` and `stop()`. Backends that connect in between count from zero; one that
 * disconnects in between is lost (pools here keep theirs while busy). Null when the server is not
 * local (an embedded one is; a remote one is not).
 */
export async function backendCpu(pool: pg.Pool, database: string, exceptApp = 'bench-observer') {
  const pids = async () =>
    (
      await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name <> $2', [
        database,
        exceptApp,
      ])
    ).rows.map((r) => r.pid);
  const before = new Map<number, number>();
  for (const pid of await pids()) before.set(pid, procCpuMs(pid) ?? 0);
  return {
    async stop(): Promise<number | null> {
      let total = 0;
      let seen = false;
      for (const pid of await pids()) {
        const now = procCpuMs(pid);
        if (now === null) continue;
        seen = true;
        total += now - (before.get(pid) ?? 0);
      }
      return seen ? total : null;
    },
  };
}

/** The first words of a statement, spaces collapsed and literals dropped: enough to tell statements apart. */
function statementHead(args: unknown[]): string {
  const q = args[0] as string | { text?: string } | undefined;
  const text = typeof q === 'string' ? q : (q?.text ?? '?');
  return text
    .slice(0, 160)
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '$')
    .replace(/'[^']*'/g, "'…'")
    .trim()
    .slice(0, 90);
}

/** Statements sent through a pool, in all and by their first words, with the time each kind took to answer. */
export interface StatementCount {
  readonly count: number;
  readonly byText: Map<string, number>;
  /** Milliseconds from sending to the answer, summed by first words (queueing in PostgreSQL included). */
  readonly msByText: Map<string, number>;
  reset(): void;
}

let grouping = false;

/** From now on statements are also grouped and timed by their first words (--explain); it costs the counted process some CPU. */
export function groupStatements(): void {
  grouping = true;
}

/** Counts the statements a pool sends, wrapping each client's query as the pool creates it. */
export function countStatements(pool: pg.Pool, group = grouping): StatementCount {
  let count = 0;
  const byText = new Map<string, number>();
  const msByText = new Map<string, number>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      count += 1;
      if (!group) return query(...args);
      const head = statementHead(args);
      byText.set(head, (byText.get(head) ?? 0) + 1);
      const t0 = performance.now();
      const answered = () => msByText.set(head, (msByText.get(head) ?? 0) + performance.now() - t0);
      // pg-pool's own query() passes a callback; everything else awaits the promise.
      const last = args[args.length - 1];
      if (typeof last === 'function') {
        args[args.length - 1] = (...cb: unknown[]) => {
          answered();
          return (last as (...a: unknown[]) => unknown)(...cb);
        };
      }
      const out = query(...args);
      if (out && typeof (out as Promise<unknown>).then === 'function') (out as Promise<unknown>).then(answered, () => undefined);
      return out;
    };
  });
  return {
    get count() {
      return count;
    },
    get byText() {
      return byText;
    },
    get msByText() {
      return msByText;
    },
    reset() {
      count = 0;
      byText.clear();
      msByText.clear();
    },
  };
}

/** Node CPU milliseconds since `from` (a process.cpuUsage() reading). */
export function nodeCpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/**
 * The one-connection pool a bench counts rows and statements through. An idle connection the
 * server drops (a test sweep on the same PostgreSQL terminating connections) is logged and
 * replaced at the next query, instead of crashing the run with an unhandled 'error'.
 */
export function observerPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 1, application_name: 'bench-observer' });
  pool.on('error', (err) => console.warn(`bench observer: ${err.message}; reconnecting at the next query`));
  return pool;
}
