import { queryOptions } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { paths } from '../api/schema.ts';
import type { ChannelAccount, Conversation, Message } from '../api/types.ts';

/** The JSON an operation answers with, where the server describes it (routes with a response schema). */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { [status in 200 | 201]?: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Contact = Answer<'/api/v1/contacts/{id}', 'get'>['contact'];
export type ContactNote = Answer<'/api/v1/contacts/{id}/notes', 'get'>['items'][number];
export type Draft = NonNullable<Answer<'/api/v1/conversations/{id}/draft', 'get'>['draft']>;
export interface Canned {
  id: string;
  shortcut: string;
  text: string;
}

/**
 * The conversation alone under keys.conversation (the shape live.tsx merges events into); the
 * contact has its own query, which GET /contacts/:id answers more fully.
 */
export const conversationQuery = (id: string) =>
  queryOptions({
    queryKey: keys.conversation(id),
    queryFn: async () =>
      (await data<{ conversation: Conversation }>(client.GET('/api/v1/conversations/{id}', { params: { path: { id } } }))).conversation,
  });

/** Pages through the messages a conversation has, oldest first, up to this many. */
const MESSAGES_CAP = 2_000;

/**
 * Every message, oldest first, as `{ items }` (live.tsx appends to that shape). The API pages
 * forwards only, so the pages are read in a row here and the view shows the latest first,
 * revealing older ones on request.
 */
export const messagesQuery = (id: string) =>
  queryOptions({
    queryKey: keys.messages(id),
    queryFn: async () => {
      const items: Message[] = [];
      let cursor: string | undefined;
      do {
        const page = await data<{ items: Message[]; nextCursor: string | null }>(
          client.GET('/api/v1/conversations/{id}/messages', {
            params: { path: { id }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < MESSAGES_CAP);
      return { items };
    },
  });

export const channelAccountsQuery = queryOptions({
  queryKey: keys.channelAccounts,
  queryFn: async () => (await data<{ items: ChannelAccount[] }>(client.GET('/api/v1/channel-accounts'))).items,
  staleTime: 5 * 60_000,
});

export const contactQuery = (id: string) =>
  queryOptions({
    queryKey: keys.contact(id),
    queryFn: async () => {
      const { data: body } = await client.GET('/api/v1/contacts/{id}', { params: { path: { id } } });
      return (body as Answer<'/api/v1/contacts/{id}', 'get'>).contact;
    },
  });

export const contactNotesQuery = (id: string) =>
  queryOptions({
    queryKey: [...keys.contact(id), 'notes'] as const,
    queryFn: async () => {
      const { data: body } = await client.GET('/api/v1/contacts/{id}/notes', { params: { path: { id } } });
      return (body as Answer<'/api/v1/contacts/{id}/notes', 'get'>).items;
    },
  });

export const draftKey = (id: string) => ['draft', id] as const;

export const cannedQuery = (q: string) =>
  queryOptions({
    queryKey: ['canned-responses', q] as const,
    queryFn: async () =>
      (await data<{ items: Canned[] }>(client.GET('/api/v1/canned-responses', { params: { query: q ? { q } : {} } }))).items,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
