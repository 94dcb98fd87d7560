import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countCodePoints, splitText } from './text.ts';

describe('splitText', () => {
  it('returns a fitting text unchanged', () => {
    expect(splitText('hola', 10)).toEqual(['hola']);
  });

  it('numbers the parts and breaks between words', () => {
    const parts = splitText('uno dos tres cuatro cinco seis siete ocho', 20);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]).toMatch(/^uno dos.* \(1\/\d\)$/);
    for (const p of parts) expect(countCodePoints(p)).toBeLessThanOrEqual(20);
  });

  it('never exceeds the limit nor drops a word, for any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 600, unit: 'grapheme' }), fc.integer({ min: 20, max: 280 }), (text, limit) => {
        const parts = splitText(text, limit);
        for (const p of parts) expect(countCodePoints(p)).toBeLessThanOrEqual(limit);
        const rejoined = parts.map((p) => p.replace(/ \(\d+\/\d+\)$/, '')).join('');
        expect(rejoined.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
      }),
    );
  });
});
