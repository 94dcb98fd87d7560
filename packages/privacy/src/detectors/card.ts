// Payment cards: 13 to 19 digits in a known issuer range (IIN) and length, passing Luhn.
import { luhnValid } from '../checksums.ts';
import type { Candidate, Detector } from '../detector.ts';
import { forEachSpan } from '../text.ts';

/** An issuer range: card numbers starting from..to (as numbers of `digits` digits) have these lengths. */
interface IssuerRange {
  brand: string;
  from: number;
  to: number;
  digits: number;
  lengths: readonly number[];
}

const RANGES: readonly IssuerRange[] = [
  { brand: 'visa', from: 4, to: 4, digits: 1, lengths: [13, 16, 19] },
  { brand: 'mastercard', from: 51, to: 55, digits: 2, lengths: [16] },
  { brand: 'mastercard', from: 2221, to: 2720, digits: 4, lengths: [16] },
  { brand: 'amex', from: 34, to: 34, digits: 2, lengths: [15] },
  { brand: 'amex', from: 37, to: 37, digits: 2, lengths: [15] },
  { brand: 'discover', from: 6011, to: 6011, digits: 4, lengths: [16, 17, 18, 19] },
  { brand: 'discover', from: 644, to: 649, digits: 3, lengths: [16, 17, 18, 19] },
  { brand: 'discover', from: 65, to: 65, digits: 2, lengths: [16, 17, 18, 19] },
  { brand: 'unionpay', from: 62, to: 62, digits: 2, lengths: [16, 17, 18, 19] },
  { brand: 'jcb', from: 3528, to: 3589, digits: 4, lengths: [16, 17, 18, 19] },
  { brand: 'diners', from: 300, to: 305, digits: 3, lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'diners', from: 36, to: 36, digits: 2, lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'diners', from: 38, to: 39, digits: 2, lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'mir', from: 2200, to: 2204, digits: 4, lengths: [16, 17, 18, 19] },
  { brand: 'maestro', from: 50, to: 50, digits: 2, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { brand: 'maestro', from: 56, to: 58, digits: 2, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { brand: 'maestro', from: 6304, to: 6304, digits: 4, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { brand: 'maestro', from: 6759, to: 6763, digits: 4, lengths: [13, 14, 15, 16, 17, 18, 19] },
];

/** The brand whose issuer range and length a card number fits, or null. */
export function cardBrand(digits: string): string | null {
  for (const r of RANGES) {
    const prefix = Number(digits.slice(0, r.digits));
    if (prefix >= r.from && prefix <= r.to && r.lengths.includes(digits.length)) return r.brand;
  }
  return null;
}

/** Payment card number: "4111 1111 1111 1111", "4111-1111-…", "3782 822463 10005". */
export const cardDetector: Detector = {
  name: 'card',
  needs: 'digit',
  context: {
    positive: {
      // Not "pago", "cargo", "charged": every billing complaint says them, next to order numbers.
      es: [
        'tarjeta',
        'mi tarjeta',
        'numero de tarjeta',
        'visa',
        'mastercard',
        'amex',
        'credito',
        'debito',
        'cvv',
        'cvc',
        'caducidad',
        'pague con',
        'pagado con',
      ],
      en: ['card', 'credit card', 'debit card', 'card number', 'visa', 'mastercard', 'amex', 'cvv', 'cvc', 'expiry', 'paid with'],
    },
    demotedByReferenceWords: true,
  },
  find(text, scan, out: Candidate[]) {
    for (const run of scan.digitRuns()) {
      forEachSpan(text, run, 13, 19, (span) => {
        // Cards are written together or in blocks of three or more, with spaces or dashes.
        if (span.groupCount > 1 && (span.shortestGroup < 3 || /[^ -]/.test(span.separators))) return;
        if (!cardBrand(span.digits) || !luhnValid(span.digits)) return;
        out.push({ type: 'card', start: span.start, end: span.end, alone: 0.75, withContext: 0.95 });
      });
    }
  },
};
