import { Text } from '@mantine/core';
import type { Visibility } from '../api/types.ts';
import { type ChannelInfo, channelName, textLimitFor } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';

/** What the channel allows a reply, said before the agent writes it, not after it is refused. */
export function ChannelRules({ channel, visibility }: { channel: ChannelInfo; visibility: Visibility }) {
  const { t, lang } = useT();
  const caps = channel.capabilities;
  if (!caps || !channel.kind) return null;
  const name = channelName(channel.kind, lang);
  const limit = textLimitFor(caps, visibility);
  const parts = [
    limit === null
      ? t('conversation.composer.rules.noLimit', { channel: name })
      : t('conversation.composer.rules.limit', { channel: name, limit: limit.toLocaleString(lang) }),
  ];
  if (limit !== null && caps.splitLongText) parts.push(t('conversation.composer.rules.split'));
  if (caps.replyWindowHours) parts.push(t('conversation.composer.rules.window', { count: caps.replyWindowHours }));
  if (caps.customerPortal) parts.push(t('conversation.composer.rules.portal'));
  return (
    <Text size="xs" c="dimmed" data-testid="channel-rules">
      {parts.join(' ')}
    </Text>
  );
}
