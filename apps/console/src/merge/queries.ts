import { queryOptions, useQueryClient } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { ContactMerge, InboxRow, MergeSuggestion } from '../api/types.ts';

/** The open merge suggestions with this contact on either side, newest first. */
export const suggestionsQuery = (contactId: string) =>
  queryOptions({
    queryKey: keys.mergeSuggestions(contactId),
    queryFn: async () =>
      (
        await data<{ items: MergeSuggestion[] }>(
          client.GET('/api/v1/merge-suggestions', { params: { query: { status: 'open', contactId } } }),
        )
      ).items,
    staleTime: 30_000,
  });

/** The merges this contact took part in, as source or target, newest first, undone ones included. */
export const mergesQuery = (contactId: string) =>
  queryOptions({
    queryKey: keys.merges(contactId),
    queryFn: async () =>
      (await data<{ items: ContactMerge[] }>(client.GET('/api/v1/contacts/{id}/merges', { params: { path: { id: contactId } } }))).items,
    staleTime: 30_000,
  });

export const acceptSuggestion = (id: string) =>
  data<{ merge: ContactMerge }>(client.POST('/api/v1/merge-suggestions/{id}/accept', { params: { path: { id } } }));

export const dismissSuggestion = (id: string) =>
  data<{ suggestion: MergeSuggestion }>(client.POST('/api/v1/merge-suggestions/{id}/dismiss', { params: { path: { id } } }));

/** Merges `sourceContactId` into `targetContactId`: the source's identities, conversations and notes move there. */
export const mergeContacts = (targetContactId: string, sourceContactId: string) =>
  data<{ merge: ContactMerge }>(
    client.POST('/api/v1/contacts/{id}/merge', { params: { path: { id: targetContactId } }, body: { sourceContactId } }),
  );

export const undoMerge = (id: string) =>
  data<{ merge: ContactMerge }>(client.POST('/api/v1/contact-merges/{id}/undo', { params: { path: { id } } }));

/**
 * After a merge, an undo or a decision, whatever shows contacts and conversations is stale: the
 * contacts (their identities, conversations, suggestions, merges), open conversations (a folded
 * one, a contact that changed) and the inbox's rows.
 */
export function useMergeSettled(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['contact'] }),
      queryClient.invalidateQueries({ queryKey: ['conversation'] }),
      queryClient.invalidateQueries({ queryKey: keys.conversations }),
    ]);
  };
}

/** A contact found by name or address, for "Merge with…". */
export interface FoundContact {
  id: string;
  name: string | null;
  handle: string | null;
}

/**
 * Contacts whose name or address holds `q`, through the conversations' search (the API has no
 * contact search of its own): each contact once, the one being merged into left out.
 */
export async function searchContacts(q: string, except: string): Promise<FoundContact[]> {
  const page = await data<{ items: InboxRow[] }>(client.GET('/api/v1/conversations', { params: { query: { q, limit: 50 } } }));
  const found = new Map<string, FoundContact>();
  for (const row of page.items) {
    if (row.contact.id !== except && !found.has(row.contact.id)) found.set(row.contact.id, row.contact);
  }
  return [...found.values()].map(({ id, name, handle }) => ({ id, name, handle }));
}
