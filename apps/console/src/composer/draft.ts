import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { client } from '../api/client.ts';
import { type Answer, type Draft, draftKey } from '../conversation/queries.ts';

export type DraftFields = Pick<Draft, 'kind' | 'text' | 'visibility' | 'allowSplit'>;

/** How long the agent pauses before what they typed is saved. */
const SAVE_AFTER_MS = 600;

// Saves still on their way, by conversation: reading a draft waits for them, so coming straight
// back to a conversation shows what was typed last, not the save before it.
const saving = new Map<string, Promise<unknown>>();

function put(conversationId: string, d: DraftFields): Promise<unknown> {
  const call = client
    .PUT('/api/v1/conversations/{id}/draft', {
      params: { path: { id: conversationId } },
      body: { text: d.text, kind: d.kind, visibility: d.visibility, allowSplit: d.allowSplit },
    })
    .catch(() => undefined)
    .finally(() => {
      if (saving.get(conversationId) === call) saving.delete(conversationId);
    });
  saving.set(conversationId, call);
  return call;
}

/** Waits for a save on its way, so a message posted after it is not followed by a stale draft. */
export function draftSettled(conversationId: string): Promise<unknown> {
  return saving.get(conversationId) ?? Promise.resolve();
}

/**
 * The agent's draft in this conversation, kept on the server (GET/PUT/DELETE /draft) so it
 * follows them to another tab or computer: loaded once, saved a moment after they stop typing
 * and when they leave, and forgotten once sent (the server drops it when the message is posted).
 */
export function useDraft(conversationId: string) {
  const queryClient = useQueryClient();
  const loaded = useQuery({
    queryKey: draftKey(conversationId),
    queryFn: async () => {
      await saving.get(conversationId);
      const { data: body } = await client.GET('/api/v1/conversations/{id}/draft', { params: { path: { id: conversationId } } });
      return (body as Answer<'/api/v1/conversations/{id}/draft', 'get'>).draft;
    },
    // What this agent typed changes only here: never refetched under their fingers.
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
  const pending = useRef<DraftFields | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const d = pending.current;
    pending.current = null;
    if (d) void put(conversationId, d);
  }, [conversationId]);

  useEffect(() => flush, [flush]);

  const save = useCallback(
    (d: DraftFields) => {
      pending.current = d;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, SAVE_AFTER_MS);
    },
    [flush],
  );

  /** After sending: nothing left to save, and nothing to restore. */
  const sent = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
    queryClient.setQueryData(draftKey(conversationId), null);
  }, [conversationId, queryClient]);

  return { draft: loaded.data, ready: !loaded.isPending, save, sent };
}
