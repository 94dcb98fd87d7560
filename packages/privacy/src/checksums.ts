// The check characters of the identifiers the guard knows, each as the issuer defines it.

/** Whether a string of digits passes the Luhn (mod 10) check: cards, IMEI, ICCID. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `body` (the digits before it). */
export function luhnCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
  throw new Error('unreachable: one of ten digits always completes a Luhn number');
}

/** The control letters of the DNI and NIE, indexed by the number mod 23 (Real Decreto 1553/2005). */
export const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** The DNI control letter for an 8-digit number (also the NIE's, after X/Y/Z became 0/1/2). */
export function dniLetter(digits: string): string {
  return DNI_LETTERS[Number(digits) % 23] as string;
}

/** The NIE's number: its X, Y or Z prefix stands for 0, 1 or 2 before the seven digits. */
export function nieNumber(prefix: string, digits: string): string {
  return `${'XYZ'.indexOf(prefix.toUpperCase())}${digits}`;
}

/** Organisation letters of a CIF whose control is always a letter, or always a digit. */
const CIF_LETTER_CONTROL = 'NPQRSW';
const CIF_DIGIT_CONTROL = 'ABEH';
/** The letters a company NIF (formerly CIF) may start with. */
export const CIF_ORGANISATION_LETTERS = 'ABCDEFGHJNPQRSUVW';

/** The CIF control value (0-9) of its seven digits: odd positions doubled and digit-summed. */
export function cifControl(digits: string): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    let d = digits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Which control a company NIF's organisation letter demands: a letter (N, P, Q, R, S, W), a
 * digit (A, B, E, H, unless the digits start "00", a non-resident entity), or either.
 */
export function cifControlKind(letter: string, digits: string): 'letter' | 'digit' | 'either' {
  const upper = letter.toUpperCase();
  if (CIF_LETTER_CONTROL.includes(upper)) return 'letter';
  if (CIF_DIGIT_CONTROL.includes(upper) && !digits.startsWith('00')) return 'digit';
  return 'either';
}

/**
 * Whether a company NIF (letter, seven digits, control) holds: the control is the digit or its
 * letter in "JABCDEFGHI", of the kind the organisation letter demands. Sources disagree on the
 * "00" rule, so there either kind is accepted.
 */
export function cifValid(letter: string, digits: string, control: string): boolean {
  if (!CIF_ORGANISATION_LETTERS.includes(letter.toUpperCase())) return false;
  const value = cifControl(digits);
  const kind = cifControlKind(letter, digits);
  const c = control.toUpperCase();
  if (c === String(value)) return kind !== 'letter';
  if (c === 'JABCDEFGHI'[value]) return kind !== 'digit';
  return false;
}

/** The two check digits of a Spanish social-security number (NAF): the first ten digits mod 97. */
export function nafCheck(province: string, number: string): string {
  const n = Number(number);
  // Numbers below 10,000,000 are read as province * 10^7 + number (the TGSS rule), others whole.
  const value = n < 10_000_000 ? Number(province) * 10_000_000 + n : Number(province + number);
  return String(value % 97).padStart(2, '0');
}

/** Whether 12 digits form a Spanish social-security number: a province code and its check. */
export function nafValid(digits: string): boolean {
  if (digits.length !== 12) return false;
  const province = Number(digits.slice(0, 2));
  if (!((province >= 1 && province <= 53) || province === 66)) return false;
  return nafCheck(digits.slice(0, 2), digits.slice(2, 10)) === digits.slice(10);
}
