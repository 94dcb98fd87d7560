import { useQueryClient } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { paths } from '../api/schema.ts';
import type { Message } from '../api/types.ts';
import { draftSettled } from './draft.ts';

/** What POST /conversations/:id/messages takes: a reply (free text or a template) or a note. */
export type MessageBody = NonNullable<paths['/api/v1/conversations/{id}/messages']['post']['requestBody']>['content']['application/json'];

/**
 * Posts a message on the conversation and puts it in the timeline at once (the live event that
 * follows finds it there). A draft save still on its way lands first, so none follows the message.
 */
export function usePostMessage(conversationId: string): (body: MessageBody) => Promise<Message> {
  const queryClient = useQueryClient();
  return async (body) => {
    await draftSettled(conversationId);
    const res = await data<{ message: Message }>(
      client.POST('/api/v1/conversations/{id}/messages', { params: { path: { id: conversationId } }, body }),
    );
    queryClient.setQueryData<{ items: Message[] }>(keys.messages(conversationId), (old) =>
      old && !old.items.some((m) => m.id === res.message.id) ? { ...old, items: [...old.items, res.message] } : old,
    );
    return res.message;
  };
}
