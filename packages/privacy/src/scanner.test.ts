import { CentralitaError } from '@centralita/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dniLetter } from './checksums.ts';
import type { Detector } from './detector.ts';
import { defaultRegistry } from './registry.ts';
import { scanText } from './scan.ts';
import { createScanner } from './scanner.ts';
import { forEachWhole } from './text.ts';

const found = (text: string, options = {}) => scanText(text, options).map((f) => [f.type, text.slice(f.start, f.end), f.confidence]);

describe('context words', () => {
  it('raise the confidence of a checksummed value, which passes on its checksum alone', () => {
    expect(found('12345678Z')).toEqual([['dni', '12345678Z', 0.8]]);
    expect(found('Mi DNI: 12345678Z')).toEqual([['dni', '12345678Z', 0.97]]);
    expect(found('12345678Z es mi DNI')).toEqual([['dni', '12345678Z', 0.97]]);
    expect(found('MI MÓVIL 612345678')).toEqual([['phone', '612345678', 0.9]]);
  });

  it('count only in the value’s own sentence', () => {
    // "factura" would speak for a company NIF; a sentence away it does not, and "incidencia"
    // right before the code says what it is.
    expect(found('Me cobrasteis la factura dos veces. Abrí la incidencia A62205836')).toEqual([]);
    expect(found('La factura debe ir a A62205836')).toEqual([['nif', 'A62205836', 0.95]]);
  });

  it('let an order or tracking word just before a number drop it, unless a context word is near', () => {
    expect(found('Mi pedido nº 4929 1234 5678 9015 no aparece')).toEqual([]);
    expect(found('Número de seguimiento 357702194411559')).toEqual([]);
    expect(found('pagué el pedido con la tarjeta 4929 1234 5678 9015')).toEqual([['card', '4929 1234 5678 9015', 0.95]]);
    // An IBAN's mod 97 is too strong to be a reference by chance.
    expect(found('pedido ES91 2100 0418 4502 0005 1332')).toEqual([['iban', 'ES91 2100 0418 4502 0005 1332', 0.9]]);
  });

  it('follow the language asked for, both when none is', () => {
    expect(found('llámame al 612345678', { language: 'en' })).toEqual([]);
    expect(found('llámame al 612345678', { language: 'es-ES' })).toHaveLength(1);
    expect(found('call me on 612345678', { language: 'es' })).toEqual([]);
    expect(found('call me on 612345678')).toHaveLength(1);
  });

  it('decide whether a word-like letter is a DNI letter', () => {
    expect(found('12345678 Z')).toEqual([['dni', '12345678 Z', 0.8]]);
    // "… a" after a space is the word "a" until "DNI" says otherwise.
    const aNumber = Array.from({ length: 1000 }, (_, i) => String(10_000_000 + i)).find((d) => dniLetter(d) === 'A') as string;
    expect(found(`${aNumber} a`)).toEqual([]);
    expect(found(`DNI ${aNumber} a`)).toEqual([['dni', `${aNumber} a`, 0.97]]);
  });
});

describe('one finding per span', () => {
  it('gives an IBAN, not the phone or card digits inside it', () => {
    expect(found('llámame o ingresa en ES91 2100 0418 4502 0005 1332')).toEqual([['iban', 'ES91 2100 0418 4502 0005 1332', 0.9]]);
  });

  it('gives the email, not the DNI in its local part', () => {
    expect(found('DNI 12345678Z@example.com')).toEqual([['email', '12345678Z@example.com', 0.9]]);
  });

  it('gives a 16-digit number to the card unless IMEISV is said', () => {
    expect(found('3530 1113 3330 0000')).toEqual([['card', '3530 1113 3330 0000', 0.75]]);
    expect(found('IMEISV 3530111333300000')).toEqual([['imei', '3530111333300000', 0.85]]);
  });

  it('returns findings in text order without overlaps, with UTF-16 offsets', () => {
    const text = '👋🏽 DNI 12345678Z, móvil +34 612 345 678, ana@example.com 🙏';
    const findings = scanText(text);
    expect(findings.map((f) => text.slice(f.start, f.end))).toEqual(['12345678Z', '+34 612 345 678', 'ana@example.com']);
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'DNI 12345678Z',
            ' ',
            'ES91 2100 0418 4502 0005 1332',
            '4111 1111 1111 1111',
            '612 345 678',
            'x@example.com',
            '-',
            'ab',
          ),
          { maxLength: 12 },
        ),
        (parts) => {
          const t = parts.join('');
          const fs = scanText(t);
          return fs.every((f, i) => f.start < f.end && (i === 0 || (fs[i - 1]?.end ?? 0) <= f.start));
        },
      ),
    );
  });
});

describe('scanner options', () => {
  it('finds nothing in text without a digit or an @, but still runs workspace patterns there', () => {
    expect(scanText('Hola, quiero darme de baja')).toEqual([]);
    const patterns = [{ name: 'expediente', pattern: 'EXP-[A-Z]{5}' }];
    expect(scanText('mi expediente es EXP-ABCDE', { customPatterns: patterns })).toEqual([
      { type: 'custom', start: 17, end: 26, confidence: 0.6, label: 'expediente' },
    ]);
  });

  it('applies minConfidence', () => {
    expect(found('estoy en el 612345678', { minConfidence: 0.4 })).toEqual([['phone', '612345678', 0.45]]);
    expect(found('12345678Z', { minConfidence: 0.9 })).toEqual([]);
  });

  it('refuses an invalid country or threshold with a message that says what to give', () => {
    expect(() => createScanner({ country: 'Spain' })).toThrow(CentralitaError);
    expect(() => createScanner({ country: 'Spain' })).toThrow(/ISO 3166-1 alpha-2/);
    expect(() => createScanner({ minConfidence: 2 })).toThrow(/from 0 to 1/);
  });

  it('plugs in a country’s detectors through the registry', () => {
    // Portugal's tax number: nine digits, the last a mod 11 check (a toy for the test).
    const ptNif: Detector = {
      name: 'pt-nif',
      needs: 'digit',
      context: { positive: { es: ['nif'], en: ['nif'] }, demotedByReferenceWords: true },
      find(text, _scan, out) {
        forEachWhole(/\d{9}/g, text, (m) => {
          const d = m[0];
          const sum = [...d.slice(0, 8)].reduce((s, c, i) => s + Number(c) * (9 - i), 0);
          const check = 11 - (sum % 11);
          if ((check >= 10 ? 0 : check) === Number(d[8]))
            out.push({ type: 'custom', start: m.index, end: m.index + 9, alone: 0.6, withContext: 0.9, label: 'NIF (PT)' });
        });
      },
    };
    const registry = { universal: defaultRegistry.universal, countries: { ...defaultRegistry.countries, PT: [ptNif] } };
    const pt = createScanner({ country: 'PT', registry });
    expect(pt.scan('NIF 123456789 e DNI 12345678Z')).toEqual([{ type: 'custom', start: 4, end: 13, confidence: 0.9, label: 'NIF (PT)' }]);
    expect(createScanner({ registry }).scan('NIF 123456789')).toEqual([]);
  });
});
