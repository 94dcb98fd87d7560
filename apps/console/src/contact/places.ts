/** Every IANA timezone the browser knows, for the contact's timezone field. */
export function timezones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

export function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function isLocaleTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

// Region codes that name no country (groupings, private use, "unknown").
const NOT_COUNTRIES = new Set([
  'EU',
  'EZ',
  'UN',
  'ZZ',
  'QO',
  'XA',
  'XB',
  'XK',
  'AN',
  'BU',
  'CS',
  'DD',
  'FX',
  'NT',
  'SU',
  'TP',
  'YD',
  'YU',
  'ZR',
]);

/** ISO 3166 countries named in the console's language ("España (ES)"), sorted by that name. */
export function countries(lang: string): { value: string; label: string }[] {
  const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
  const out: { value: string; label: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code) || code.startsWith('Q') || code.startsWith('X')) continue;
      const name = names.of(code);
      if (name && name !== code) out.push({ value: code, label: `${name} (${code})` });
    }
  }
  return out.sort((x, y) => x.label.localeCompare(y.label, lang));
}

/** Language tags offered as suggestions; any valid BCP 47 tag may be typed. */
export const COMMON_LOCALES = [
  'es',
  'es-ES',
  'es-MX',
  'es-AR',
  'es-CO',
  'ca',
  'eu',
  'gl',
  'en',
  'en-GB',
  'en-US',
  'pt',
  'pt-BR',
  'fr',
  'de',
  'it',
];

/** A language tag in words in the console's language ("español (México)"). */
export function localeName(tag: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
