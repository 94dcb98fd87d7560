import { queryOptions, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { ChannelAccount, QueueRow } from '../api/types.ts';
import { useLiveEvents } from '../live/live.tsx';

export const queuesQuery = queryOptions({
  queryKey: keys.queues,
  queryFn: async () => (await data<{ items: QueueRow[] }>(client.GET('/api/v1/routing/queues'))).items,
  staleTime: 5_000,
  // An SLA can come within reach with no event at all: read the figures again now and then.
  refetchInterval: 30_000,
});

export const channelAccountsQuery = queryOptions({
  queryKey: keys.channelAccounts,
  queryFn: async () => (await data<{ items: ChannelAccount[] }>(client.GET('/api/v1/channel-accounts'))).items,
  staleTime: 5 * 60_000,
});

/**
 * Refetches the queues and the agents when conversations or agents change, once per burst: a
 * thousand new conversations in a second cost a few requests, not a thousand. Agents too, because
 * an assignment changes an agent's load without an agent event.
 */
export function useLiveQueues(): void {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const agentsToo = useRef(false);
  useLiveEvents((e) => {
    if (e.type !== 'conversation' && e.type !== 'agent' && e.type !== 'reconnected') return;
    if (e.type !== 'agent') agentsToo.current = true;
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: keys.queues });
      if (agentsToo.current) void queryClient.invalidateQueries({ queryKey: keys.agents, exact: true });
      agentsToo.current = false;
    }, 250);
  });
}
