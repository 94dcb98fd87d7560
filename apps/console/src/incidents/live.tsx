import { Anchor } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import type { Me } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { useLive, useLiveEvents } from '../live/live.tsx';
import { incidentRef } from './format.ts';
import { incidentKeys, running } from './queries.ts';
import type { BroadcastView, IncidentView } from './types.ts';

/** Incidents are read again at most this often however many events arrive (a broadcast to thousands). */
const REFRESH_MS = 1_000;

/** Calls `run` at once, then at most once per window: later calls inside it fold into one at its end. */
function throttle(run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let again = false;
  const fire = () => {
    run();
    timer = setTimeout(() => {
      timer = null;
      if (again) {
        again = false;
        fire();
      }
    }, ms);
  };
  return () => {
    if (timer) again = true;
    else fire();
  };
}

/** The socket sends the object alone or wrapped (`{ incident }`, `{ broadcast }`): either is read. */
function unwrap<T>(payload: unknown, key: string): T | null {
  if (!payload || typeof payload !== 'object') return null;
  const inner = (payload as Record<string, unknown>)[key];
  return (inner && typeof inner === 'object' ? inner : payload) as T;
}

function mergeProgress(queryClient: QueryClient, b: Partial<BroadcastView> & { id: string }) {
  queryClient.setQueryData<BroadcastView>(incidentKeys.broadcast(b.id), (old) => (old ? { ...old, ...b } : old));
  if (b.state && !running({ state: b.state })) {
    // Over: the failures, the incident's first update and its metrics are read whole.
    void queryClient.invalidateQueries({ queryKey: incidentKeys.broadcast(b.id) });
    void queryClient.invalidateQueries({ queryKey: incidentKeys.all });
  }
}

/**
 * Mounted once in the shell: keeps every incident screen current from the socket (supervisors'
 * `incident.updated` and `broadcast.progress`; a conversation linked or unlinked through the
 * commit stream), and tells supervisors on any screen when Centralita proposes an incident.
 */
export function IncidentLive({ me }: { me: Me }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const { socket } = useLive();
  const supervisor = me.role !== 'agent';
  const refresh = useRef(throttle(() => void queryClient.invalidateQueries({ queryKey: incidentKeys.all }), REFRESH_MS));
  const announced = useRef(new Set<string>());
  const words = useRef(t);
  words.current = t;
  // The toast is drawn outside the router (main.tsx), so its action navigates through this, not a link.
  const navigate = useNavigate();
  const go = useRef(navigate);
  go.current = navigate;

  useEffect(() => {
    if (!socket) return;
    const onIncident = (payload: unknown) => {
      const incident = unwrap<IncidentView>(payload, 'incident');
      refresh.current();
      if (!supervisor || incident?.status !== 'proposed' || announced.current.has(incident.id)) return;
      announced.current.add(incident.id);
      const tr = words.current;
      notifications.show({
        id: `incident-proposed-${incident.id}`,
        color: 'orange',
        autoClose: 20_000,
        title: tr('incidents.toast.title'),
        message: (
          <span data-testid="incident-toast">
            {incidentRef(incident.number)} · {incident.title}{' '}
            <Anchor
              component="button"
              type="button"
              size="sm"
              fw={600}
              onClick={() => {
                notifications.hide(`incident-proposed-${incident.id}`);
                void go.current({ to: '/incidents' });
              }}
              data-testid="incident-toast-open"
            >
              {tr('incidents.toast.open')}
            </Anchor>
          </span>
        ),
      });
    };
    const onProgress = (payload: unknown) => {
      const b = unwrap<Partial<BroadcastView> & { id?: string; broadcastId?: string }>(payload, 'broadcast');
      const id = b?.id ?? b?.broadcastId;
      if (b && id) mergeProgress(queryClient, { ...b, id });
    };
    socket.on('incident.updated', onIncident);
    socket.on('broadcast.progress', onProgress);
    return () => {
      socket.off('incident.updated', onIncident);
      socket.off('broadcast.progress', onProgress);
    };
  }, [socket, supervisor, queryClient]);

  // A conversation joining or leaving an incident (or one of its linked ones changing) shows in its counts and list.
  const incidentOf = useRef(new Map<string, string>());
  useLiveEvents((e) => {
    if (e.type === 'reconnected') {
      refresh.current();
      return;
    }
    if (e.type !== 'conversation') return;
    const now = e.conversation.routing.incidentId;
    const was = incidentOf.current.has(e.conversation.id);
    // Only linked conversations are remembered, so the map stays as small as the incidents.
    if (now !== null) incidentOf.current.set(e.conversation.id, now);
    else incidentOf.current.delete(e.conversation.id);
    if (now !== null || was) refresh.current();
  });
  return null;
}
