/**
 * Gathers work that arrives at about the same time for the same key (a channel account) into one
 * batch: concurrent webhook deliveries wait at most `maxWaitMs`, or until `maxItems` are queued,
 * and are then committed together. Each caller's promise settles with its own item's outcome, so a
 * request is answered only after its own message is committed, and gets its own error if that
 * message alone was refused.
 *
 * At most `maxInFlight` batches of one key are being committed at a time; what arrives meanwhile
 * waits for the next free slot and goes in one batch (group commit). Without that bound every
 * 2 ms window became a transaction of its own: under 64 concurrent web-form posts the batches
 * held 2.6 posts each and the transactions queued for the pool's connections.
 */
export interface BatcherOptions {
  /** How long the first item of a batch waits for company. @default 2 */
  maxWaitMs?: number;
  /** A batch this large is sent at once. @default 200 */
  maxItems?: number;
  /** Batches of one key committed at the same time. @default 2 */
  maxInFlight?: number;
}

interface Pending<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

interface Queue<C, I, O> {
  context: C;
  items: Pending<I, O>[];
  timer: NodeJS.Timeout | null;
  /** The item limit or the wait is reached: it goes as soon as a slot is free. */
  due: boolean;
}

export class Batcher<C, I, O> {
  readonly #queues = new Map<string, Queue<C, I, O>>();
  readonly #maxWaitMs: number;
  readonly #maxItems: number;
  readonly #maxInFlight: number;
  readonly #inFlight = new Set<Promise<void>>();
  /** Batches being committed, per key. */
  readonly #running = new Map<string, number>();

  /**
   * `run` commits one batch and returns one outcome per item, in order; if it throws, every item
   * of that batch gets the error.
   */
  constructor(
    private readonly run: (context: C, items: I[]) => Promise<O[]>,
    options: BatcherOptions = {},
  ) {
    this.#maxWaitMs = options.maxWaitMs ?? 2;
    this.#maxItems = options.maxItems ?? 200;
    this.#maxInFlight = options.maxInFlight ?? 2;
  }

  /** Queues one item under `key`; `context` is what the batch runs with (the first item's wins). */
  submit(key: string, context: C, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let q = this.#queues.get(key);
      if (!q) {
        q = { context, items: [], timer: null, due: false };
        this.#queues.set(key, q);
      }
      q.items.push({ item, resolve, reject });
      if (q.items.length >= this.#maxItems) this.#due(key);
      else q.timer ??= setTimeout(() => this.#due(key), this.#maxWaitMs);
    });
  }

  /** Queues items that arrived together (an IMAP chunk, a page of posts) as one batch of their own. */
  async submitMany(context: C, items: I[]): Promise<O[]> {
    if (items.length === 0) return [];
    const out: O[] = [];
    for (let i = 0; i < items.length; i += this.#maxItems) out.push(...(await this.run(context, items.slice(i, i + this.#maxItems))));
    return out;
  }

  #due(key: string): void {
    const q = this.#queues.get(key);
    if (!q) return;
    q.due = true;
    if ((this.#running.get(key) ?? 0) < this.#maxInFlight) this.#flush(key);
  }

  #flush(key: string): void {
    const q = this.#queues.get(key);
    if (!q) return;
    this.#queues.delete(key);
    if (q.timer) clearTimeout(q.timer);
    const batch = q.items.splice(0, this.#maxItems);
    if (q.items.length > 0) {
      // More than one batch's worth waited: the rest is due at once, in the next free slot.
      this.#queues.set(key, { context: q.context, items: q.items, timer: null, due: true });
    }
    this.#running.set(key, (this.#running.get(key) ?? 0) + 1);
    const done = this.run(
      q.context,
      batch.map((p) => p.item),
    ).then(
      (outcomes) => {
        batch.forEach((p, i) => {
          const o = outcomes[i];
          if (o === undefined) p.reject(new Error('the batch returned no outcome for this item'));
          else p.resolve(o);
        });
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
    this.#inFlight.add(done);
    void done.finally(() => {
      this.#inFlight.delete(done);
      const left = (this.#running.get(key) ?? 1) - 1;
      if (left > 0) this.#running.set(key, left);
      else this.#running.delete(key);
      if (this.#queues.get(key)?.due) this.#flush(key);
    });
  }

  /** Sends what is queued now and waits for every batch under way (a node stopping). */
  async drain(): Promise<void> {
    while (this.#queues.size > 0 || this.#inFlight.size > 0) {
      for (const key of [...this.#queues.keys()]) this.#flush(key);
      await Promise.allSettled([...this.#inFlight]);
    }
  }
}
