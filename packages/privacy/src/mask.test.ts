import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK, maskText } from './mask.ts';
import { scanText } from './scan.ts';
import { PII_TYPES, type PiiFinding } from './types.ts';

const at = (text: string, value: string, type: PiiFinding['type']): PiiFinding => {
  const start = text.indexOf(value);
  return { type, start, end: start + value.length, confidence: 0.9 };
};

describe('maskText', () => {
  it('hides every letter and digit of a finding, keeping its separators', () => {
    const text = 'Mi DNI es 12.345.678-Z, gracias';
    expect(maskText(text, scanText(text))).toBe(`Mi DNI es ${MASK.repeat(2)}.${MASK.repeat(3)}.${MASK.repeat(3)}-${MASK}, gracias`);
  });

  it('keeps the last four characters of a card or an IBAN, nothing of a shorter number', () => {
    const text = 'tarjeta 4111-1111-1111-1111, IBAN ES91 2100 0418 4502 0005 1332, móvil 612 345 678';
    expect(maskText(text, scanText(text))).toBe('tarjeta ••••-••••-••••-1111, IBAN •••• •••• •••• •••• •••• 1332, móvil ••• ••• •••');
  });

  it('keeps the UTF-16 length, so finding offsets hold on the masked text', () => {
    const text = '😀 ana@example.com y 𝒜𝒷𝒸 DNI 12345678Z';
    const findings = [...scanText(text), at(text, '𝒜𝒷𝒸', 'custom')];
    const masked = maskText(text, findings);
    expect(masked).toHaveLength(text.length);
    expect(masked.slice(findings[0]?.start, findings[0]?.end)).toBe('•••@•••••••.•••');
    expect(masked).toContain('😀');
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.record({ a: fc.nat(80), b: fc.nat(80), type: fc.constantFrom(...PII_TYPES) }), { maxLength: 5 }),
        (s, spans) => {
          const findings = spans.map(({ a, b, type }) => ({ type, start: Math.min(a, b), end: Math.max(a, b), confidence: 1 }));
          return maskText(s, findings).length === s.length;
        },
      ),
    );
  });

  it('masks overlapping findings as one span, and leaves text without findings alone', () => {
    const text = 'x 4111 1111 1111 1111 y';
    const card = at(text, '4111 1111 1111 1111', 'card');
    const inner = { ...at(text, '1111 1111', 'phone') };
    expect(maskText(text, [card, inner])).toBe('x •••• •••• •••• •••• y');
    expect(maskText(text, [card])).toBe('x •••• •••• •••• 1111 y');
    expect(maskText(text, [])).toBe(text);
  });
});
