import type { PiiFinding, PiiType } from './types.ts';

/** The character that replaces each hidden letter or digit (one UTF-16 unit). */
export const MASK = '•';

/**
 * Types whose last four characters stay visible, as on a receipt ("•••• •••• •••• 1111"): an
 * agent can tell which card or account the customer means without seeing the number. Four of
 * 16 card digits is what PCI DSS allows to be shown; for an IBAN they are account digits only.
 */
const KEEP_TAIL: ReadonlySet<PiiType> = new Set(['card', 'iban']);
const TAIL = 4;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function hide(span: string, keepTail: boolean): string {
  let visibleFrom = span.length;
  if (keepTail) {
    // Find where the last four letters or digits start; shorter spans are hidden whole.
    let seen = 0;
    let alnum = 0;
    for (const ch of span) if (LETTER_OR_DIGIT.test(ch)) alnum++;
    if (alnum >= 12) {
      for (let i = span.length - 1; i >= 0 && seen < TAIL; i--) {
        if (LETTER_OR_DIGIT.test(span[i] as string)) {
          seen++;
          visibleFrom = i;
        }
      }
    }
  }
  let out = '';
  let i = 0;
  for (const ch of span) {
    // An astral letter is two UTF-16 units: two mask characters keep the length.
    out += i < visibleFrom && LETTER_OR_DIGIT.test(ch) ? MASK.repeat(ch.length) : ch;
    i += ch.length;
  }
  return out;
}

/**
 * Hides every finding's letters and digits behind "•", keeping separators, and for cards and
 * IBANs the last four characters ("ES91 2100 0418 4502 0005 1332" -> "•••• •••• •••• •••• •••• 1332").
 * The result has the same UTF-16 length, so finding offsets stay valid on the masked text.
 * Overlapping findings are masked as one span (the last four kept only if all of them allow it).
 */
export function maskText(text: string, findings: readonly PiiFinding[]): string {
  if (findings.length === 0) return text;
  const spans = [...findings]
    .filter((f) => f.end > f.start)
    .map((f) => ({ start: Math.max(0, f.start), end: Math.min(text.length, f.end), keepTail: KEEP_TAIL.has(f.type) }))
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (let k = 0; k < spans.length; ) {
    const first = spans[k] as { start: number; end: number; keepTail: boolean };
    let { end, keepTail } = first;
    let j = k + 1;
    for (; j < spans.length && (spans[j]?.start ?? 0) < end; j++) {
      const next = spans[j] as { end: number; keepTail: boolean };
      end = Math.max(end, next.end);
      keepTail = keepTail && next.keepTail;
    }
    const start = Math.max(first.start, at);
    if (end > start) {
      out += text.slice(at, start) + hide(text.slice(start, end), keepTail);
      at = end;
    }
    k = j;
  }
  return out + text.slice(at);
}
