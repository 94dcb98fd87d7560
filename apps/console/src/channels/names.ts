import { useQuery } from '@tanstack/react-query';
import { channelKindsQuery } from '../api/queries.ts';
import type { ChannelKind, Visibility } from '../api/types.ts';
import { type Lang, useT } from '../i18n/index.tsx';

/** A channel kind in the console's language: its adapter's own words, English where it has none. */
export interface LocalKind {
  kind: string;
  displayName: string;
  icon: string;
  fields: ChannelKind['fields'];
  visibilityLabels: Record<Visibility, string>;
  source: ChannelKind;
}

export function localKind(k: ChannelKind, lang: Lang): LocalKind {
  const words = lang === 'en' ? undefined : k.locales?.[lang];
  return {
    kind: k.kind,
    displayName: words?.displayName ?? k.displayName,
    icon: k.icon,
    fields: k.fields.map((f) => ({
      ...f,
      label: words?.fields?.[f.name]?.label ?? f.label,
      help: words?.fields?.[f.name]?.help ?? f.help,
    })),
    visibilityLabels: { ...k.visibilityLabels, ...words?.visibilities },
    source: k,
  };
}

/** Looks up installed channel kinds, in the console's language (null for a kind not installed). */
export function useChannelKinds(): (kind: string | null | undefined) => LocalKind | null {
  const { lang } = useT();
  const kinds = useQuery(channelKindsQuery).data ?? [];
  return (kind) => {
    const k = kinds.find((x) => x.kind === kind);
    return k ? localKind(k, lang) : null;
  };
}

/**
 * What a channel is called in the console's language ("Formulario web"), as its adapter names it;
 * the raw kind only while the kinds load or for a kind this server no longer has.
 */
export function useChannelName(kind: string | null | undefined): string {
  const find = useChannelKinds();
  return find(kind)?.displayName ?? kind ?? '';
}

/** An adapter's SVG icon as an image source: drawn as an image, it cannot run anything. */
export function iconSource(icon: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(icon)}`;
}
