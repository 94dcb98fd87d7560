import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { ReplyAlternative, ReplyOption, ReplyOptions, Visibility } from '../api/types.ts';
import { useLiveEvents } from '../live/live.tsx';

/**
 * How a reply may go on this conversation (GET /reply-options): on the account the customer
 * wrote on last, or the one the agent picked (`accountId`), the visibility it defaults to (the
 * customer's latest message's) and, for each, whether the channel allows it now, with every
 * account the reply could go out on instead (`channels`). Null when the channel is not
 * installed: the composer then goes by the capabilities alone.
 */
export const replyOptionsQuery = (conversationId: string, accountId: string | null = null) =>
  queryOptions({
    queryKey: keys.replyOptionsOn(conversationId, accountId),
    queryFn: async () => {
      try {
        return await data<ReplyOptions>(
          client.GET('/api/v1/conversations/{id}/reply-options', {
            params: { path: { id: conversationId }, query: accountId ? { channelAccountId: accountId } : {} },
          }),
        );
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    staleTime: 30_000,
  });

/**
 * The reply options, read again whenever the customer writes: a DM makes a DM the default, a new
 * post may be one the channel lets the brand answer, and a message on another channel makes that
 * one the latest.
 */
export function useReplyOptions(conversationId: string, accountId: string | null = null) {
  const queryClient = useQueryClient();
  const options = useQuery(replyOptionsQuery(conversationId, accountId));
  useLiveEvents((e) => {
    if (e.type === 'message' && e.created && e.conversationId === conversationId && e.message.direction === 'inbound') {
      void queryClient.invalidateQueries({ queryKey: keys.replyOptions(conversationId) });
    }
  });
  return {
    data: options.data ?? null,
    /** Not known yet: a reply waits for the answer rather than risk one the channel refuses. */
    pending: options.isPending,
    option: (v: Visibility): ReplyOption | null => options.data?.options.find((o) => o.visibility === v) ?? null,
    /** After the server refused a reply: its reasons may have changed since they were read. */
    refresh: () => queryClient.invalidateQueries({ queryKey: keys.replyOptions(conversationId) }),
  };
}

/** The alternatives a 422 refusal of a reply carries (`details.reply.alternatives`), if it is one. */
export function refusedAlternatives(err: unknown): ReplyAlternative[] | null {
  if (!(err instanceof ApiError) || err.status !== 422) return null;
  const reply = (err.details as unknown as { reply?: { alternatives?: ReplyAlternative[] } } | null)?.reply;
  return Array.isArray(reply?.alternatives) ? reply.alternatives : null;
}

/** The codes of a free-form reply refused because the reply window is shut (WhatsApp): only a template goes. */
export const WINDOW_CODES: readonly string[] = ['window_closed', 'no_window'];
