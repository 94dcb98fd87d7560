import { useQuery } from '@tanstack/react-query';
import { channelKindsQuery } from '../api/queries.ts';
import type { ChannelKind } from '../api/types.ts';
import { type Lang, useT } from '../i18n/index.tsx';

/** The adapter's own SVG as an image: never inserted as markup, so it cannot run anything. */
export function iconSource(icon: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(icon)}`;
}

/** What the adapter calls its channel in this language ("Formulario web"), else its own name. */
export function channelName(k: ChannelKind, lang: Lang): string {
  return (lang === 'en' ? undefined : k.locales?.[lang]?.displayName) ?? k.displayName;
}

export function useChannelKinds(): ChannelKind[] {
  return useQuery(channelKindsQuery).data ?? [];
}

/** A channel as its adapter presents it: its icon, with the display name as the accessible name. */
export function ChannelIcon({ kind, kinds, size = 14 }: { kind: string | null; kinds: ChannelKind[]; size?: number }) {
  const { lang } = useT();
  const k = kinds.find((x) => x.kind === kind);
  if (!k) return null;
  const name = channelName(k, lang);
  return <img src={iconSource(k.icon)} alt={name} title={name} width={size} height={size} className="channel-icon" />;
}
