import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@centralita/channel-kit/conformance';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const children: ChildProcess[] = [];
let dataDir = '';

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts `centralita start --demo` on an embedded PostgreSQL, as the README's command does. */
async function start(dir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CENTRALITA_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.CENTRALITA_DEMO;
  delete env.CENTRALITA_SECRET_KEY;
  // One process with tsx's loader, as scripts/start.sh runs it, so signals reach Centralita itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps', 'cli', 'src', 'main.ts'), 'start', '--demo'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exitedEarly = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`centralita exited with ${code}:\n${out}`))),
  );
  const url = await Promise.race([
    waitFor(() => out.match(/running at (http:\/\/[\d.:]+)/)?.[1], {
      timeoutMs: 90_000,
      intervalMs: 100,
      what: 'Centralita to start on the embedded PostgreSQL',
    }),
    exitedEarly,
  ]);
  await Promise.race([
    waitFor(() => out.includes('Press Ctrl+C to stop'), { timeoutMs: 30_000, what: 'the demo to be seeded' }),
    exitedEarly,
  ]);
  exitedEarly.catch(() => undefined);
  return { child, url, output: () => out };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('the README start command (embedded PostgreSQL)', () => {
  it('starts with the demo, takes a form post, stops cleanly and keeps the data across a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'centralita-smoke-'));
    // mkdtemp makes the folder private; PostgreSQL runs as another user when we are root.
    await chmod(dataDir, 0o755);
    const first = await start(dataDir);
    const password = first.output().match(/First start: admin admin@localhost \(workspace "default"\), password: (\S+)/)?.[1];
    expect(password).toBeTruthy();
    // The printed password signs the first admin in.
    const admin = await fetch(`${first.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password }),
    });
    expect(admin.status).toBe(200);
    const health = await (await fetch(`${first.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { ok: true } });
    const formUrl = first.output().match(/web form at (\S+)/)?.[1] ?? '';
    const posted = await fetch(formUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Smoke', email: 'smoke@example.com', message: 'survives a restart' }),
    });
    expect(posted.status).toBe(201);
    expect(await stop(first.child)).toBe(0);

    const second = await start(dataDir);
    expect(second.output()).not.toContain('First start');
    const login = await fetch(`${second.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A supervisor sees every team's conversations (routing put the demo ones in teams).
      body: JSON.stringify({ email: 'supervisor@demo.centralita.dev', password: 'centralita-demo' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = await (await fetch(`${second.url}/api/v1/conversations?limit=200`, { headers: { cookie } })).json();
    // Three demo conversations and ours: the data survived, and the demo was not seeded twice.
    expect(list.items).toHaveLength(4);
    expect(await stop(second.child)).toBe(0);
  }, 240_000);
});
