// Phone numbers, found and validated by libphonenumber-js (its full metadata, so "valid" means a
// number range the country has assigned, not only a plausible length).
import { type CountryCode, findPhoneNumbersInText, isSupportedCountry, Metadata } from 'libphonenumber-js/max';
import type { Candidate, Detector, ScanContext } from '../detector.ts';
import { isAlnumAt } from '../text.ts';

// Digits with what people type between and around them: "+34 612 34 56 78", "(+34) 612.345.678".
// Not "/": "612 345 678 / 699 887 766" is two numbers, and dates use it.
const STRETCH = /[+(]{0,2}\d[\d .()-]*\d/g;
/** Digits of an international number after its "+" or "00": a country code and up to 14 more (E.164). */
const INTERNATIONAL = { min: 8, max: 15 };

// Blocks of two to four digits, three or more, all split by the same separator.
const PHONE_BLOCKS = /^\d{2,4}([ .-])\d{2,4}(?:\1\d{2,4}){1,3}$/;

/** What a country's national numbers look like, from libphonenumber's metadata. */
interface NationalPlan {
  /** Digits a national number has, one more allowed for a trunk prefix ("020 7946 0958"). */
  min: number;
  max: number;
  /** The shape every valid national number has (null when the metadata does not say). */
  pattern: RegExp | null;
  trunkPrefix: string | null;
}

/** The part of libphonenumber's numbering plan we read beyond its typed surface. */
interface PlanInternals {
  possibleLengths(): number[];
  nationalNumberPattern?: () => string;
  nationalPrefix?: () => string | undefined;
}

const plans = new Map<string, NationalPlan>();

/**
 * A country's plan, cached. Only stretches of these lengths and this shape are handed to
 * libphonenumber, which costs tens of microseconds a call: "2026-712684" is not asked about.
 */
function nationalPlan(country: string): NationalPlan {
  let plan = plans.get(country);
  if (plan === undefined) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country as CountryCode);
    const numbering = metadata.numberingPlan as unknown as PlanInternals | undefined;
    const lengths = numbering?.possibleLengths() ?? [7, 15];
    // An upgrade that drops these methods only costs speed: every stretch is then asked about.
    const pattern = typeof numbering?.nationalNumberPattern === 'function' ? numbering.nationalNumberPattern() : null;
    const prefix = typeof numbering?.nationalPrefix === 'function' ? numbering.nationalPrefix() : undefined;
    plan = {
      min: Math.min(...lengths),
      max: Math.max(...lengths) + 1,
      pattern: pattern ? new RegExp(`^(?:${pattern})$`) : null,
      trunkPrefix: prefix ?? null,
    };
    plans.set(country, plan);
  }
  return plan;
}

/** Whether the digits of a national-form stretch could be a valid number of the plan. */
function couldBeNational(plan: NationalPlan, digits: string): boolean {
  if (digits.length < plan.min || digits.length > plan.max) return false;
  if (!plan.pattern) return true;
  if (plan.pattern.test(digits)) return true;
  return plan.trunkPrefix !== null && digits.startsWith(plan.trunkPrefix) && plan.pattern.test(digits.slice(plan.trunkPrefix.length));
}

function digitsOf(text: string, start: number, end: number): string {
  let digits = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += text[i];
  }
  return digits;
}

/** The parts of [start, end) no earlier candidate holds: the digits of an IBAN, card or IMEI are not asked about again. */
function unclaimed(start: number, end: number, found: readonly Candidate[]): [number, number][] {
  let pieces: [number, number][] = [[start, end]];
  for (const c of found) {
    if (c.end <= start || c.start >= end) continue;
    pieces = pieces.flatMap(([s, e]): [number, number][] => {
      if (c.end <= s || c.start >= e) return [[s, e]];
      const out: [number, number][] = [];
      if (c.start > s) out.push([s, c.start]);
      if (c.end < e) out.push([c.end, e]);
      return out;
    });
  }
  return pieces;
}

function findIn(text: string, start: number, end: number, scan: ScanContext, out: Candidate[]): void {
  const window = text.slice(start, end);
  const country = isSupportedCountry(scan.country) ? scan.country : undefined;
  for (const hit of findPhoneNumbersInText(window, country ? { defaultCountry: country } : {})) {
    if (!hit.number.isValid()) continue;
    // The window hides what surrounds it: digits glued to letters ("PK612345678ES") are a code.
    if (isAlnumAt(text, start + hit.startsAt - 1) || isAlnumAt(text, start + hit.endsAt)) continue;
    const written = window.slice(hit.startsAt, hit.endsAt);
    // Written with the country code, a number is unmistakably a phone; so it is in blocks the
    // way phones are written ("612 345 678", "612 34 56 78"). Nine digits typed together are
    // valid in Spain whenever they start with 6 to 9: a context word must confirm those.
    const international = /^\(?(?:\+|00)/.test(written);
    const alone = international ? 0.7 : PHONE_BLOCKS.test(written) ? 0.6 : 0.45;
    out.push({ type: 'phone', start: start + hit.startsAt, end: start + hit.endsAt, alone, withContext: 0.9 });
  }
}

/** Phone numbers valid for the scan's country (national form) or any country (with +code). */
export const phoneDetector: Detector = {
  name: 'phone',
  needs: 'digit',
  context: {
    positive: {
      es: [
        'movil',
        'telefono',
        'tlf',
        'tfno',
        'telf',
        'tel',
        'llamame',
        'llamadme',
        'llamar',
        'llamen',
        'llamada',
        'whatsapp',
        'wasap',
        'mi numero',
        'contacto',
        'fijo',
        'sms',
        'bizum',
        'contactar',
        'm.',
        'm:',
        't.',
        't:',
      ],
      en: [
        'phone',
        'mobile',
        'cell',
        'call',
        'call me',
        'ring',
        'text me',
        'whatsapp',
        'tel',
        'my number',
        'phone number',
        'contact',
        'sms',
        'reach me',
        'm.',
        'm:',
        't.',
        't:',
        'mob',
      ],
    },
    demotedByReferenceWords: true,
  },
  last: true,
  find(text, scan, out: Candidate[]) {
    const plan = isSupportedCountry(scan.country) ? nationalPlan(scan.country) : null;
    STRETCH.lastIndex = 0;
    for (let m = STRETCH.exec(text); m !== null; m = STRETCH.exec(text)) {
      for (const [s, e] of unclaimed(m.index, m.index + m[0].length, scan.found)) {
        const digits = digitsOf(text, s, e);
        const plus = text[s] === '+' || text.startsWith('(+', s);
        const international = plus ? digits : text.startsWith('00', s) ? digits.slice(2) : null;
        const fits =
          international !== null
            ? international.length >= INTERNATIONAL.min && international.length <= INTERNATIONAL.max
            : plan !== null && couldBeNational(plan, digits);
        if (fits) findIn(text, s, e, scan, out);
      }
    }
  },
};
