import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * The identity kind of a phone number in E.164 (`+34600123456`), shared by every channel that
 * reaches a phone (WhatsApp today, SMS and voice later), so one number is one identity whichever
 * channel brought it.
 */
export const PHONE_IDENTITY = 'phone';

/**
 * A phone number as E.164, or null when it is not a possible number. Digits without a `+` are
 * read as international (WhatsApp's `wa_id` is `34600123456`) unless `defaultCountry` is given,
 * which then reads national numbers (`600 12 34 56` in `ES`).
 */
export function toE164(raw: string, defaultCountry?: string): string | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 40) return null;
  const digitsOnly = /^[0-9]+$/.test(trimmed);
  // WhatsApp still writes Mexican mobiles with the mobile prefix "1" Mexico dropped in 2019
  // (521 55...); the number the network dials is +52 55....
  const mexican = digitsOnly && /^521[0-9]{10}$/.test(trimmed) ? `52${trimmed.slice(3)}` : trimmed;
  const text = digitsOnly && !defaultCountry ? `+${mexican}` : trimmed;
  // The metadata's CountryCode type is a closed union; an unknown code is simply not applied.
  const parsed = parsePhoneNumberFromString(text, defaultCountry?.toUpperCase() as Parameters<typeof parsePhoneNumberFromString>[1]);
  if (!parsed?.isPossible()) return null;
  return parsed.number;
}

/**
 * The ISO 3166-1 country of an E.164 number (`+34...` is `ES`; `+1 212...` is `US`), or null when
 * the number does not say (a shared calling code it cannot resolve, an invalid number).
 */
export function phoneCountry(e164: string): string | null {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed?.country ?? null;
}
