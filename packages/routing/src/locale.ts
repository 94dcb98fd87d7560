import { getCountry } from 'countries-and-timezones';
import { detect } from 'tinyld';
import { isValidTimezone } from './schedule.ts';

/**
 * The zone most of a multi-zone country's people live in. The country list gives zones in
 * alphabetical order (Spain's first is Africa/Ceuta), which would put a Madrid customer an hour off.
 */
const MAIN_ZONE: Record<string, string> = {
  AR: 'America/Argentina/Buenos_Aires',
  AU: 'Australia/Sydney',
  BR: 'America/Sao_Paulo',
  CA: 'America/Toronto',
  CL: 'America/Santiago',
  CN: 'Asia/Shanghai',
  DE: 'Europe/Berlin',
  EC: 'America/Guayaquil',
  ES: 'Europe/Madrid',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  ID: 'Asia/Jakarta',
  IN: 'Asia/Kolkata',
  MX: 'America/Mexico_City',
  NZ: 'Pacific/Auckland',
  PT: 'Europe/Lisbon',
  RU: 'Europe/Moscow',
  US: 'America/New_York',
};

/**
 * Whether `code` names a country (ISO 3166-1 alpha-2, "ES") or a subdivision of one in the
 * ISO 3166-2 shape ("ES-CT"); the country part must be a known country, case ignored.
 */
export function isCountryCode(code: string): boolean {
  const m = /^([A-Za-z]{2})(?:-[A-Za-z0-9]{1,3})?$/.exec(code);
  return m !== null && getCountry((m[1] as string).toUpperCase() as Parameters<typeof getCountry>[0]) !== null;
}

export type TimezoneSource = 'channel' | 'country' | 'team' | 'default';

/**
 * A customer's timezone: the one the channel gave, else their country's main zone, else the
 * team's, else the workspace default.
 */
export function customerTimezone(input: { channel?: string | null; country?: string | null; team?: string | null; fallback: string }): {
  timezone: string;
  source: TimezoneSource;
} {
  if (input.channel && isValidTimezone(input.channel)) return { timezone: input.channel, source: 'channel' };
  if (input.country) {
    const code = input.country.toUpperCase();
    const zone = MAIN_ZONE[code] ?? getCountry(code as Parameters<typeof getCountry>[0])?.timezones[0];
    if (zone && isValidTimezone(zone)) return { timezone: zone, source: 'country' };
  }
  if (input.team && isValidTimezone(input.team)) return { timezone: input.team, source: 'team' };
  return { timezone: input.fallback, source: 'default' };
}

/**
 * Guesses the language of a customer's text (lower-case ISO 639-1), or null when the text is
 * too short to tell. `among` limits the guess to languages someone can answer in: a short
 * "my bill is wrong" is otherwise read as Afrikaans.
 */
export function detectLanguage(text: string, among: readonly string[] = DEFAULT_LANGUAGES): string | null {
  if (text.trim().length < 8) return null;
  if (among.length === 1) return among[0] ?? null;
  const guess = detect(text, { only: [...among] });
  return guess === '' ? null : guess;
}

export const DEFAULT_LANGUAGES: readonly string[] = ['en', 'es', 'pt', 'fr', 'de', 'it', 'ca', 'nl'];
