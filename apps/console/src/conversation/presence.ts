import { useEffect, useState } from 'react';
import { useLive, useLiveEvents } from '../live/live.tsx';

export interface Viewer {
  userId: string;
  name: string;
}

/**
 * Who else has this conversation open. The console says `presence.view` when it opens one and
 * `presence.leave` when it leaves (docs/realtime.md); after a reconnect it says `view` again,
 * since the server forgot this socket.
 */
export function usePresence(conversationId: string, myId: string | null): Viewer[] {
  const { socket, connected } = useLive();
  const [viewers, setViewers] = useState<Viewer[]>([]);
  useEffect(() => {
    if (!socket || !connected) return;
    socket.emit('presence.view', { conversationId });
    return () => {
      socket.emit('presence.leave');
      setViewers([]);
    };
  }, [socket, connected, conversationId]);
  useLiveEvents((e) => {
    if (e.type === 'presence' && e.conversationId === conversationId) setViewers(e.viewers);
  });
  return viewers.filter((v) => v.userId !== myId);
}
