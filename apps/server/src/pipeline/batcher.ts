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

/** One caller's items: a single emit, or everything one `submitMany` brought. They stay together, in order. */
interface Unit<I, O> {
  items: I[];
  resolve(o: O[]): void;
  reject(e: unknown): void;
}

interface Queue<C, I, O> {
  context: C;
  units: Unit<I, O>[];
  /** Items in `units`. */
  size: number;
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
   * of that batch gets the error (a batch of several callers' items first tries each caller's alone).
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
  async submit(key: string, context: C, item: I): Promise<O> {
    const [outcome] = await new Promise<O[]>((resolve, reject) => {
      const q = this.#queue(key, context);
      q.units.push({ items: [item], resolve, reject });
      q.size += 1;
      if (q.size >= this.#maxItems) this.#due(key);
      else q.timer ??= setTimeout(() => this.#due(key), this.#maxWaitMs);
    });
    return outcome as O;
  }

  /**
   * Queues items that arrived together (an IMAP chunk, a page of posts, a webhook delivery): they
   * go in one batch, in order, at once when a slot of `key` is free. Otherwise they wait for the
   * next free slot with whatever else queues meanwhile (concurrent deliveries of one account are
   * committed together, as single emits are). More than `maxItems` go alone, in batches of
   * `maxItems` one after another.
   */
  submitMany(key: string, context: C, items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      const q = this.#queue(key, context);
      q.units.push({ items, resolve, reject });
      q.size += items.length;
      this.#due(key);
    });
  }

  #queue(key: string, context: C): Queue<C, I, O> {
    let q = this.#queues.get(key);
    if (!q) {
      q = { context, units: [], size: 0, timer: null, due: false };
      this.#queues.set(key, q);
    }
    return q;
  }

  #due(key: string): void {
    const q = this.#queues.get(key);
    if (!q) return;
    q.due = true;
    if ((this.#running.get(key) ?? 0) < this.#maxInFlight) this.#flush(key);
  }

  /** The first units that fit in one batch (at least one, however large). */
  #take(q: Queue<C, I, O>): Unit<I, O>[] {
    let n = 0;
    let k = 0;
    while (k < q.units.length) {
      const size = (q.units[k] as Unit<I, O>).items.length;
      if (k > 0 && n + size > this.#maxItems) break;
      n += size;
      k++;
      if (n >= this.#maxItems) break;
    }
    return q.units.splice(0, k);
  }

  #flush(key: string): void {
    const q = this.#queues.get(key);
    if (!q) return;
    this.#queues.delete(key);
    if (q.timer) clearTimeout(q.timer);
    const units = this.#take(q);
    if (q.units.length > 0) {
      // More than one batch's worth waited: the rest is due at once, in the next free slot.
      const size = q.units.reduce((n, u) => n + u.items.length, 0);
      this.#queues.set(key, { context: q.context, units: q.units, size, timer: null, due: true });
    }
    this.#running.set(key, (this.#running.get(key) ?? 0) + 1);
    const done = this.#commit(q.context, units);
    this.#inFlight.add(done);
    void done.finally(() => {
      this.#inFlight.delete(done);
      const left = (this.#running.get(key) ?? 1) - 1;
      if (left > 0) this.#running.set(key, left);
      else this.#running.delete(key);
      if (this.#queues.get(key)?.due) this.#flush(key);
    });
  }

  /** Commits units as one batch and settles each with its own outcomes; never rejects. */
  async #commit(context: C, units: Unit<I, O>[]): Promise<void> {
    try {
      const outcomes = await this.#runChunked(
        context,
        units.flatMap((u) => u.items),
      );
      let at = 0;
      for (const u of units) {
        const mine = outcomes.slice(at, at + u.items.length);
        at += u.items.length;
        if (mine.length < u.items.length || mine.some((o) => o === undefined))
          u.reject(new Error('the batch returned no outcome for this item'));
        else u.resolve(mine);
      }
    } catch (err) {
      if (units.length === 1) {
        units[0]?.reject(err);
        return;
      }
      // One caller's failure must not fail the others it was batched with: each is tried alone.
      for (const u of units) await this.#commit(context, [u]);
    }
  }

  /** One batch, or a single caller's items beyond `maxItems` in batches of `maxItems` one after another. */
  async #runChunked(context: C, items: I[]): Promise<O[]> {
    if (items.length <= this.#maxItems) return this.run(context, items);
    const out: O[] = [];
    for (let i = 0; i < items.length; i += this.#maxItems) out.push(...(await this.run(context, items.slice(i, i + this.#maxItems))));
    return out;
  }

  /** Sends what is queued now and waits for every batch under way (a node stopping). */
  async drain(): Promise<void> {
    while (this.#queues.size > 0 || this.#inFlight.size > 0) {
      for (const key of [...this.#queues.keys()]) this.#flush(key);
      await Promise.allSettled([...this.#inFlight]);
    }
  }
}
