import type { PeerRoute } from './state.ts';

/**
 * One injected failure. With `code`, a Graph error body like Meta's (status from `META_ERRORS`
 * unless `httpStatus` says otherwise). With only `httpStatus`, a bare non-JSON answer, as a proxy in
 * front of Graph gives on a 502. `drop` cuts the connection. `delayMs` waits first; with nothing
 * else it only delays the real answer, which is how a test makes a client time out.
 */
export interface FaultSpec {
  code?: number;
  subcode?: number;
  httpStatus?: number;
  /** Overrides `error_data.details`. */
  details?: string;
  /** Seconds, sent as a Retry-After header. */
  retryAfter?: number;
  drop?: boolean;
  delayMs?: number;
  /** How many requests in a row fail so. @default 1 */
  times?: number;
  /** Which endpoint family it hits. @default 'messages' */
  on?: PeerRoute | 'any';
}

interface PendingFault {
  spec: FaultSpec;
  left: number;
}

export class Faults {
  private readonly queue: PendingFault[] = [];

  push(spec: FaultSpec): void {
    if (spec.code === undefined && spec.httpStatus === undefined && !spec.drop && spec.delayMs === undefined)
      throw new TypeError('WhatsApp test peer: a fault needs a code, an httpStatus, drop or delayMs');
    this.queue.push({ spec, left: spec.times ?? 1 });
  }

  /** The fault for this request, if one is waiting for its route. */
  take(route: PeerRoute): FaultSpec | null {
    const i = this.queue.findIndex((f) => (f.spec.on ?? 'messages') === route || f.spec.on === 'any');
    if (i < 0) return null;
    const fault = this.queue[i] as PendingFault;
    fault.left -= 1;
    if (fault.left <= 0) this.queue.splice(i, 1);
    return fault.spec;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/**
 * Meta's two send limits: the pair rate (about one message every 6 s from one business number to
 * one user, 131056) and a number's throughput (messages per second, 130429). Both are off unless a
 * test turns them on, and both run on the peer's clock so a test can step over them.
 */
export class SendLimits {
  private readonly lastToUser = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly pairRateMs: number | null,
    private readonly throughput: number | null,
    private readonly now: () => Date,
  ) {}

  /** The code to refuse with, or null; an accepted send is counted. */
  take(phoneNumberId: string, userKey: string): 131056 | 130429 | null {
    const t = this.now().getTime();
    if (this.throughput !== null) {
      const window = (this.recent.get(phoneNumberId) ?? []).filter((at) => at > t - 1000);
      this.recent.set(phoneNumberId, window);
      if (window.length >= this.throughput) return 130429;
    }
    const pair = `${phoneNumberId}|${userKey}`;
    if (this.pairRateMs !== null) {
      const last = this.lastToUser.get(pair);
      if (last !== undefined && t - last < this.pairRateMs) return 131056;
    }
    this.lastToUser.set(pair, t);
    // Set above whenever throughput is on.
    this.recent.get(phoneNumberId)?.push(t);
    return null;
  }
}
