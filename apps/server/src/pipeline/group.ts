/**
 * Runs small per-request statements of many concurrent requests as one: while one group is out,
 * whatever arrives waits and goes in the next group, which starts the moment the first returns.
 * A lone request goes at once (no timer), so an idle node answers as fast as before; under load
 * one statement serves everything that queued during a round trip. Every item's statement starts
 * after the item arrived, so a read sees every write committed before its request came, exactly
 * as a statement of its own would.
 */
export class GroupRunner<I, O> {
  readonly #queue: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  #running = 0;

  /** `run` answers one outcome per item, in order; if it throws, each item is tried alone. */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: { maxItems?: number; maxInFlight?: number } = {},
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    if (this.#queue.length === 0 || this.#running >= (this.options.maxInFlight ?? 1)) return;
    const group = this.#queue.splice(0, this.options.maxItems ?? 500);
    this.#running++;
    const settle = (outcomes: O[]) => {
      group.forEach((p, i) => {
        if (i < outcomes.length) p.resolve(outcomes[i] as O);
        else p.reject(new Error('the group returned no outcome for this item'));
      });
    };
    Promise.resolve()
      .then(() => this.run(group.map((p) => p.item)))
      .then(settle, async (err: unknown) => {
        if (group.length === 1) {
          group[0]?.reject(err);
          return;
        }
        // One bad item must not fail the others: each is tried alone and gets its own outcome.
        await Promise.all(
          group.map((p) =>
            this.run([p.item]).then(
              ([o]) => (o === undefined ? p.reject(new Error('the group returned no outcome for this item')) : p.resolve(o)),
              (e: unknown) => p.reject(e),
            ),
          ),
        );
      })
      .finally(() => {
        this.#running--;
        this.#next();
      });
  }
}
