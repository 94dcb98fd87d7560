import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { keys } from '../api/queries.ts';
import type { Agent, Conversation, Message } from '../api/types.ts';

/** What the server says over the socket (docs/realtime.md), as the console reads it. */
export type LiveEvent =
  | { type: 'conversation'; created: boolean; conversation: Conversation }
  | { type: 'message'; created: boolean; conversationId: string; message: Message }
  | { type: 'agent'; agent: Agent }
  | { type: 'presence'; conversationId: string; viewers: { userId: string; name: string }[] }
  | { type: 'reconnected' };

type Listener = (event: LiveEvent) => void;

interface Live {
  socket: Socket | null;
  connected: boolean;
  /** Screens that show more than the cache (a badge, a notification) listen here. */
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<Live>({ socket: null, connected: false, subscribe: () => () => undefined });

/**
 * One socket for the signed-in console. Each event updates the query cache (the conversation and
 * its messages in place; lists and counts are refetched, at most a few times a second, because
 * whether a row still belongs to a filtered, sorted page is the server's question). Events are
 * hints: after a reconnect everything shown is refetched, as nothing sent meanwhile is replayed.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<{ socket: Socket | null; connected: boolean }>({ socket: null, connected: false });

  useEffect(() => {
    const socket = io({ withCredentials: true, transports: ['websocket', 'polling'] });
    const emit = (event: LiveEvent) => {
      applyToCache(queryClient, event);
      for (const l of listeners.current) l(event);
    };
    let first = true;
    socket.on('connect', () => {
      setState({ socket, connected: true });
      if (!first) {
        void queryClient.invalidateQueries();
        emit({ type: 'reconnected' });
      }
      first = false;
    });
    socket.on('disconnect', () => setState({ socket, connected: false }));
    for (const kind of ['created', 'updated'] as const) {
      socket.on(`conversation.${kind}`, (p: { conversation: Conversation }) =>
        emit({ type: 'conversation', created: kind === 'created', conversation: p.conversation }),
      );
      socket.on(`message.${kind}`, (p: { conversationId: string; message: Message }) =>
        emit({ type: 'message', created: kind === 'created', conversationId: p.conversationId, message: p.message }),
      );
    }
    socket.on('agent.updated', (p: { agent: Agent }) => emit({ type: 'agent', agent: p.agent }));
    // A budget crossed 80% or 100%, or was changed: the accounts (their month's state) and usage are stale.
    for (const name of ['budget_warning', 'budget_exhausted', 'budget_changed']) {
      socket.on(`channel_account.${name}`, () => void queryClient.invalidateQueries({ queryKey: keys.channelAccounts }));
    }
    socket.on('presence.updated', (p: { conversationId: string; viewers: { userId: string; name: string }[] }) =>
      emit({ type: 'presence', ...p }),
    );
    setState({ socket, connected: false });
    return () => {
      socket.close();
    };
  }, [queryClient]);

  const value = useRef<Live>({ socket: null, connected: false, subscribe: () => () => undefined });
  value.current = {
    ...state,
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  };
  return <LiveContext.Provider value={value.current}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  return useContext(LiveContext);
}

/** Calls `listener` for every live event while the component is mounted. */
export function useLiveEvents(listener: Listener): void {
  const { subscribe } = useLive();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe]);
}

const windows = new WeakMap<QueryClient, { again: boolean }>();

/**
 * Lists and counts refetch at once on the first event (a new row shows as soon as the server has
 * it), then at most once more per 150 ms window however many events follow: a thousand events in
 * a second cost a few requests.
 */
function invalidateLists(queryClient: QueryClient): void {
  const open = windows.get(queryClient);
  if (open) {
    open.again = true;
    return;
  }
  const current = { again: false };
  windows.set(queryClient, current);
  void queryClient.invalidateQueries({ queryKey: keys.conversations });
  setTimeout(() => {
    windows.delete(queryClient);
    if (current.again) invalidateLists(queryClient);
  }, 150);
}

function applyToCache(queryClient: QueryClient, event: LiveEvent): void {
  switch (event.type) {
    case 'conversation':
      queryClient.setQueryData<Conversation>(keys.conversation(event.conversation.id), (old) =>
        old ? { ...old, ...event.conversation } : undefined,
      );
      invalidateLists(queryClient);
      return;
    case 'message':
      queryClient.setQueryData<{ items: Message[] }>(keys.messages(event.conversationId), (old) => {
        if (!old) return old;
        const at = old.items.findIndex((m) => m.id === event.message.id);
        if (at === -1) return { ...old, items: [...old.items, event.message] };
        const items = old.items.slice();
        items[at] = event.message;
        return { ...old, items };
      });
      invalidateLists(queryClient);
      return;
    case 'agent':
      queryClient.setQueryData<Agent[]>(keys.agents, (old) => old?.map((a) => (a.id === event.agent.id ? event.agent : a)));
      queryClient.setQueryData<Agent>(keys.agent(event.agent.id), event.agent);
      return;
    default:
      return;
  }
}
