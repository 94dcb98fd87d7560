import type { useT } from '../i18n/index.tsx';

type T = ReturnType<typeof useT>['t'];

const KNOWN_KINDS = ['email', 'phone', 'webform', 'x', 'whatsapp'] as const;

/** An identity's kind in words where the console knows it, else as the channel reported it. */
export function identityKind(kind: string, t: T): string {
  return (KNOWN_KINDS as readonly string[]).includes(kind) ? t(`contact.kind.${kind as (typeof KNOWN_KINDS)[number]}`) : kind;
}
