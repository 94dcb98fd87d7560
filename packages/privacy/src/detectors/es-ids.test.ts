import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNI_LETTERS, dniLetter, nafCheck, nieNumber } from '../checksums.ts';
import { scanText } from '../scan.ts';

const found = (text: string) => scanText(text).map((f) => [f.type, text.slice(f.start, f.end)]);

describe('Spanish identity numbers', () => {
  it('finds a DNI however it is typed', () => {
    for (const dni of ['12345678Z', '12345678-Z', '12.345.678-Z', '12.345.678Z', '12345678 Z', '12345678z', 'ES12345678Z'])
      expect(found(`Mi DNI es ${dni}, gracias`)).toEqual([['dni', dni]]);
  });

  it('refuses a DNI with the wrong letter, inside a longer code, or read from a list', () => {
    for (const text of ['DNI 12345678A', 'ref AB12345678Z', 'code 12345678ZX', 'los pedidos 12345678 y 87654321', '12.34.5678Z'])
      expect(found(text)).toEqual([]);
  });

  it('always finds a generated valid DNI, never one with a changed letter', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), fc.constantFrom('', '-'), fc.integer({ min: 1, max: 22 }), (n, sep, shift) => {
        const right = dniLetter(n);
        const wrong = DNI_LETTERS[(DNI_LETTERS.indexOf(right) + shift) % 23] as string;
        const valid = scanText(`DNI: ${n}${sep}${right}.`);
        const invalid = scanText(`DNI: ${n}${sep}${wrong}.`);
        return valid.length === 1 && valid[0]?.type === 'dni' && invalid.length === 0;
      }),
    );
  });

  it('finds an NIE with X, Y or Z and its letter, in either case', () => {
    for (const nie of ['X1234567L', 'X-1234567-L', 'x1234567l', 'X 1234567 L', 'X1234567-L'])
      expect(found(`NIE ${nie}`)).toEqual([['nie', nie]]);
    expect(found('NIE X1234567M')).toEqual([]);
    fc.assert(
      fc.property(fc.constantFrom('X', 'Y', 'Z'), fc.stringMatching(/^\d{7}$/), (p, d) => {
        const letter = dniLetter(nieNumber(p, d));
        return scanText(`NIE ${p}${d}${letter}`)[0]?.type === 'nie';
      }),
    );
  });

  it('finds a company NIF with a digit or letter control, and refuses a wrong one', () => {
    for (const nif of ['B12345674', 'B-12345674', 'B-1234567-4', 'b12345674', 'ESB12345674', 'P1234567D', 'G1234567D'])
      expect(found(`CIF ${nif}`)).toEqual([['nif', nif]]);
    for (const text of ['CIF B12345675', 'CIF P12345674', 'CIF I12345674', 'a 12345674 euros']) expect(found(text)).toEqual([]);
  });

  it('finds a social-security number in its usual layouts and refuses a wrong check', () => {
    const check = nafCheck('28', '12345678');
    for (const nss of [`28/12345678/${check}`, `28 12345678 ${check}`, `2812345678${check}`, `28-12345678-${check}`])
      expect(found(`NSS ${nss}`)).toEqual([['ssn_es', nss]]);
    expect(found('NSS 28/12345678/41')).toEqual([]);
  });

  it('leaves Spanish identity numbers alone when the scan is for another country', () => {
    expect(scanText('DNI 12345678Z', { country: 'PT' })).toEqual([]);
    expect(scanText('DNI 12345678Z', { country: 'es' })).toHaveLength(1);
  });
});
