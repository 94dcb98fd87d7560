// IBANs of any country: ibantools knows each country's length, format and national check (for
// Spain, the two CCC check digits of bank-branch and account); we find them in running text.
import { countrySpecs, isValidIBAN } from 'ibantools';
import type { Candidate, Detector } from '../detector.ts';
import { isAlnumAt } from '../text.ts';

// Where an IBAN may start: a country code and two check digits (not inside a longer word).
const START = /[a-z]{2}\d{2}/gi;

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Reads an IBAN of `length` characters from `start`, allowing one space or dash between
 * characters ("ES91 2100 0418…", "es91-2100-…"); null when the text does not hold that many, or
 * the IBAN runs straight on into more letters or digits.
 */
function readIban(text: string, start: number, length: number): { iban: string; end: number } | null {
  let iban = '';
  let i = start;
  while (i < text.length && iban.length < length) {
    const c = text.charCodeAt(i);
    if (isAsciiAlnum(c)) {
      iban += text[i];
      i++;
    } else if ((c === 32 || c === 45) && iban.length >= 4 && i + 1 < text.length && isAsciiAlnum(text.charCodeAt(i + 1))) {
      i++;
    } else break;
  }
  if (iban.length !== length || isAlnumAt(text, i)) return null;
  return { iban: iban.toUpperCase(), end: i };
}

/** IBAN (mod 97 and the country's own BBAN check where it has one). */
export const ibanDetector: Detector = {
  name: 'iban',
  needs: 'digit',
  context: {
    positive: {
      es: [
        'iban',
        'cuenta',
        'mi cuenta',
        'numero de cuenta',
        'cuenta bancaria',
        'ccc',
        'domiciliacion',
        'domiciliar',
        'transferencia',
        'banco',
        'sepa',
        'recibos',
      ],
      en: ['iban', 'account', 'bank account', 'account number', 'bank', 'transfer', 'direct debit', 'sepa', 'wire'],
    },
    // Mod 97 over a country's exact length and format is too strong for a reference to pass by chance.
    demotedByReferenceWords: false,
  },
  find(text, _scan, out: Candidate[]) {
    START.lastIndex = 0;
    for (let m = START.exec(text); m !== null; m = START.exec(text)) {
      if (isAlnumAt(text, m.index - 1)) {
        START.lastIndex = m.index + 1;
        continue;
      }
      const spec = countrySpecs[m[0].slice(0, 2).toUpperCase()];
      if (!spec?.chars) continue;
      const found = readIban(text, m.index, spec.chars);
      if (!found || !isValidIBAN(found.iban)) continue;
      out.push({ type: 'iban', start: m.index, end: found.end, alone: 0.9, withContext: 0.98 });
      START.lastIndex = found.end;
    }
  },
};
