// Spanish company tax numbers (NIF of a legal person, formerly CIF): an organisation letter,
// seven digits and a control that is a digit or a letter, as the organisation letter demands.
import { cifValid } from '../checksums.ts';
import type { Candidate, Detector } from '../detector.ts';
import { forEachWhole } from '../text.ts';

// "B12345674", "B-12345674", "B-1234567-4", "ESB12345674" (the VAT form). No space after the
// letter: "a 12345674" is Spanish for "to 12345674".
const CIF = /(?:es)?([a-hjnp-suvw])(-?)(\d{7})(-?)([0-9a-j])/gi;

/** Spanish company NIF/CIF with its control digit or letter. */
export const esCompanyNifDetector: Detector = {
  name: 'es-company-nif',
  needs: 'digit',
  context: {
    positive: {
      es: [
        'nif',
        'cif',
        'c.i.f',
        'c.i.f.',
        'n.i.f',
        'empresa',
        'sociedad',
        'razon social',
        'fiscal',
        'facturar a',
        'datos fiscales',
        'autonomo',
        'factura',
        'facturar',
        'facturacion',
      ],
      en: ['nif', 'cif', 'tax id', 'tax number', 'vat', 'vat number', 'company', 'business', 'billing details', 'invoice', 'billing'],
    },
    // "factura" and "invoice" are also reference words: as positive words here they win the tie,
    // since a company's tax number is what an invoice asks for.
    demotedByReferenceWords: true,
  },
  find(text, _scan, out: Candidate[]) {
    forEachWhole(CIF, text, (m) => {
      const [, letter, , digits, , control] = m as unknown as [string, string, string, string, string, string];
      if (!cifValid(letter, digits, control)) return;
      // Random characters pass one time in ten: less sure alone than the mod 23 identity numbers.
      out.push({ type: 'nif', start: m.index, end: m.index + m[0].length, alone: 0.7, withContext: 0.95 });
    });
  },
};
