import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** Milliseconds from spawning `centralita start --demo` to its "running" line and a healthy /healthz. */
async function timeStart(dataDir: string): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, CENTRALITA_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), 'start', '--demo'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = out.match(/running at (http:\/\/[\d.:]+)/);
      if (m && out.includes('Press Ctrl+C')) {
        clearInterval(timer);
        resolve(m[1] as string);
      }
    }, 10);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited ${code}: ${out}`));
    });
  });
  const res = await fetch(`${url}/healthz`);
  if (res.status !== 200) throw new Error('unhealthy');
  const elapsed = performance.now() - t0;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return elapsed;
}

/** First start (initdb, migrations, demo seed) and a restart on the same data. */
export async function benchStartup(): Promise<{ firstMs: number; restartMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'centralita-bench-'));
  await chmod(dir, 0o755);
  try {
    const firstMs = await timeStart(dir);
    const restartMs = await timeStart(dir);
    return { firstMs, restartMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
