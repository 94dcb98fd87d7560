import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';

type AdapterOptions = Parameters<typeof createAdapter>[1];
type AdapterFactory = ReturnType<typeof createAdapter>;

interface Publisher {
  doPublish(message: unknown): Promise<unknown>;
}

interface Outgoing {
  channel: string;
  payload: string;
  resolve(): void;
}

/** What the stock adapter's own publish would do with a message too big or binary for a NOTIFY. */
type Fallback = (message: unknown) => Promise<unknown>;

/** At most this many notifications, and about this many payload bytes, go in one statement. */
const MAX_BATCH = 500;
const MAX_BATCH_BYTES = 1 << 20;

function hasBinary(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some(hasBinary);
  return Object.values(value).some(hasBinary);
}

/**
 * One queue of outgoing broadcasts per node, published in order, many per statement: whatever
 * queued while one statement was out goes in the next one (`pg_notify` over an `unnest`, which
 * PostgreSQL delivers in that order). One statement per broadcast was 3.9 statements per web-form
 * post and a third of the node's CPU (the `writev` of each); a queue per conversation kept order
 * only within a conversation and still sent one statement each.
 */
class GroupPublisher {
  readonly #queue: (Outgoing | { fallback: Fallback; message: unknown; resolve(): void })[] = [];
  #running = false;
  /** Makes every payload unique: PostgreSQL folds identical notifications of one transaction into one. */
  #seq = 0;

  constructor(
    private readonly pool: Pool,
    private readonly prefix: string,
    private readonly threshold: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  publish(message: unknown, fallback: Fallback): Promise<void> {
    return new Promise<void>((resolve) => {
      const m = message as { nsp?: string; type?: number };
      const payload = JSON.stringify({ ...(message as object), seq: this.#seq++ });
      // Binary packets and large ones go through the stock path (an attachment row), in turn.
      if (hasBinary(message) || Buffer.byteLength(payload) > this.threshold) this.#queue.push({ fallback, message, resolve });
      else this.#queue.push({ channel: `${this.prefix}#${m.nsp ?? '/'}`, payload, resolve });
      if (!this.#running) void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0];
        if (head && 'fallback' in head) {
          this.#queue.shift();
          await head.fallback(head.message).catch(this.onError);
          head.resolve();
          continue;
        }
        const batch: Outgoing[] = [];
        let bytes = 0;
        while (batch.length < MAX_BATCH && bytes < MAX_BATCH_BYTES) {
          const next = this.#queue[0];
          if (!next || 'fallback' in next) break;
          batch.push(next);
          bytes += next.payload.length;
          this.#queue.shift();
        }
        try {
          // One JSON parameter, not two text[]: node-postgres escapes array elements in
          // JavaScript character by character, which was the largest cost of a burst's broadcasts;
          // JSON.stringify is native.
          await this.pool.query('SELECT pg_notify(t->>0, t->>1) FROM json_array_elements($1::json) AS t', [
            JSON.stringify(batch.map((b) => [b.channel, b.payload])),
          ]);
        } catch (err) {
          // As the stock adapter does: a lost publish is reported, and local delivery goes on.
          this.onError(err);
        }
        for (const b of batch) b.resolve();
      }
    } finally {
      this.#running = false;
    }
  }
}

/**
 * socket.io's PostgreSQL adapter, with one change: every broadcast of this node leaves through
 * one ordered queue that sends what has gathered in one statement (see GroupPublisher). The stock
 * adapter sends each broadcast as its own query on any free pool connection and delivers it, on
 * this node too, only once that query returns, so a conversation's `conversation.created` and
 * `message.created` reached consoles in whichever order two queries finished. In one queue every
 * node's consoles see the events in the order this node committed them, and under load the
 * statements grow instead of their number.
 */
export function createOrderedAdapter(pool: Pool, options: AdapterOptions): AdapterFactory {
  const base = createAdapter(pool, options) as unknown as new (nsp: unknown) => Publisher;
  const onError = options?.errorHandler;
  const group = new GroupPublisher(pool, options?.channelPrefix ?? 'socket.io', options?.payloadThreshold ?? 8_000, (err) =>
    onError?.(err instanceof Error ? err : new Error(String(err))),
  );
  function OrderedAdapter(nsp: unknown): Publisher {
    const adapter = new base(nsp);
    const stock = adapter.doPublish.bind(adapter);
    adapter.doPublish = (message) => group.publish(message, stock).then(() => '');
    return adapter;
  }
  return OrderedAdapter as unknown as AdapterFactory;
}
