import { Group, Select, Text } from '@mantine/core';
import type { ReplyChannel } from '../api/types.ts';
import { channelName, iconSource, useChannels } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';

/**
 * Which account the reply goes out on, where the conversation can go out on more than one: the
 * customer's latest by default, or any other the contact can be reached on, each with the
 * channel's icon and name and the customer's address there. Choosing one makes the composer
 * read that account's options, so the limit, window and visibilities follow it.
 */
export function ReplyChannelPicker({
  channels,
  value,
  onChange,
}: {
  channels: readonly ReplyChannel[];
  value: string;
  onChange(accountId: string): void;
}) {
  const { t, lang } = useT();
  const channelOf = useChannels();
  if (channels.length < 2) return null;
  const kindName = (c: ReplyChannel) => {
    const kind = channelOf(c.channelAccountId).kind;
    return kind ? channelName(kind, lang) : c.kind;
  };
  const byId = new Map(channels.map((c) => [c.channelAccountId, c]));
  // The box says where; the list says which one the customer wrote on last.
  const label = (c: ReplyChannel) => [c.accountName, kindName(c), c.address].filter(Boolean).join(' · ');
  const icon = (accountId: string) => {
    const kind = channelOf(accountId).kind;
    return kind ? <img src={iconSource(kind.icon)} alt="" width={14} height={14} /> : null;
  };
  return (
    <Select
      size="xs"
      w={260}
      maw="100%"
      aria-label={t('handoff.replyOn.label')}
      value={value}
      allowDeselect={false}
      onChange={(v) => v && onChange(v)}
      data={channels.map((c) => ({ value: c.channelAccountId, label: label(c) }))}
      leftSection={icon(value)}
      renderOption={({ option }) => {
        const c = byId.get(option.value);
        return (
          <Group gap={6} wrap="nowrap">
            {icon(option.value)}
            <div style={{ minWidth: 0 }}>
              <Text size="xs" fw={600} style={{ overflowWrap: 'anywhere' }}>
                {c ? `${c.accountName} · ${kindName(c)}` : option.label}
              </Text>
              {c && (c.address || c.latest) && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {[c.address, c.latest ? t('handoff.replyOn.latest') : null].filter(Boolean).join(' · ')}
                </Text>
              )}
            </div>
          </Group>
        );
      }}
      comboboxProps={{ withinPortal: true }}
      data-testid="reply-channel"
    />
  );
}
