import { useCallback, useRef, useState } from 'react';
import { type LiveEvent, useLiveEvents } from '../live/live.tsx';
import { isOwnChange } from './own.ts';

/** How long a conversation event waits for the message event that explains it (same commit). */
const PAIRING_MS = 400;

/**
 * Whose change an event is, as far as the "new activity" badge cares: `others` (a customer, a
 * colleague, routing), `mine` (the signed-in user), or `none` (nothing a person did: a delivery
 * report). `unknown` is a conversation change that the message of the same commit may explain.
 */
export function whoChanged(event: LiveEvent, myUserId: string | null): 'others' | 'mine' | 'none' | 'unknown' {
  switch (event.type) {
    case 'message':
      if (!event.created) return 'none';
      if (event.message.direction === 'inbound') return 'others';
      return event.message.authorId !== null && event.message.authorId === myUserId ? 'mine' : 'others';
    case 'conversation':
      return event.created ? 'others' : 'unknown';
    default:
      return 'none';
  }
}

/**
 * Conversations that others changed since the list was last shown. Messages decide by their
 * author; a conversation change with no message in the same commit (a status, an assignment,
 * routing) counts unless this console made it (own.ts). A reply sends its message first and its
 * conversation change after; an inbound message the other way round: both orders pair up.
 */
export function useNewActivity(myUserId: string | null, openId: string | undefined) {
  const open = useRef(openId);
  open.current = openId;
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const decided = useRef(new Map<string, { who: 'others' | 'mine'; at: number }>());
  const pending = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  // What happens in the conversation on screen is seen as it happens.
  const count = useCallback((id: string) => {
    if (id !== open.current) setIds((s) => (s.has(id) ? s : new Set(s).add(id)));
  }, []);

  useLiveEvents((event) => {
    const who = whoChanged(event, myUserId);
    if (who === 'none') return;
    const id = event.type === 'message' ? event.conversationId : event.type === 'conversation' ? event.conversation.id : '';
    const now = Date.now();
    if (who === 'unknown') {
      const before = decided.current.get(id);
      if (before && now - before.at < PAIRING_MS) return;
      if (pending.current.has(id)) return;
      pending.current.set(
        id,
        setTimeout(() => {
          pending.current.delete(id);
          const after = decided.current.get(id);
          if (after && Date.now() - after.at < 2 * PAIRING_MS) return;
          if (!isOwnChange(id)) count(id);
        }, PAIRING_MS),
      );
      return;
    }
    decided.current.set(id, { who, at: now });
    if (who === 'others') count(id);
  });

  const reset = useCallback(() => setIds(new Set()), []);
  /** The agent opened it: what changed there has been seen. */
  const seen = useCallback(
    (id: string) =>
      setIds((s) => {
        if (!s.has(id)) return s;
        const next = new Set(s);
        next.delete(id);
        return next;
      }),
    [],
  );
  return { count: ids.size, ids, reset, seen };
}
