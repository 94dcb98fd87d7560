import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';

// biome-ignore lint/suspicious/noExplicitAny: each event's payload is typed by its handler
export type LiveHandlers = Record<string, (payload: any) => void>;

/**
 * One socket.io connection for the signed-in console. Events are hints; after every reconnect
 * the console refetches what it shows (`reconnected`), because events sent while it was away are
 * not replayed.
 */
export function useLive(handlers: LiveHandlers): { socket: Socket | null; connected: boolean } {
  const ref = useRef(handlers);
  ref.current = handlers;
  const [socket, setSocket] = useState<Socket | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const s = io({ withCredentials: true, transports: ['websocket', 'polling'] });
    let first = true;
    s.on('connect', () => {
      setConnected(true);
      if (!first) ref.current.reconnected?.(undefined);
      first = false;
    });
    s.on('disconnect', () => setConnected(false));
    s.onAny((event: string, payload: unknown) => {
      const h = ref.current[event];
      if (h && event !== 'reconnected') h(payload);
    });
    setSocket(s);
    return () => {
      s.close();
    };
  }, []);
  return { socket, connected };
}
