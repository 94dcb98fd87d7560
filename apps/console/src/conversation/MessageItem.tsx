import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import type { Agent, Message } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { IncidentMessageMark } from '../incidents/marks.tsx';
import { HighlightedText } from '../privacy/HighlightedText.tsx';
import { MessagePrivacy } from '../privacy/MessagePrivacy.tsx';
import { type ChannelInfo, ChannelName, channelName, hasBothVisibilities, visibilityLabel } from './channel.tsx';
import { EmailBody } from './EmailBody.tsx';
import { QuotedMessage } from './QuotedMessage.tsx';

interface Props {
  message: Message;
  channel: ChannelInfo;
  contactName: string;
  agents: Agent[];
  onRetry: (m: Message) => void;
  /** Quotes this message in the next reply; absent where it cannot be quoted. */
  onQuote?: (() => void) | undefined;
  /** The customer message this reply quoted. */
  quoted?: Message | undefined;
}

const DELIVERY_COLOR = { queued: 'gray', sent: 'blue', delivered: 'teal', read: 'green', failed: 'red' } as const;

/**
 * One message with who wrote it and where. A note is marked as internal and never has a
 * delivery state (it goes nowhere); the visibility is named only on channels that have both,
 * since on a private-only channel (the web form) "Private" on every message says nothing.
 */
export function MessageItem({ message: m, channel, contactName, agents, onRetry, onQuote, quoted }: Props) {
  const { t, lang } = useT();
  const note = m.direction === 'note';
  const inbound = m.direction === 'inbound';
  const sender = senderName(m, contactName, agents, t);
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(m.createdAt));
  const delivery = m.direction === 'outbound' && m.deliveryState !== 'received' ? m.deliveryState : null;
  // A queued reply the channel holds back (a spent budget) says why, not just "queued".
  const held = delivery === 'queued' && m.holdReason ? m.holdReason : null;
  const link = !note ? webLink(m.metadata) : null;
  return (
    <Paper
      component="li"
      data-testid="message"
      data-direction={m.direction}
      withBorder
      p="sm"
      radius="md"
      className={`message message-${m.direction}`}
      bg={note ? 'var(--mantine-color-yellow-light)' : inbound ? undefined : 'var(--mantine-color-indigo-light)'}
    >
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap" justify="space-between">
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600} data-testid="message-sender">
              {sender}
            </Text>
            {note && (
              <Badge color="yellow" variant="filled" size="sm" data-testid="note-label">
                {t('conversation.message.note')}
              </Badge>
            )}
            {m.automated && (
              <Badge color="gray" variant="light" size="sm">
                {t(`conversation.message.automated.${m.automated}`)}
              </Badge>
            )}
            <IncidentMessageMark metadata={m.metadata} />
            {!note && <ChannelName channel={channel} />}
            {!note && hasBothVisibilities(channel) && (
              <Badge variant="outline" size="sm" color="gray" data-testid="message-visibility">
                {visibilityLabel(channel, m.visibility, lang, t(`visibility.${m.visibility}`))}
              </Badge>
            )}
          </Group>
          <Group gap="xs">
            {onQuote && (
              // Shown on hover or focus (always on touch screens), so every message is not loud with it.
              <Button
                size="compact-xs"
                variant="subtle"
                className="message-quote"
                onClick={onQuote}
                aria-label={t('conversation.quote.action', { name: sender })}
                data-testid="quote-action"
              >
                {t('conversation.quote.button')}
              </Button>
            )}
            {delivery && (
              <Badge variant="light" size="sm" color={held ? 'orange' : DELIVERY_COLOR[delivery]} data-testid="delivery">
                {held ? t('conversation.message.held') : t(`conversation.message.delivery.${delivery}`)}
              </Badge>
            )}
            <Text size="xs" c="dimmed" component="time" dateTime={m.createdAt}>
              {when}
            </Text>
          </Group>
        </Group>
        {quoted && <QuotedMessage quote={{ message: quoted, author: contactName }} testId="message-quoted" />}
        {m.html ? (
          <EmailBody html={m.html} />
        ) : (
          // Customer text is text: React escapes it, and line breaks are kept by CSS.
          <Text size="sm" className="message-text" data-testid="message-text">
            <HighlightedText text={m.text} findings={m.privacy?.findings} />
          </Text>
        )}
        <MessagePrivacy message={m} />
        {m.attachments.length > 0 && (
          <Stack gap={2} component="ul" aria-label={t('conversation.message.attachments')} className="plain-list">
            {m.attachments.map((a) => (
              <li key={a.id}>
                <Anchor size="sm" href={`/api/v1/attachments/${a.id}`} download={a.filename}>
                  {a.filename}
                </Anchor>{' '}
                <Text span size="xs" c="dimmed">
                  {formatSize(a.size, lang)}
                </Text>
              </li>
            ))}
          </Stack>
        )}
        {held && (
          <Text size="xs" c="orange.8" data-testid="hold-reason">
            {held}
          </Text>
        )}
        {link && channel.kind && (
          <Anchor size="xs" href={link} target="_blank" rel="noopener noreferrer" data-testid="message-link">
            {t('conversation.message.openIn', { channel: channelName(channel.kind, lang) })}
          </Anchor>
        )}
        {m.deliveryState === 'failed' && m.direction === 'outbound' && (
          <Group gap="xs">
            <Text size="xs" c="red" role="alert">
              {m.failureReason ?? t('conversation.message.failedUnknown')}
            </Text>
            <Button size="compact-xs" variant="light" color="red" onClick={() => onRetry(m)}>
              {t('conversation.message.retry')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

type T = ReturnType<typeof useT>['t'];

/** The message's own page at the channel (X: the post), when its adapter kept one: web addresses only. */
function webLink(metadata: Message['metadata']): string | null {
  const url = metadata?.url;
  return typeof url === 'string' && /^https:\/\//i.test(url) ? url : null;
}

/** Who wrote it, in words: the contact, the agent by name, or what kind of automatic message it is. */
function senderName(m: Message, contactName: string, agents: Agent[], t: T): string {
  if (m.direction === 'inbound') return contactName;
  if (m.authorType === 'agent') return agents.find((a) => a.id === m.authorId)?.name ?? t('conversation.message.anAgent');
  if (m.authorType === 'bot') return t('conversation.message.bot');
  if (m.authorType === 'system') return t('conversation.message.system');
  return contactName;
}

/** A file size in words of the current language (KB under a megabyte, MB above). */
export function formatSize(bytes: number, lang: string): string {
  const kb = bytes / 1024;
  const unit = kb >= 1024 ? 'megabyte' : 'kilobyte';
  const value = kb >= 1024 ? kb / 1024 : Math.max(1, Math.ceil(kb));
  return new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}
