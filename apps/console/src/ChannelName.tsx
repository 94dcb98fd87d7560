import { type ChannelKind, iconSource } from './api.ts';
import type { Key } from './i18n.tsx';

/** A channel as its adapter presents it (icon and display name), never its raw kind when known. */
export function ChannelName({ kinds, kind }: { kinds: ChannelKind[]; kind: string | null }) {
  const k = kinds.find((x) => x.kind === kind);
  if (!k) return <span>{kind ?? ''}</span>;
  return (
    <span className="channel-name">
      <img src={iconSource(k.icon)} alt="" width={14} height={14} /> {k.displayName}
    </span>
  );
}

/** What a visibility is called on a channel ("Direct message"), else the console's own word. */
export function visibilityLabel(
  kinds: ChannelKind[],
  kind: string | null,
  visibility: 'public' | 'private',
  t: (k: Key) => string,
): string {
  return kinds.find((x) => x.kind === kind)?.visibilityLabels?.[visibility] ?? t(visibility);
}
