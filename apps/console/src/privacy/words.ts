import type { PiiType } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

/** The types found, in words of the console's language: "a DNI and an IBAN", "un DNI y un IBAN". */
export function useTypesInWords(): (types: readonly PiiType[]) => string {
  const { t, lang } = useT();
  const list = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });
  return (types) => list.format([...new Set(types)].map((type) => t(`privacy.types.${type}`)));
}
