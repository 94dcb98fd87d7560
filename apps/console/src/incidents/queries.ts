import { queryOptions } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import type {
  BroadcastEstimate,
  BroadcastInput,
  BroadcastView,
  DeclareInput,
  IncidentMetrics,
  IncidentSettings,
  IncidentStatus,
  IncidentView,
} from './types.ts';

/** Everything of incidents lives under `incidents` (and broadcasts under `broadcasts`), so one event refreshes it all. */
export const incidentKeys = {
  all: ['incidents'] as const,
  list: (status: IncidentStatus) => ['incidents', 'list', status] as const,
  one: (id: string) => ['incidents', 'one', id] as const,
  conversations: (id: string, filters: object) => ['incidents', 'one', id, 'conversations', filters] as const,
  conversationsOf: (id: string) => ['incidents', 'one', id, 'conversations'] as const,
  broadcasts: (id: string) => ['incidents', 'one', id, 'broadcasts'] as const,
  metrics: (id: string) => ['incidents', 'one', id, 'metrics'] as const,
  settings: ['incidents', 'settings'] as const,
  broadcast: (id: string) => ['broadcasts', id] as const,
};

export const incidentListQuery = (status: IncidentStatus) =>
  queryOptions({
    queryKey: incidentKeys.list(status),
    queryFn: async () => (await data<{ items: IncidentView[] }>(client.GET('/api/v1/incidents', { params: { query: { status } } }))).items,
    staleTime: 30_000,
  });

/** One incident with its counts (linked, by channel, by region, open, resolved). */
export const incidentQuery = (id: string) =>
  queryOptions({
    queryKey: incidentKeys.one(id),
    queryFn: () => data<IncidentView>(client.GET('/api/v1/incidents/{id}', { params: { path: { id } } })),
    staleTime: 15_000,
  });

export const incidentSettingsQuery = queryOptions({
  queryKey: incidentKeys.settings,
  queryFn: () => data<IncidentSettings>(client.GET('/api/v1/incident-settings')),
  staleTime: 5 * 60_000,
});

export interface LinkedFilters {
  channel?: string;
  region?: string;
}

export const LINKED_PAGE = 50;

export const metricsQuery = (id: string) =>
  queryOptions({
    queryKey: incidentKeys.metrics(id),
    queryFn: () => data<IncidentMetrics>(client.GET('/api/v1/incidents/{id}/metrics', { params: { path: { id } } })),
    staleTime: 15_000,
  });

export const broadcastsQuery = (incidentId: string) =>
  queryOptions({
    queryKey: incidentKeys.broadcasts(incidentId),
    queryFn: async () =>
      (await data<{ items: BroadcastView[] }>(client.GET('/api/v1/incidents/{id}/broadcasts', { params: { path: { id: incidentId } } })))
        .items,
    staleTime: 10_000,
  });

export const running = (b: Pick<BroadcastView, 'state'>) => b.state === 'fanning_out' || b.state === 'sending';

/**
 * One broadcast's progress. The socket's `broadcast.progress` keeps it current; the poll is the
 * fallback for a socket that is down or reconnecting, and stops once the broadcast is over.
 */
export const broadcastQuery = (id: string) =>
  queryOptions({
    queryKey: incidentKeys.broadcast(id),
    queryFn: async () =>
      (await data<{ broadcast: BroadcastView }>(client.GET('/api/v1/broadcasts/{id}', { params: { path: { id } } }))).broadcast,
    refetchInterval: (q) => (q.state.data && !running(q.state.data) ? false : 2_000),
  });

export const declareIncident = (body: DeclareInput) => data<IncidentView>(client.POST('/api/v1/incidents', { body }));

export const acceptIncident = (id: string, body: Partial<DeclareInput>) =>
  data<IncidentView>(client.POST('/api/v1/incidents/{id}/accept', { params: { path: { id } }, body }));

export const dismissIncident = (id: string, reason: string | null) =>
  data<IncidentView>(client.POST('/api/v1/incidents/{id}/dismiss', { params: { path: { id } }, body: reason ? { reason } : {} }));

export const patchIncident = (id: string, body: Partial<DeclareInput>) =>
  data<IncidentView>(client.PATCH('/api/v1/incidents/{id}', { params: { path: { id } }, body }));

export const resolveIncident = (id: string, closing: BroadcastInput | null) =>
  data<IncidentView>(client.POST('/api/v1/incidents/{id}/resolve', { params: { path: { id } }, body: closing ? { closing } : {} }));

export const linkConversations = (id: string, conversationIds: string[]) =>
  data<unknown>(client.POST('/api/v1/incidents/{id}/conversations', { params: { path: { id } }, body: { conversationIds } }));

export const unlinkConversation = (id: string, conversationId: string) =>
  data<unknown>(client.DELETE('/api/v1/incidents/{id}/conversations/{conversationId}', { params: { path: { id, conversationId } } }));

export const setKeepOpen = (id: string, conversationId: string, keepOpen: boolean) =>
  data<unknown>(
    client.PUT('/api/v1/incidents/{id}/conversations/{conversationId}/keep-open', {
      params: { path: { id, conversationId } },
      body: { keepOpen },
    }),
  );

export const estimateBroadcast = (incidentId: string, body: BroadcastInput) =>
  data<BroadcastEstimate>(client.POST('/api/v1/incidents/{id}/broadcasts/estimate', { params: { path: { id: incidentId } }, body }));

export const startBroadcast = (incidentId: string, body: BroadcastInput) =>
  data<BroadcastView>(client.POST('/api/v1/incidents/{id}/broadcasts', { params: { path: { id: incidentId } }, body }));

export const cancelBroadcast = (id: string) =>
  data<BroadcastView>(client.POST('/api/v1/broadcasts/{id}/cancel', { params: { path: { id } } }));
