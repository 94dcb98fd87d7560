import { queryOptions } from '@tanstack/react-query';
import { client, data } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import type { SavedSearch } from '../../api/types.ts';

export type SearchTerms = SavedSearch['terms'];

/** A listening account's saved searches, paused ones too, oldest first. */
export const searchesQuery = (accountId: string) =>
  queryOptions({
    queryKey: keys.searches(accountId),
    queryFn: async () =>
      (await data<{ items: SavedSearch[] }>(client.GET('/api/v1/channel-accounts/{id}/searches', { params: { path: { id: accountId } } })))
        .items,
  });

/** Terms with nothing in them, for a new search: reposts and the brand's own posts left out. */
export const EMPTY_TERMS: SearchTerms = {
  keywords: [],
  phrases: [],
  hashtags: [],
  anyOf: [],
  exclude: [],
  language: null,
  excludeRetweets: true,
  excludeOwnPosts: true,
};
