import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { backendCpu, observerPool, procMemory } from './cost.ts';
import type { ServerMode, ServerStats, StartMessage } from './server-process.ts';

const script = join(import.meta.dirname, 'server-process.ts');

/** A server under test running in its own process (see server-process.ts). */
export interface ServerUnderTest {
  url: string;
  pid: number;
  stats(): Promise<ServerStats>;
  /** Zeroes the statement count and the event-loop histogram, at the start of a measured window. */
  reset(): Promise<void>;
  /** Starts measuring what the server and its PostgreSQL backends spend, until the returned stop(). */
  measure(): Promise<{ stop(): Promise<WindowCost> }>;
  stop(): Promise<void>;
}

/** What a server spent over a measured window. */
export interface WindowCost {
  seconds: number;
  statements: number;
  /** Statements by their first words. */
  byText: Record<string, number>;
  msByText: Record<string, number>;
  nodeCpuMs: number;
  /** Null when PostgreSQL is not on this machine. */
  pgCpuMs: number | null;
  loopP99Ms: number;
}

function waitFor<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === type) {
        cleanup();
        resolve(m as T);
      } else if (m.type === 'error') {
        cleanup();
        reject(new Error(`server process: ${m.message}`));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`server process exited ${code} while waiting for ${type}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

let profileDir: string | null = null;
let explaining = false;
let bareOrdered = false;

/** From now on the bare socket.io server uses the node's ordered adapter instead of the stock one (run.ts --bare-ordered). */
export function bareWithOrderedAdapter(): void {
  bareOrdered = true;
}

/** From now on servers group and time their statements by first words (run.ts --explain). */
export function explainServers(): void {
  explaining = true;
}

/** From now on each server writes a V8 CPU profile of every measured window to DIR (run.ts --profile DIR). */
export function profileServersTo(dir: string): void {
  profileDir = dir;
}

/** Spawns a server of `mode` on the database at `dbUrl` and waits until it listens on loopback. */
export async function spawnServer(mode: ServerMode, dbUrl: string, sample?: StartMessage['sample']): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = waitFor<{ url: string; pid: number }>(child, 'ready');
  child.send({
    type: 'start',
    mode,
    dbUrl,
    groupStatements: explaining,
    orderedAdapter: bareOrdered,
    ...(sample ? { sample } : {}),
  } satisfies StartMessage);
  let started: { url: string; pid: number };
  try {
    started = await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  // One connection of our own to read pg_stat_activity, named so it is not counted as the server's.
  const observer = observerPool(dbUrl);
  const database = new URL(dbUrl).pathname.slice(1);
  const stats = async () => {
    const p = waitFor<ServerStats>(child, 'stats');
    child.send({ type: 'stats' });
    return p;
  };
  const reset = async () => {
    const p = waitFor(child, 'reset');
    child.send({ type: 'reset' });
    await p;
  };
  return {
    url: started.url,
    pid: started.pid,
    stats,
    reset,
    async measure() {
      await reset();
      const profiling = profileDir ? join(profileDir, `${mode}-${Date.now()}.cpuprofile`) : null;
      if (profiling) {
        const p = waitFor(child, 'profiling');
        child.send({ type: 'profile-start' });
        await p;
      }
      const t0 = performance.now();
      const s0 = await stats();
      const pg0 = await backendCpu(observer, database);
      return {
        async stop() {
          const pgCpuMs = await pg0.stop();
          const s1 = await stats();
          if (profiling) {
            const p = waitFor(child, 'profiled');
            child.send({ type: 'profile-stop', file: profiling });
            await p;
          }
          return {
            seconds: (performance.now() - t0) / 1000,
            statements: s1.statements,
            byText: s1.byText,
            msByText: s1.msByText,
            nodeCpuMs: s1.cpuMs - s0.cpuMs,
            pgCpuMs,
            loopP99Ms: s1.loopP99Ms,
          };
        },
      };
    },
    async stop() {
      await observer.end().catch(() => undefined);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.send({ type: 'stop' });
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Samples a process's RSS every `everyMs` until stopped; returns the first reading, the peak seen and the kernel's own peak (VmHWM). */
export function sampleMemory(pid: number, everyMs = 200) {
  let peakSampled = 0;
  const atStart = procMemory(pid)?.rss ?? Number.NaN;
  const tick = () => {
    const m = procMemory(pid);
    if (m && m.rss > peakSampled) peakSampled = m.rss;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { atStart, peakSampled, peakKernel: procMemory(pid)?.peak ?? Number.NaN };
    },
  };
}
