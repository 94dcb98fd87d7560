import type { DigitRun } from './detector.ts';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Whether the character at `index` is a letter or a digit (false outside the text). */
export function isAlnumAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  // Astral letters are two code units: look at the whole code point around the index.
  const cp = text.codePointAt(index >= 1 && code >= 0xdc00 && code <= 0xdfff ? index - 1 : index) ?? 0;
  return LETTER_OR_DIGIT.test(String.fromCodePoint(cp));
}

/**
 * Calls `visit` for each match of `re` (global, without the u flag: much faster on long text)
 * that no letter or digit touches on either side. A match that fails the test is tried again
 * one character on, so "X12345678Z" is not read as a DNI but "X 12345678Z" is.
 */
export function forEachWhole(re: RegExp, text: string, visit: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (isAlnumAt(text, m.index - 1) || isAlnumAt(text, m.index + m[0].length)) {
      re.lastIndex = m.index + 1;
      continue;
    }
    visit(m);
  }
}

/** Whether the text holds an ASCII digit; the prefilter that spares most text every regex. */
export function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

// Groups of digits joined by exactly one separator; what people type between blocks of a number.
const RUN = /\d+(?:[ ./-]\d+)*/g;

/**
 * The text's runs of at least `minDigits` digits ("ES91 2100 0418" gives the run "91 2100 0418").
 * Shorter ones (prices, dates, times) are passed over without building anything for them.
 */
export function digitRuns(text: string, minDigits: number): DigitRun[] {
  const runs: DigitRun[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const raw = m[0];
    if (raw.length < minDigits) continue;
    const groups: [number, number][] = [];
    const offsets: number[] = [];
    let digits = '';
    let separators = '';
    let groupStart = m.index;
    for (let i = 0; i <= raw.length; i++) {
      const c = i < raw.length ? raw.charCodeAt(i) : -1;
      if (c >= 48 && c <= 57) continue;
      offsets.push(digits.length);
      groups.push([groupStart, m.index + i]);
      digits += raw.slice(groupStart - m.index, i);
      if (c !== -1) separators += raw[i];
      groupStart = m.index + i + 1;
    }
    if (digits.length >= minDigits) runs.push({ start: m.index, end: m.index + raw.length, groups, digits, offsets, separators });
  }
  return runs;
}

/** What one stretch of consecutive groups of a run holds. */
export interface RunSpan {
  start: number;
  end: number;
  digits: string;
  /** The separators inside the stretch ('' when the digits are written together). */
  separators: string;
  /** Number of digits of the shortest group in the stretch. */
  shortestGroup: number;
  groupCount: number;
}

/**
 * Calls `visit` for each stretch of `run` holding between `min` and `max` digits: the whole run,
 * or one that starts at its first group or ends at its last when the cut does not split one
 * uniform grouping: the separator at the cut is not used inside the stretch (a card typed
 * together, then a space), or the rest of the run uses one the stretch does not (a card and its
 * expiry, "4111 1111 1111 1111 12/26"). So "6238 0667 2947 5634 859" is one 19-digit number, not
 * a 16-digit card that happens to pass Luhn. Stretches from the middle of a run, and runs glued
 * to a letter ("ES91 2100 …", an IBAN's digits), are not visited: a long number holds some
 * stretch that passes Luhn one time in ten.
 */
export function forEachSpan(text: string, run: DigitRun, min: number, max: number, visit: (span: RunSpan) => void): void {
  // After a "+" the digits are a phone number in international form.
  if (run.digits.length < min || isAlnumAt(text, run.start - 1) || isAlnumAt(text, run.end) || text[run.start - 1] === '+') return;
  const n = run.groups.length;
  for (let i = 0; i < n; i++) {
    const first = run.groups[i] as readonly [number, number];
    const from = run.offsets[i] as number;
    let shortest = Number.POSITIVE_INFINITY;
    for (let j = i; j < n; j++) {
      const group = run.groups[j] as readonly [number, number];
      shortest = Math.min(shortest, group[1] - group[0]);
      const to = j + 1 < n ? (run.offsets[j + 1] as number) : run.digits.length;
      const count = to - from;
      if (count > max) break;
      if (count < min || (i > 0 && j < n - 1)) continue;
      const separators = run.separators.slice(i, j);
      if (i > 0 || j < n - 1) {
        const cut = (i > 0 ? run.separators[i - 1] : run.separators[j]) as string;
        const rest = i > 0 ? run.separators.slice(0, i - 1) : run.separators.slice(j + 1);
        if (separators.includes(cut) && ![...rest].some((c) => !separators.includes(c))) continue;
      }
      visit({
        start: first[0],
        end: group[1],
        digits: run.digits.slice(from, to),
        separators,
        shortestGroup: shortest,
        groupCount: j - i + 1,
      });
    }
  }
}

const NON_ASCII = /[^ -~\t\n\r]/;
const MARKS = /\p{M}/gu;

/** Lower case without accents, for matching context words ("Móvil" -> "movil"). */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  return NON_ASCII.test(lower) ? lower.normalize('NFD').replace(MARKS, '') : lower;
}
