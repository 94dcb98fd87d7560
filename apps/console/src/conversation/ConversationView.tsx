import './strings.ts';
import './conversation.css';
import { Alert, Button, Center, Drawer, Group, Loader, Stack, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { client } from '../api/client.ts';
import { agentsQuery, meQuery } from '../api/queries.ts';
import type { Conversation, Me, Message } from '../api/types.ts';
import { Composer } from '../composer/Composer.tsx';
import { ContactPanel } from '../contact/ContactPanel.tsx';
import { HandoffProvider } from '../handoff/context.tsx';
import { HandoffList } from '../handoff/HandoffList.tsx';
import { useHandoffsFollow } from '../handoff/queries.ts';
import { useT } from '../i18n/index.tsx';
import { ConversationHeader } from './ConversationHeader.tsx';
import { CostBadge } from './Cost.tsx';
import { useChannels } from './channel.tsx';
import { MessageList } from './MessageList.tsx';
import { usePresence } from './presence.ts';
import type { Quote } from './QuotedMessage.tsx';
import { contactQuery, conversationQuery, messagesQuery } from './queries.ts';
import { RoutingExplanation } from './RoutingExplanation.tsx';

/** One conversation: header and actions, the timeline, the composer, and the contact beside or in a drawer. */
export default function ConversationView({ conversationId }: { conversationId: string }) {
  const { t } = useT();
  const me = useSuspenseQuery(meQuery).data;
  const conversation = useQuery(conversationQuery(conversationId));
  if (conversation.isPending) {
    return (
      <Center p="xl">
        <Loader size="sm" aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (conversation.isError) {
    return (
      <Alert color="red" m="md" role="alert">
        {t('conversation.notFound')}
      </Alert>
    );
  }
  return <Loaded conversation={conversation.data} me={me} />;
}

function Loaded({ conversation: c, me }: { conversation: Conversation; me: Me }) {
  const { t } = useT();
  const wide = useMediaQuery('(min-width: 87.5em)', true);
  const phone = useMediaQuery('(max-width: 30em)', false);
  const [details, { open, close }] = useDisclosure(false);
  const contact = useQuery(contactQuery(c.contactId)).data;
  const agents = useQuery(agentsQuery).data ?? [];
  const channel = useChannels()(c.channelAccountId);
  const viewers = usePresence(c.id, me.user?.id ?? null);
  useMarkRead(c.id);
  useHandoffsFollow(c.id, c.contactId);
  const contactName =
    contact?.name ?? contact?.identities[0]?.displayName ?? contact?.identities[0]?.externalId ?? t('conversation.customer');
  const title = c.subject?.trim() || contactName;
  const [quote, setQuote] = useQuote(c.id);
  // A customer message that came on the conversation's own account, where the channel quotes (WhatsApp).
  const canQuote = channel.capabilities?.quotes === true;
  const quoteOf = (m: Message) =>
    canQuote && m.direction === 'inbound' && m.externalId !== null && m.channelAccountId === c.channelAccountId
      ? () => setQuote({ message: m, author: contactName })
      : undefined;
  const holder = c.assigneeId && c.assigneeId !== me.user?.id ? (agents.find((a) => a.id === c.assigneeId)?.name ?? null) : null;
  const aside = (
    <Stack gap="md" p="sm">
      <section>
        <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={6} component="h3">
          {t('conversation.routing.title')}
        </Text>
        <RoutingExplanation explanation={c.routing.explanation} />
      </section>
      <HandoffList conversationId={c.id} />
      <ContactPanel contactId={c.contactId} conversationId={c.id} me={me} />
    </Stack>
  );
  return (
    <HandoffProvider conversationId={c.id}>
      <div className="conversation" data-aside={wide}>
        <section className="conversation-main" aria-label={title}>
          <ConversationHeader conversation={c} title={title} me={me} />
          <Group px="sm" py={4} gap="xs" justify="space-between" wrap="wrap">
            {viewers.length > 0 ? (
              <Text size="xs" c="orange" role="status" data-testid="presence">
                {t('conversation.presence', { names: viewers.map((v) => v.name).join(', '), count: viewers.length })}
              </Text>
            ) : (
              <span />
            )}
            <Group gap="xs">
              <CostBadge conversationId={c.id} />
              {!wide && (
                <Button size="compact-xs" variant="subtle" onClick={open}>
                  {t('conversation.details')}
                </Button>
              )}
            </Group>
          </Group>
          <div className="conversation-timeline">
            <MessageList conversationId={c.id} contactName={contactName} quoteOf={quoteOf} />
          </div>
          <div className="composer-wrap">
            <Composer
              key={c.id}
              conversation={c}
              channel={channel}
              me={me}
              colleague={holder}
              quote={quote}
              onDropQuote={() => setQuote(null)}
            />
          </div>
        </section>
        {wide ? (
          <aside className="conversation-aside" aria-label={t('conversation.details')}>
            {aside}
          </aside>
        ) : (
          <Drawer opened={details} onClose={close} position="right" title={t('conversation.details')} size={phone ? '100%' : '24rem'}>
            {aside}
          </Drawer>
        )}
      </div>
    </HandoffProvider>
  );
}

/** The message the next reply quotes: none again whenever another conversation opens. */
function useQuote(conversationId: string): [Quote | null, (q: Quote | null) => void] {
  const [held, setHeld] = useState<{ conversationId: string; quote: Quote } | null>(null);
  if (held && held.conversationId !== conversationId) setHeld(null);
  const quote = held?.conversationId === conversationId ? held.quote : null;
  return [quote, (q) => setHeld(q ? { conversationId, quote: q } : null)];
}

/** Opening a conversation reads it, and so does a message arriving while it is open. */
function useMarkRead(conversationId: string) {
  const last = useQuery({ ...messagesQuery(conversationId), select: (d) => d.items.at(-1)?.id ?? null }).data;
  useEffect(() => {
    if (last === undefined) return;
    void client.POST('/api/v1/conversations/{id}/read', { params: { path: { id: conversationId } }, body: {} }).catch(() => undefined);
  }, [conversationId, last]);
}
