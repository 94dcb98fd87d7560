// Spanish personal identity numbers: the DNI (eight digits and a letter) and the NIE (X, Y or Z,
// seven digits and a letter), both checked with the mod 23 letter table.
import { dniLetter, nieNumber } from '../checksums.ts';
import type { Candidate, Detector } from '../detector.ts';
import { forEachWhole } from '../text.ts';

// "12345678Z", "12.345.678-Z", "ES12345678Z" (the VAT form), "12345678 Z".
const DNI = /(?:es)?(\d{2})(\.?)(\d{3})\2(\d{3})([ -]?)([a-z])/gi;
const NIE = /(?:es)?([xyz])([ -]?)(\d{7})([ -]?)([a-z])/gi;

/**
 * A lower-case one-letter word after a space may be a word, not a control letter ("12345678 y
 * 87654321", "entre 1000000 y 2000000 a"): then only a context word ("DNI") makes it one.
 */
function looksLikeAWord(separator: string, letter: string): boolean {
  return separator === ' ' && 'aeiouy'.includes(letter);
}

/** Spanish DNI: eight digits and the letter the mod 23 table gives them. */
export const esDniDetector: Detector = {
  name: 'es-dni',
  needs: 'digit',
  context: {
    positive: {
      es: ['dni', 'd.n.i', 'd.n.i.', 'documento', 'documento de identidad', 'identidad', 'nif', 'carnet', 'carne', 'identificacion'],
      en: ['dni', 'id', 'id number', 'identity', 'identity card', 'national id', 'id card', 'nif', 'passport'],
    },
    demotedByReferenceWords: true,
  },
  find(text, _scan, out: Candidate[]) {
    forEachWhole(DNI, text, (m) => {
      const [, a, , b, c, sep, letter] = m as unknown as [string, string, string, string, string, string, string];
      if (dniLetter(a + b + c) !== letter.toUpperCase()) return;
      const alone = looksLikeAWord(sep, letter) ? 0.3 : 0.8;
      out.push({ type: 'dni', start: m.index, end: m.index + m[0].length, alone, withContext: 0.97 });
    });
  },
};

/** Spanish NIE (foreigner's identity number): X/Y/Z, seven digits and the mod 23 letter. */
export const esNieDetector: Detector = {
  name: 'es-nie',
  needs: 'digit',
  context: {
    positive: {
      es: ['nie', 'n.i.e', 'n.i.e.', 'tie', 'tarjeta de residencia', 'residencia', 'extranjero', 'documento', 'identidad', 'nif'],
      en: ['nie', 'foreigner', 'residence', 'residence card', 'residency', 'id', 'id number', 'identity'],
    },
    demotedByReferenceWords: true,
  },
  find(text, _scan, out: Candidate[]) {
    forEachWhole(NIE, text, (m) => {
      const [, prefix, , digits, sep2, letter] = m as unknown as [string, string, string, string, string, string];
      if (dniLetter(nieNumber(prefix, digits)) !== letter.toUpperCase()) return;
      // A lower-case "y" prefix alone is no sign of a list: "y 1234567" needs a word after it too.
      const alone = looksLikeAWord(sep2, letter) ? 0.3 : 0.8;
      out.push({ type: 'nie', start: m.index, end: m.index + m[0].length, alone, withContext: 0.97 });
    });
  },
};
