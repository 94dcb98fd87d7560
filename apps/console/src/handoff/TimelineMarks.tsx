import { Divider, Group, Text } from '@mantine/core';
import type { Agent, Handoff } from '../api/types.ts';
import { type ChannelInfo, channelName, iconSource } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';

/** "WhatsApp (Shop)": the channel's own name and, when it says more, the account's. */
function useWhere() {
  const { t, lang } = useT();
  return (info: ChannelInfo, fallback: Handoff['target'] | null) => {
    const kind = info.kind ? channelName(info.kind, lang) : fallback ? t(`handoff.target.${fallback}`) : '';
    const account = info.account?.name;
    return account && account !== kind ? `${kind} (${account})` : kind;
  };
}

/** Where consecutive messages change channel: "Now on WhatsApp · via handoff REF-7K2Q". */
export function ChannelSwitch({ channel, handoff }: { channel: ChannelInfo; handoff: Handoff | null }) {
  const { t } = useT();
  const where = useWhere()(channel, handoff?.target ?? null);
  const via = handoff ? (handoff.code ? t('handoff.timeline.via', { code: handoff.code }) : t('handoff.timeline.viaNoCode')) : null;
  return (
    <li data-testid="channel-switch">
      <Divider
        label={
          <Group gap={4} wrap="nowrap" component="span">
            {channel.kind && <img src={iconSource(channel.kind.icon)} alt="" width={12} height={12} />}
            <Text span size="xs" c="dimmed">
              {t('handoff.timeline.now', { channel: where })}
              {via ? ` · ${via}` : ''}
            </Text>
          </Group>
        }
        labelPosition="center"
      />
    </li>
  );
}

/** A handoff sent, or a customer who came back through one, said in the timeline between messages. */
export function HandoffMarker({
  kind,
  handoff: h,
  channel,
  agents,
}: {
  kind: 'handed_off' | 'joined';
  handoff: Handoff;
  channel: ChannelInfo;
  agents: Agent[];
}) {
  const { t, lang } = useT();
  const where = useWhere()(channel, h.target);
  const when = new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(
    new Date(kind === 'joined' && h.joinedAt ? h.joinedAt : h.createdAt),
  );
  const who =
    h.createdBy.type === 'user'
      ? (agents.find((a) => a.id === h.createdBy.id)?.name ?? t('handoff.timeline.someone'))
      : t('handoff.timeline.someone');
  const text =
    kind === 'handed_off'
      ? t('handoff.timeline.handedOff', { who, channel: where, method: t(`handoff.method.${h.method}`) })
      : h.code
        ? t('handoff.timeline.joinedCode', { channel: where, code: h.code })
        : t('handoff.timeline.joined', { channel: where });
  return (
    <li data-testid={kind === 'handed_off' ? 'handoff-marker' : 'handoff-joined-marker'} className="timeline-marker">
      <Text size="xs" c="dimmed" ta="center">
        {text}
        {kind === 'handed_off' && h.code ? ` · ${h.code}` : ''} ·{' '}
        <time dateTime={kind === 'joined' && h.joinedAt ? h.joinedAt : h.createdAt}>{when}</time>
      </Text>
    </li>
  );
}
