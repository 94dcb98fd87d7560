import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { Handoff, HandoffOption } from '../api/types.ts';
import { useLiveEvents } from '../live/live.tsx';

/** Where the conversation can be handed off to now, each with how and whether (GET /handoff-options). */
export const handoffOptionsQuery = (conversationId: string) =>
  queryOptions({
    queryKey: keys.handoffOptions(conversationId),
    queryFn: async () =>
      (
        await data<{ items: HandoffOption[] }>(
          client.GET('/api/v1/conversations/{id}/handoff-options', { params: { path: { id: conversationId } } }),
        )
      ).items,
    // Read afresh each time the dialog opens: the customer may have written elsewhere since.
    staleTime: 0,
  });

/** The handoffs sent on the conversation, oldest first, with their status (sent, joined, expired). */
export const handoffsQuery = (conversationId: string) =>
  queryOptions({
    queryKey: keys.handoffs(conversationId),
    queryFn: async () =>
      (await data<{ items: Handoff[] }>(client.GET('/api/v1/conversations/{id}/handoffs', { params: { path: { id: conversationId } } })))
        .items,
    staleTime: 30_000,
  });

/**
 * Keeps the handoff list current: a customer message may be the one that joins a handoff, and a
 * colleague's handoff changes the conversation (its `conversation.updated` event). A join may
 * give the contact a new identity (the address the first mail went to), so the contact is read
 * again when one happens.
 */
export function useHandoffsFollow(conversationId: string, contactId: string): void {
  const queryClient = useQueryClient();
  const joined = useQuery({ ...handoffsQuery(conversationId), select: (hs) => hs.filter((h) => h.joinedAt !== null).length }).data;
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (joined === undefined) return;
    if (seen.current !== undefined && joined > seen.current) void queryClient.invalidateQueries({ queryKey: keys.contact(contactId) });
    seen.current = joined;
  }, [joined, contactId, queryClient]);
  useLiveEvents((e) => {
    const mine =
      (e.type === 'message' && e.conversationId === conversationId && e.created && e.message.direction === 'inbound') ||
      (e.type === 'conversation' && e.conversation.id === conversationId);
    if (mine) void queryClient.invalidateQueries({ queryKey: keys.handoffs(conversationId) });
  });
}

/** What POST /conversations/:id/handoffs takes. */
export interface HandoffRequest {
  target: HandoffOption['target'];
  channelAccountId: string;
  address?: string;
  note?: string;
}

export async function createHandoff(conversationId: string, body: HandoffRequest): Promise<Handoff> {
  const res = await data<{ handoff: Handoff }>(
    client.POST('/api/v1/conversations/{id}/handoffs', { params: { path: { id: conversationId } }, body }),
  );
  return res.handoff;
}
