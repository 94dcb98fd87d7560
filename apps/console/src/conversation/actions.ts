import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/queries.ts';
import type { Conversation } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

/**
 * A change to the conversation: the answer replaces it in the cache at once (the live event
 * that follows says the same), lists refetch, and a refusal is said in a notification.
 */
export function useConversationAction<V>(conversationId: string, call: (v: V) => Promise<{ conversation: Conversation }>) {
  const queryClient = useQueryClient();
  const { t } = useT();
  return useMutation({
    mutationFn: call,
    onSuccess: ({ conversation }) => {
      queryClient.setQueryData(keys.conversation(conversationId), conversation);
      void queryClient.invalidateQueries({ queryKey: keys.conversations });
    },
    onError: (err) => notifications.show({ color: 'red', message: t('app.error', { message: err.message }) }),
  });
}
