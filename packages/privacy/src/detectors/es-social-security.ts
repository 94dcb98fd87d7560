// Spanish social-security numbers (número de afiliación, NAF/NSS): 12 digits, a province code,
// eight digits and two check digits (the first ten mod 97).
import { nafValid } from '../checksums.ts';
import type { Candidate, Detector } from '../detector.ts';
import { forEachSpan } from '../text.ts';

/** Spanish social-security number: "28/12345678/40", "28 12345678 40", "281234567840". */
export const esSocialSecurityDetector: Detector = {
  name: 'es-social-security',
  needs: 'digit',
  context: {
    positive: {
      es: ['seguridad social', 'nss', 'n.s.s', 'naf', 'numero de afiliacion', 'afiliacion', 'afiliado', 'tgss', 'ss'],
      en: ['social security', 'ssn', 'nss', 'social security number'],
    },
    demotedByReferenceWords: true,
  },
  find(text, scan, out: Candidate[]) {
    for (const run of scan.digitRuns()) {
      forEachSpan(text, run, 12, 12, (span) => {
        // The province's two digits come first on their own, or the twelve are written together.
        if (span.groupCount > 1 && text.charCodeAt(span.start + 2) >= 48 && text.charCodeAt(span.start + 2) <= 57) return;
        if (span.groupCount > 4 || span.shortestGroup < 2 || !nafValid(span.digits)) return;
        out.push({ type: 'ssn_es', start: span.start, end: span.end, alone: 0.7, withContext: 0.95 });
      });
    }
  },
};
