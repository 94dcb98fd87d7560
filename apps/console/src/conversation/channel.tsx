import { Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { channelKindsQuery } from '../api/queries.ts';
import type { ChannelAccount, ChannelKind, Visibility } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { channelAccountsQuery } from './queries.ts';

const DEFAULT_VISIBILITY_LABELS = { public: 'Public', private: 'Private' } as const;

export type Capabilities = ChannelKind['capabilities'];

/** A channel as the console needs it for one account: its adapter's name, icon, labels and abilities. */
export interface ChannelInfo {
  account: ChannelAccount | null;
  kind: ChannelKind | null;
  capabilities: Capabilities | null;
}

/** Looks up channel accounts by id, with their kinds (both lists are cached for minutes). */
export function useChannels(): (accountId: string) => ChannelInfo {
  const accounts = useQuery(channelAccountsQuery).data ?? [];
  const kinds = useQuery(channelKindsQuery).data ?? [];
  return (accountId) => {
    const account = accounts.find((a) => a.id === accountId) ?? null;
    const kind = kinds.find((k) => k.kind === account?.kind) ?? null;
    // An account's own abilities (a polling X account) win over what its kind can do at most.
    return { account, kind, capabilities: account?.capabilities ?? kind?.capabilities ?? null };
  };
}

/** An adapter's SVG icon as an image source: drawn as an image, it cannot run anything. */
export function iconSource(icon: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(icon)}`;
}

/** The icon and display name the channel's adapter gives itself. */
export function ChannelName({ channel, size = 'xs' }: { channel: ChannelInfo; size?: 'xs' | 'sm' }) {
  const { lang } = useT();
  if (!channel.kind) return null;
  return (
    <Group gap={4} wrap="nowrap" component="span" data-testid="message-channel">
      <img src={iconSource(channel.kind.icon)} alt="" width={14} height={14} />
      <Text span size={size} c="dimmed">
        {channelName(channel.kind, lang)}
      </Text>
    </Group>
  );
}

/** Whether the channel has both visibilities, the only case where saying which one means anything. */
export function hasBothVisibilities(channel: ChannelInfo): boolean {
  return (channel.capabilities?.visibilities.length ?? 0) > 1;
}

/** The channel's name in the console's language when its adapter gives one ("Formulario web"). */
export function channelName(kind: ChannelKind, lang: string): string {
  return kind.locales?.[lang]?.displayName ?? kind.displayName;
}

/** One of the channel's own sentences (a refused reply's reason) in the console's language, by its code; null when it has none. */
export function channelMessage(kind: ChannelKind | null, code: string | undefined, lang: string): string | null {
  return (code && kind?.locales?.[lang]?.messages?.[code]) || null;
}

/** What the channel calls a visibility ("Public post"), in the console's language when it can, else the console's own word. */
export function visibilityLabel(channel: ChannelInfo, v: Visibility, lang: string, fallback: string): string {
  const own = channel.kind?.locales?.[lang]?.visibilities?.[v] ?? channel.kind?.visibilityLabels?.[v];
  // The server fills in "Public" and "Private" for adapters that name neither: ours are translated.
  return own && own !== DEFAULT_VISIBILITY_LABELS[v] ? own : fallback;
}

/** The limit a reply of this visibility has, as channel-kit's `textLimitFor` computes it on the server. */
export function textLimitFor(caps: Capabilities, visibility: Visibility): number | null {
  const own = caps.maxTextLengthByVisibility?.[visibility];
  return own === undefined ? caps.maxTextLength : own;
}
