import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Arrival, PeerRequest } from './x-peer-process.ts';

const script = join(import.meta.dirname, 'x-peer-process.ts');

/** Epoch milliseconds with sub-millisecond precision, comparable across processes of one machine. */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * The X peer and the relay peer in a process of their own (bench/x-peer-process.ts): requests go
 * over IPC, and what the brand sends is announced as it arrives, matched by a marker in its text.
 */
export class PeerProcess {
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly #awaited = new Map<string, (at: number) => void>();
  readonly #marker: RegExp;

  private constructor(child: ChildProcess, marker: RegExp) {
    this.#child = child;
    this.#marker = marker;
    child.on('message', (raw) => {
      const m = raw as { type: string; id?: number; answer?: unknown; error?: string } | Arrival;
      if (m.type === 'arrival') {
        const key = this.#marker.exec((m as Arrival).text)?.[1];
        const resolve = key ? this.#awaited.get(key) : undefined;
        if (key && resolve) {
          this.#awaited.delete(key);
          resolve((m as Arrival).at);
        }
        return;
      }
      const answer = m as { id: number; answer?: unknown; error?: string };
      const waiting = this.#pending.get(answer.id);
      if (!waiting) return;
      this.#pending.delete(answer.id);
      if (answer.error) waiting.reject(new Error(`X peer process: ${answer.error}`));
      else waiting.resolve(answer.answer);
    });
    child.once('exit', (code) => {
      for (const w of this.#pending.values()) w.reject(new Error(`X peer process exited ${code}`));
      this.#pending.clear();
    });
  }

  /** `marker`: its first group is the key an arrival is matched by. */
  static start(marker: RegExp): PeerProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new PeerProcess(child, marker);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  call<T>(request: PeerRequest): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, request });
    });
  }

  /** Resolves with the time the peer noticed the message carrying `key`; register before sending it. */
  arrival(key: string, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#awaited.delete(key);
        reject(new Error(`${key} did not reach the peer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#awaited.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.call({ type: 'stop' }).catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }
}
