import { type InfiniteData, infiniteQueryOptions, type QueryClient } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { InboxRow, Page } from '../api/types.ts';
import type { InboxSearch, View } from './search.ts';

export const PAGE_SIZE = 50;

/** What the server is asked for a view and its filters; also the list's cache key. */
export function listFilters(view: View, search: InboxSearch) {
  return {
    view,
    status: search.status ?? 'open',
    sort: search.sort ?? 'newest',
    ...(search.q ? { q: search.q } : {}),
    ...(search.channel ? { channel: search.channel } : {}),
    ...(search.tag ? { tag: search.tag } : {}),
    ...(search.origin ? { origin: search.origin } : {}),
  } as const;
}
export type ListFilters = ReturnType<typeof listFilters>;

/**
 * The inbox as pages from the server's cursor. The key sits under `conversations`, so every live
 * event refetches the loaded pages (live/live.tsx): whether a row still belongs to a filtered,
 * sorted page is the server's question.
 */
export function inboxRowsQuery(f: ListFilters) {
  return infiniteQueryOptions({
    queryKey: keys.conversationList(f),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<InboxRow>) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      data<Page<InboxRow>>(
        client.GET('/api/v1/conversations', {
          signal,
          params: {
            query: {
              status: f.status,
              sort: f.sort,
              limit: PAGE_SIZE,
              ...(f.view === 'mine'
                ? { assignee: 'me' as const }
                : f.view === 'unassigned'
                  ? { assignee: 'none' as const }
                  : f.view === 'teams'
                    ? { team: 'mine' as const }
                    : {}),
              ...('q' in f ? { q: f.q } : {}),
              ...('channel' in f ? { channel: f.channel } : {}),
              ...('tag' in f ? { tag: f.tag } : {}),
              ...('origin' in f ? { origin: f.origin } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    // Live events refetch it; between them a few seconds old is fine.
    staleTime: 5_000,
  });
}

/** Every loaded row of every list in the cache, changed in place (an optimistic read mark). */
export function patchRows(queryClient: QueryClient, id: string, patch: Partial<InboxRow>): void {
  queryClient.setQueriesData<InfiniteData<Page<InboxRow>>>({ queryKey: [...keys.conversations, 'list'] }, (old) =>
    old
      ? {
          ...old,
          pages: old.pages.map((p) => ({ ...p, items: p.items.map((r) => (r.id === id ? { ...r, ...patch } : r)) })),
        }
      : old,
  );
}
