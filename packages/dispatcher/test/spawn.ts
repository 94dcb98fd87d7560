import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./dispatch-process.ts', import.meta.url));

export interface ProcessResult {
  assigned: number;
  offered: number;
  waiting: number;
  ms: number;
}

/**
 * Starts `count` routing processes on one workspace, releases them together once all are ready,
 * and returns each one's result and the wall time from "go" to the last one finishing.
 */
export async function runProcesses(
  url: string,
  workspaceId: string,
  count: number,
  mode: 'route' | 'bare',
): Promise<{ results: ProcessResult[]; wallMs: number }> {
  const children: ChildProcessWithoutNullStreams[] = [];
  const lines: Promise<string>[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, workspaceId, mode], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const rl = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve, reject) => {
      rl.once('line', (l) => (l === 'ready' ? resolve() : reject(new Error(`unexpected: ${l}`))));
      child.once('exit', (code) => reject(new Error(`routing process exited ${code}: ${stderr}`)));
    });
    lines.push(
      ready.then(
        () =>
          new Promise<string>((resolve, reject) => {
            rl.once('line', resolve);
            child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`routing process exited ${code}: ${stderr}`))));
          }),
      ),
    );
    children.push(child);
    await ready;
  }
  const go = performance.now();
  for (const c of children) c.stdin.write('go\n');
  const results = (await Promise.all(lines)).map((l) => JSON.parse(l) as ProcessResult);
  return { results, wallMs: performance.now() - go };
}
