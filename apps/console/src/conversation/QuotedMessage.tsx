import { CloseButton, Group, Stack, Text } from '@mantine/core';
import type { Message } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

/** A customer message the agent chose to quote in the next reply, with who wrote it. */
export interface Quote {
  message: Message;
  author: string;
}

/** What a quote shows of a message: its first line with text, else its first file's name. */
export function firstLine(m: Message): string {
  const line = m.text.split('\n').find((l) => l.trim() !== '');
  return line?.trim() ?? m.attachments[0]?.filename ?? '';
}

/**
 * A quoted message as the customer's app shows it above a reply: the author and the first line,
 * cut to one line so a long message never pushes the composer or the reply out of sight. In the
 * composer it has a ✕ to drop the quote.
 */
export function QuotedMessage({ quote, onDrop, testId }: { quote: Quote; onDrop?: () => void; testId: string }) {
  const { t } = useT();
  return (
    <Group
      gap="xs"
      wrap="nowrap"
      className="quoted-message"
      data-testid={testId}
      role="group"
      aria-label={t('conversation.quote.quoted', { name: quote.author })}
    >
      <Stack gap={0} className="quoted-message-body">
        <Text size="xs" fw={600} truncate="end" data-testid="quote-author">
          {quote.author}
        </Text>
        <Text size="xs" c="dimmed" truncate="end" data-testid="quote-text">
          {firstLine(quote.message) || t('conversation.quote.empty')}
        </Text>
      </Stack>
      {onDrop && <CloseButton size="sm" onClick={onDrop} aria-label={t('conversation.quote.drop')} data-testid="quote-drop" />}
    </Group>
  );
}
