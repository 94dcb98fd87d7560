// Synthetic personal data with valid check characters, written the ways people type it. None of
// it belongs to anyone: every value is drawn from the seeded generator.
import { composeIBAN, countrySpecs, isValidBBAN } from 'ibantools';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import {
  CIF_ORGANISATION_LETTERS,
  cifControl,
  cifControlKind,
  dniLetter,
  luhnCheckDigit,
  luhnValid,
  nafCheck,
  nieNumber,
} from '../checksums.ts';
import type { CustomPattern, PiiType } from '../types.ts';
import type { Random } from './random.ts';

/** One value to embed, and its type ('custom' values carry the pattern's name). */
export interface Value {
  type: PiiType;
  text: string;
}

function groups(s: string, size: number, sep: string): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.join(sep);
}

function caseOf(rng: Random, s: string): string {
  return rng.chance(0.15) ? s.toLowerCase() : s;
}

export function dni(rng: Random): Value {
  const n = rng.digits(8);
  const l = dniLetter(n);
  const text = rng.pick([
    () => `${n}${l}`,
    () => `${n}-${l}`,
    () => `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5)}-${l}`,
    () => `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5)}${l}`,
    () => `${n} ${l}`,
    () => `${n}${l.toLowerCase()}`,
  ])();
  return { type: 'dni', text };
}

export function nie(rng: Random): Value {
  const p = rng.pick(['X', 'Y', 'Z']);
  const d = rng.digits(7);
  const l = dniLetter(nieNumber(p, d));
  const text = rng.pick([() => `${p}${d}${l}`, () => `${p}-${d}-${l}`, () => `${p}${d}-${l}`, () => `${p} ${d} ${l}`])();
  return { type: 'nie', text: caseOf(rng, text) };
}

export function nif(rng: Random): Value {
  const letter = rng.pick([...CIF_ORGANISATION_LETTERS]);
  const d = rng.digits(7);
  const value = cifControl(d);
  const kind = cifControlKind(letter, d);
  const asLetter = kind === 'letter' || (kind === 'either' && rng.chance(0.3));
  const control = asLetter ? ('JABCDEFGHI'[value] as string) : String(value);
  const text = rng.pick([
    () => `${letter}${d}${control}`,
    () => `${letter}-${d}${control}`,
    () => `${letter}-${d}-${control}`,
    () => `ES${letter}${d}${control}`,
  ])();
  return { type: 'nif', text: caseOf(rng, text) };
}

/** The CCC check digit of Spanish bank digits (weights 1, 2, 4, 8, 5, 10, 9, 7, 3, 6). */
function cccDigit(digits: string): string {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const padded = digits.padStart(10, '0');
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(padded[i]) * (weights[i] as number);
  const d = 11 - (sum % 11);
  return String(d === 11 ? 0 : d === 10 ? 1 : d);
}

const SPANISH_BANKS = ['0049', '0075', '0081', '0128', '0182', '0487', '1465', '2080', '2085', '2095', '2100', '3058', '0239', '1491'];

/** A Spanish BBAN (bank, branch, two CCC check digits, account). */
export function spanishBban(rng: Random): string {
  const bankBranch = rng.pick(SPANISH_BANKS) + rng.digits(4);
  const account = rng.digits(10);
  return `${bankBranch}${cccDigit(bankBranch)}${cccDigit(account)}${account}`;
}

function foreignBban(rng: Random, country: string): string {
  const spec = countrySpecs[country];
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const bban = (() => {
      switch (country) {
        case 'NL':
          return rng.letters(4) + rng.digits(10);
        case 'GB':
          return rng.letters(4) + rng.digits(14);
        case 'IT':
          return rng.letters(1) + rng.digits(22);
        default:
          return rng.digits((spec?.chars ?? 24) - 4);
      }
    })();
    if (isValidBBAN(bban, country)) return bban;
  }
  throw new Error(`no valid ${country} BBAN in 10,000 draws`);
}

export function iban(rng: Random): Value {
  const country = rng.chance(0.75) ? 'ES' : rng.pick(['DE', 'FR', 'IT', 'PT', 'NL', 'GB', 'BE']);
  const bban = country === 'ES' ? spanishBban(rng) : foreignBban(rng, country);
  const electronic = composeIBAN({ countryCode: country, bban }) as string;
  const text = rng.pick([
    () => groups(electronic, 4, ' '),
    () => electronic,
    () => groups(electronic, 4, '-'),
    () => groups(electronic, 4, ' '),
  ])();
  return { type: 'iban', text: caseOf(rng, text) };
}

const CARD_KINDS: readonly { prefix: (rng: Random) => string; length: number; layout: readonly number[] }[] = [
  { prefix: () => '4', length: 16, layout: [4, 4, 4, 4] },
  { prefix: () => '4', length: 16, layout: [4, 4, 4, 4] },
  { prefix: (rng) => rng.pick(['51', '52', '53', '54', '55', String(rng.int(2221, 2720))]), length: 16, layout: [4, 4, 4, 4] },
  { prefix: (rng) => rng.pick(['34', '37']), length: 15, layout: [4, 6, 5] },
  { prefix: () => '6011', length: 16, layout: [4, 4, 4, 4] },
  { prefix: (rng) => String(rng.int(3528, 3589)), length: 16, layout: [4, 4, 4, 4] },
  { prefix: () => '36', length: 14, layout: [4, 6, 4] },
  { prefix: () => '62', length: 19, layout: [4, 4, 4, 4, 3] },
];

export function card(rng: Random): Value {
  const kind = rng.pick(CARD_KINDS);
  const prefix = kind.prefix(rng);
  const body = prefix + rng.digits(kind.length - prefix.length - 1);
  const number = body + luhnCheckDigit(body);
  const laid = (sep: string) => {
    const parts: string[] = [];
    let at = 0;
    for (const n of kind.layout) {
      parts.push(number.slice(at, at + n));
      at += n;
    }
    return parts.join(sep);
  };
  return { type: 'card', text: rng.pick([() => laid(' '), () => number, () => laid('-'), () => laid(' ')])() };
}

export function phone(rng: Random): Value {
  for (;;) {
    const foreign = rng.chance(0.15);
    const raw = foreign
      ? rng.pick([
          `+44 7700 900${rng.digits(3)}`,
          `+33 6 ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`,
          `+351 91${rng.digits(1)} ${rng.digits(3)} ${rng.digits(3)}`,
        ])
      : `${rng.pick(['6', '6', '6', '7', '9'])}${rng.digits(8)}`;
    const parsed = parsePhoneNumberFromString(raw, 'ES');
    if (!parsed?.isValid()) continue;
    if (foreign) return { type: 'phone', text: raw };
    const n = raw;
    const text = rng.pick([
      () => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      () => n,
      () => `${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`,
      () => `+34 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
      () => `+34${n}`,
      () => `0034 ${n}`,
      () => `(+34) ${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`,
      () => `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5, 7)}-${n.slice(7)}`,
    ])();
    return { type: 'phone', text };
  }
}

const FIRST = [
  'ana',
  'luis',
  'maria',
  'javier',
  'lucia',
  'carlos',
  'marta',
  'pablo',
  'elena',
  'sergio',
  'laura',
  'diego',
  'john',
  'emma',
  'oliver',
  'sophie',
];
const LAST = ['garcia', 'lopez', 'martin', 'sanchez', 'perez', 'gomez', 'ruiz', 'diaz', 'moreno', 'alonso', 'smith', 'brown', 'taylor'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'correo.example', 'mail.example', 'empresa.example'];

export function email(rng: Random): Value {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const local = rng.pick([
    `${first}.${last}`,
    `${first}${last}${rng.int(1, 99)}`,
    `${first[0]}${last}`,
    `${first}_${last}`,
    `${first}.${last}+tienda`,
  ]);
  const text = `${local}@${rng.pick(DOMAINS)}`;
  return { type: 'email', text: rng.chance(0.1) ? text.replace(/^./, (c) => c.toUpperCase()) : text };
}

export function ssn(rng: Random): Value {
  const province = String(rng.int(1, 52)).padStart(2, '0');
  const number = rng.digits(8);
  const check = nafCheck(province, number);
  const text = rng.pick([
    () => `${province}/${number}/${check}`,
    () => `${province} ${number} ${check}`,
    () => `${province}${number}${check}`,
    () => `${province}-${number}-${check}`,
    () => `${province} ${number}${check}`,
  ])();
  return { type: 'ssn_es', text };
}

export function iccid(rng: Random): Value {
  const body = `8934${rng.pick(['01', '03', '04', '07'])}${rng.digits(rng.chance(0.7) ? 12 : 13)}`;
  const number = body + luhnCheckDigit(body);
  return { type: 'iccid', text: rng.chance(0.7) ? number : groups(number, 4, ' ') };
}

/** An IMEI (15 digits, Luhn); one in ten an IMEISV (16, software version, no check digit). */
export function imei(rng: Random): Value & { sv: boolean } {
  if (rng.chance(0.1)) {
    const sv = rng.pick(['35', '86']) + rng.digits(12) + rng.digits(2);
    return { type: 'imei', text: sv, sv: true };
  }
  const tac = rng.pick(['35', '86', '01', '99', '35', '49']) + rng.digits(6);
  const serial = rng.digits(6);
  const number = tac + serial + luhnCheckDigit(tac + serial);
  if (!luhnValid(number)) throw new Error('unreachable');
  const text = rng.pick([
    () => number,
    () => `${number.slice(0, 2)}-${number.slice(2, 8)}-${number.slice(8, 14)}-${number.slice(14)}`,
    () => `${number.slice(0, 2)} ${number.slice(2, 8)} ${number.slice(8, 14)} ${number.slice(14)}`,
    () => number,
  ])();
  return { type: 'imei', text, sv: false };
}

/** The workspace patterns the corpus assumes (its `custom` labels are matches of these). */
export const CORPUS_PATTERNS: readonly CustomPattern[] = [
  { name: 'contract number', pattern: 'CT-\\d{4}-\\d{6}', contextWords: ['contrato', 'contract', 'póliza', 'policy'] },
  { name: 'customer number', pattern: 'CLI\\d{8}' },
];

export function custom(rng: Random): Value & { pattern: string } {
  return rng.chance(0.6)
    ? { type: 'custom', text: `CT-${rng.int(2015, 2026)}-${rng.digits(6)}`, pattern: 'contract number' }
    : { type: 'custom', text: `CLI${rng.digits(8)}`, pattern: 'customer number' };
}

/** The value kinds drawn the same way, by the type they are. */
export const BASIC_VALUES = { dni, nie, nif, iban, card, phone, email, iccid } as const;
