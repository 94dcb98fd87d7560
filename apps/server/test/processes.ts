import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A Centralita node running in its own process (test/fixtures/node-process.ts). */
export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown, no flush, as a crash or an OOM kill would end it. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<void>;
}

export function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/server/test/fixtures/node-process.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => {
    errors += String(c);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not start in 30 s: ${errors}`)), 30_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += String(c);
      const m = /listening (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the node exited with ${code} before listening: ${errors}`));
    });
  });
}
