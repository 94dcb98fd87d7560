import { type InfiniteData, type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { countsQuery, keys } from '../api/queries.ts';
import type { Conversation, InboxRow, Page } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { useLiveEvents } from '../live/live.tsx';
import { isOwnChange } from './own.ts';
import { beep, notificationPermission, useSoundSetting } from './settings.ts';

/** "(3) Centralita": the open conversations assigned to the signed-in user. */
export function useTabTitle(appName: string): void {
  const mine = useQuery(countsQuery).data?.open.mine ?? 0;
  useEffect(() => {
    document.title = mine > 0 ? `(${mine}) ${appName}` : appName;
  }, [mine, appName]);
}

/** The row the lists hold for a conversation, for its contact's name. */
function rowOf(queryClient: QueryClient, id: string): InboxRow | undefined {
  for (const [, data] of queryClient.getQueriesData<InfiniteData<Page<InboxRow>>>({ queryKey: [...keys.conversations, 'list'] })) {
    for (const page of data?.pages ?? []) {
      const row = page.items.find((r) => r.id === id);
      if (row) return row;
    }
  }
  return undefined;
}

/**
 * A desktop notification (when the agent allowed them) and an optional beep for what is theirs
 * to do: a conversation newly assigned to them, a customer writing in one of theirs. Nothing for
 * the conversation on screen while the tab is visible, nor for what the agent did themselves.
 */
export function useAttentionAlerts(myUserId: string | null): void {
  const { t } = useT();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [sound] = useSoundSetting();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const state = useRef({ sound, path });
  state.current = { sound, path };
  const assignee = useRef(new Map<string, string | null>());

  useLiveEvents((event) => {
    if (!myUserId) return;
    let conversation: Pick<Conversation, 'id' | 'subject'> | null = null;
    let kind: 'assigned' | 'message' | null = null;
    if (event.type === 'conversation') {
      const c = event.conversation;
      const before = assignee.current.has(c.id) ? assignee.current.get(c.id) : rowOf(queryClient, c.id)?.assignee?.id;
      assignee.current.set(c.id, c.assigneeId);
      const fresh = c.routing.assignedAt !== null && Date.now() - new Date(c.routing.assignedAt).getTime() < 60_000;
      if (c.assigneeId === myUserId && before !== myUserId && (before !== undefined || fresh) && !isOwnChange(c.id)) {
        conversation = c;
        kind = 'assigned';
      }
    } else if (event.type === 'message' && event.created && event.message.direction === 'inbound') {
      const mine =
        assignee.current.get(event.conversationId) ??
        queryClient.getQueryData<Conversation>(keys.conversation(event.conversationId))?.assigneeId ??
        rowOf(queryClient, event.conversationId)?.assignee?.id;
      if (mine === myUserId) {
        conversation = { id: event.conversationId, subject: event.message.subject };
        kind = 'message';
      }
    }
    if (!conversation || !kind) return;
    const onScreen = document.visibilityState === 'visible' && state.current.path.endsWith(`/${conversation.id}`);
    if (onScreen) return;
    const row = rowOf(queryClient, conversation.id);
    const name = row?.contact.name ?? conversation.subject ?? t('app.name');
    const title = kind === 'assigned' ? t('palette.notifications.newAssigned', { name }) : t('palette.notifications.newMessage', { name });
    if (state.current.sound) beep();
    if (notificationPermission() === 'granted') {
      const id = conversation.id;
      const n = new Notification(title, { body: row?.preview ?? conversation.subject ?? '', tag: `${kind}:${id}` });
      n.onclick = () => {
        window.focus();
        void navigate({ to: '/inbox/$view/$conversationId', params: { view: 'mine', conversationId: id } });
        n.close();
      };
    }
  });
}
