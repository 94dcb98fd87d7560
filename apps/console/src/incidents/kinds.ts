import type { ChannelKind } from '../api/types.ts';
import type { Lang } from '../i18n/index.tsx';
import { channelName } from '../inbox/ChannelIcon.tsx';

/** A channel kind as its adapter names it in this language ("Formulario web"), else the kind itself. */
export function kindName(kind: string | null, kinds: readonly ChannelKind[], lang: Lang): string {
  const k = kinds.find((x) => x.kind === kind);
  return k ? channelName(k, lang) : (kind ?? '—');
}
