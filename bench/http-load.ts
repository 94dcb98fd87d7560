import { Agent, request } from 'node:http';
import { percentile } from './stats.ts';

/** One request of a load run. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What a load run measured. */
export interface LoadResult {
  /** Requests answered inside the measured window. */
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers by status, over the whole run (warm-up included). */
  statuses: Record<number, number>;
  /** Share of one core the client used during the run: near 100% means the client, not the server, set the pace. */
  clientCpu: number;
  /** Every request sent, warm-up included. */
  sent: number;
}

/** An address of its own for request `i`, for X-Forwarded-For (loopback is the only real one here). */
export function clientAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** Sends one POST on a keep-alive agent; resolves with the status once the answer is read. */
export function post(agent: Agent, base: URL, r: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: r.path,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body), ...r.headers },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * `concurrency` clients each sending their next request as soon as the last is answered, over
 * keep-alive connections, for a warm-up then `durationMs` measured (or until `total` were sent).
 * Only answers inside the measured window count towards the rate and percentiles.
 */
export async function closedLoop(opts: {
  url: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  total?: number;
  make(i: number): LoadRequest;
  expect: number[];
}): Promise<LoadResult> {
  const base = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const t0 = performance.now();
  const from = t0 + opts.warmupMs;
  const until = from + opts.durationMs;
  const cpu0 = process.cpuUsage();
  let failure: Error | null = null;
  const client = async () => {
    while (!failure && performance.now() < until && (opts.total === undefined || next < opts.total)) {
      const i = next++;
      const started = performance.now();
      const status = await post(agent, base, opts.make(i));
      const done = performance.now();
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (!opts.expect.includes(status)) failure = new Error(`request ${i} answered ${status}`);
      if (done >= from && done <= until) latencies.push(done - started);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, () => client()));
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  agent.destroy();
  if (failure) throw failure;
  const end = Math.min(performance.now(), until);
  const seconds = opts.total === undefined ? opts.durationMs / 1000 : (end - Math.max(from, t0)) / 1000;
  return {
    count: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
    clientCpu: (used.user + used.system) / 1000 / wall,
    sent: next,
  };
}
