import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';

type AdapterOptions = Parameters<typeof createAdapter>[1];
type AdapterFactory = ReturnType<typeof createAdapter>;

interface Publisher {
  doPublish(message: unknown): Promise<unknown>;
}

/**
 * socket.io's PostgreSQL adapter, with one change: a node publishes its broadcasts one after the
 * other. The stock adapter sends each broadcast as its own query on any free pool connection and
 * delivers it, on this node too, only once that query returns, so a conversation's
 * `conversation.created` and `message.created` reached consoles in whichever order two queries
 * finished (half of them reversed at 50 posts/s). In a queue, every node's consoles see a node's
 * events in the order it committed them: NOTIFYs from one sequence arrive in order everywhere.
 */
export function createOrderedAdapter(pool: Pool, options: AdapterOptions): AdapterFactory {
  const base = createAdapter(pool, options) as unknown as new (nsp: unknown) => Publisher;
  function OrderedAdapter(nsp: unknown): Publisher {
    const adapter = new base(nsp);
    const publish = adapter.doPublish.bind(adapter);
    let last: Promise<unknown> = Promise.resolve();
    adapter.doPublish = (message) => {
      const next = last.then(() => publish(message));
      last = next.catch(() => undefined);
      return next;
    };
    return adapter;
  }
  return OrderedAdapter as unknown as AdapterFactory;
}
