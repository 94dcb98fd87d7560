import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { channelName, useChannels } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';
import { handoffsQuery } from './queries.ts';

const STATUS_COLOR = { sent: 'blue', joined: 'green', expired: 'gray' } as const;

/**
 * The conversation's handoffs in the side panel, newest first: where to, how, the reference, and
 * whether the customer came (joined), may still come (sent, until when) or did not in time
 * (expired). Nothing shows before the first handoff.
 */
export function HandoffList({ conversationId }: { conversationId: string }) {
  const { t, lang } = useT();
  const handoffs = useQuery(handoffsQuery(conversationId)).data ?? [];
  const channelOf = useChannels();
  if (handoffs.length === 0) return null;
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={6} component="h3">
        {t('handoff.list.title')}
      </Text>
      <Stack gap={6} component="ul" className="plain-list" data-testid="handoff-list">
        {[...handoffs].reverse().map((h) => {
          const info = channelOf(h.channelAccountId);
          const where = info.kind ? channelName(info.kind, lang) : t(`handoff.target.${h.target}`);
          return (
            <Stack gap={2} component="li" key={h.id} data-testid="handoff" data-status={h.status}>
              <Group gap={6} wrap="wrap">
                <Text size="sm" fw={600}>
                  {where}
                  {info.account ? ` · ${info.account.name}` : ''}
                </Text>
                <Badge size="xs" variant="light" color={STATUS_COLOR[h.status]} data-testid="handoff-status">
                  {t(`handoff.list.status.${h.status}`)}
                </Badge>
              </Group>
              <Text size="xs">{t(`handoff.method.${h.method}`)}</Text>
              {h.code && (
                <Text size="xs" c="dimmed" data-testid="handoff-code">
                  {t('handoff.list.code', { code: h.code })}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {h.status === 'joined' && h.joinedAt
                  ? t('handoff.list.joined', { when: when.format(new Date(h.joinedAt)) })
                  : h.status === 'expired'
                    ? t('handoff.list.expired', { when: when.format(new Date(h.expiresAt)) })
                    : t('handoff.list.until', { when: when.format(new Date(h.expiresAt)) })}
              </Text>
              {h.link && /^https?:\/\//i.test(h.link) && h.status === 'sent' && (
                <Anchor size="xs" href={h.link} target="_blank" rel="noopener noreferrer" className="break-anywhere">
                  {t('handoff.list.link')}
                </Anchor>
              )}
            </Stack>
          );
        })}
      </Stack>
    </section>
  );
}
