import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { client, data } from '../api/client.ts';
import { agentsQuery, keys } from '../api/queries.ts';
import type { Message } from '../api/types.ts';
import { handoffsQuery } from '../handoff/queries.ts';
import { ChannelSwitch, HandoffMarker } from '../handoff/TimelineMarks.tsx';
import { buildTimeline } from '../handoff/timeline.ts';
import { useT } from '../i18n/index.tsx';
import { useChannels } from './channel.tsx';
import { MessageItem } from './MessageItem.tsx';
import { messagesQuery } from './queries.ts';

/** How many of the latest messages show at first, and how many more each "earlier" click adds. */
const WINDOW = 50;

/**
 * The conversation's timeline across channels, latest at the bottom, following new messages,
 * with a divider wherever the channel changes and a marker for each handoff sent or joined.
 * `quoteOf` gives the Quote action of a message the next reply may quote (none where the channel
 * cannot quote); a reply that quoted one shows it above its text.
 */
export function MessageList({
  conversationId,
  contactName,
  quoteOf,
}: {
  conversationId: string;
  contactName: string;
  quoteOf?: (m: Message) => (() => void) | undefined;
}) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const messages = useQuery(messagesQuery(conversationId));
  const agents = useQuery(agentsQuery).data ?? [];
  const handoffs = useQuery(handoffsQuery(conversationId)).data ?? [];
  const channelOf = useChannels();
  const [shown, setShown] = useState(WINDOW);
  const end = useRef<HTMLDivElement>(null);
  const items = messages.data?.items ?? [];
  const count = items.length;
  // A reply names the message it quoted by the channel's id for it (`metadata.quotedExternalId`).
  const byExternalId = useMemo(
    () => new Map(items.filter((m) => m.direction === 'inbound' && m.externalId).map((m) => [m.externalId as string, m])),
    [items],
  );

  // A new message (theirs or ours) brings the view down to it, as chat tools do.
  useEffect(() => {
    if (count > 0) end.current?.scrollIntoView({ block: 'end' });
  }, [count]);

  const retry = useMutation({
    mutationFn: (m: Message) =>
      data<{ message: Message }>(
        client.POST('/api/v1/conversations/{id}/messages/{messageId}/retry', { params: { path: { id: conversationId, messageId: m.id } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.messages(conversationId) }),
  });

  if (messages.isPending) {
    return (
      <Center p="xl">
        <Loader size="sm" aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (messages.isError) {
    return (
      <Text c="red" p="md" role="alert">
        {t('app.error', { message: messages.error.message })}
      </Text>
    );
  }
  const hidden = Math.max(0, count - shown);
  const entries = buildTimeline(items.slice(hidden), handoffs, hidden > 0);
  return (
    <Stack gap="sm" p="sm">
      {hidden > 0 && (
        <Button variant="subtle" size="xs" onClick={() => setShown((n) => n + WINDOW)} w="fit-content" mx="auto">
          {t('conversation.message.earlier', { count: hidden })}
        </Button>
      )}
      {count === 0 && (
        <Text c="dimmed" ta="center" size="sm">
          {t('conversation.message.none')}
        </Text>
      )}
      <Stack gap="sm" component="ol" data-testid="timeline" className="plain-list" aria-label={t('conversation.message.timeline')}>
        {entries.map((e) => {
          if (e.kind === 'switch') return <ChannelSwitch key={e.key} channel={channelOf(e.channelAccountId)} handoff={e.handoff} />;
          if (e.kind !== 'message') {
            return (
              <HandoffMarker
                key={e.key}
                kind={e.kind}
                handoff={e.handoff}
                channel={channelOf(e.handoff.channelAccountId)}
                agents={agents}
              />
            );
          }
          const m = e.message;
          return (
            <MessageItem
              key={e.key}
              message={m}
              channel={channelOf(m.channelAccountId)}
              contactName={contactName}
              agents={agents}
              onRetry={(x) => retry.mutate(x)}
              onQuote={quoteOf?.(m)}
              quoted={quotedIn(m, byExternalId)}
            />
          );
        })}
      </Stack>
      <div ref={end} />
    </Stack>
  );
}

/** The customer message a reply quoted, when it is among the loaded messages. */
function quotedIn(m: Message, byExternalId: Map<string, Message>): Message | undefined {
  const id = m.direction === 'outbound' ? m.metadata?.quotedExternalId : undefined;
  return typeof id === 'string' ? byExternalId.get(id) : undefined;
}
