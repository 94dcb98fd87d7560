import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';

type AdapterOptions = Parameters<typeof createAdapter>[1];
type AdapterFactory = ReturnType<typeof createAdapter>;

interface Publisher {
  doPublish(message: unknown): Promise<unknown>;
}

/** The conversation a broadcast is about, read from the packet socket.io hands the adapter. */
function conversationOf(message: unknown): string | null {
  const payload = (message as { data?: { packet?: { data?: unknown[] } } } | null)?.data?.packet?.data?.[1] as
    | { conversationId?: unknown; conversation?: { id?: unknown } }
    | undefined;
  const id = payload?.conversationId ?? payload?.conversation?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * socket.io's PostgreSQL adapter, with one change: the broadcasts about one conversation are
 * published one after the other. The stock adapter sends each broadcast as its own query on any
 * free pool connection and delivers it, on this node too, only once that query returns, so a
 * conversation's `conversation.created` and `message.created` reached consoles in whichever order
 * two queries finished (half of them reversed at 50 posts/s). Chained per conversation, every
 * node's consoles see a conversation's events in the order this node committed them, while
 * different conversations still publish side by side (one queue for all would cap fan-out at one
 * round trip per broadcast, and let a backlog grow without bound under load).
 */
export function createOrderedAdapter(pool: Pool, options: AdapterOptions): AdapterFactory {
  const base = createAdapter(pool, options) as unknown as new (nsp: unknown) => Publisher;
  function OrderedAdapter(nsp: unknown): Publisher {
    const adapter = new base(nsp);
    const publish = adapter.doPublish.bind(adapter);
    const tails = new Map<string, Promise<unknown>>();
    adapter.doPublish = (message) => {
      const key = conversationOf(message);
      if (key === null) return publish(message);
      const next = (tails.get(key) ?? Promise.resolve()).then(() => publish(message));
      const tail = next.catch(() => undefined);
      tails.set(key, tail);
      // Forget a conversation once its last broadcast is out, so the map stays small.
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return next;
    };
    return adapter;
  }
  return OrderedAdapter as unknown as AdapterFactory;
}
