import { CentralitaError } from '@centralita/core';
import { describe, expect, it } from 'vitest';
import { CUSTOM_LIMITS, compileCustomPattern } from './custom.ts';
import { guardPattern, MAX_REPEAT } from './pattern-guard.ts';
import { scanText } from './scan.ts';

const refusal = (pattern: string) => {
  try {
    compileCustomPattern({ name: 'contract', pattern });
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(CentralitaError);
    expect((err as CentralitaError).code).toBe('validation_failed');
    return (err as Error).message;
  }
};

describe('workspace patterns', () => {
  it('find matches labelled with the pattern name', () => {
    const customPatterns = [{ name: 'contract number', pattern: 'CT-\\d{4}-\\d{6}' }];
    const text = 'Sobre el CT-2024-001234, y el CT-2024-001235';
    expect(scanText(text, { customPatterns }).map((f) => [f.type, f.label, text.slice(f.start, f.end)])).toEqual([
      ['custom', 'contract number', 'CT-2024-001234'],
      ['custom', 'contract number', 'CT-2024-001235'],
    ]);
  });

  it('need one of their context words near when they have some', () => {
    const customPatterns = [{ name: 'customer number', pattern: '\\d{7}', contextWords: ['cliente', 'customer'] }];
    expect(scanText('cliente 1234567', { customPatterns })).toHaveLength(1);
    expect(scanText('Customer: 1234567', { customPatterns })).toHaveLength(1);
    expect(scanText('pesa 1234567 gramos', { customPatterns })).toEqual([]);
  });

  it('refuse a pattern that does not compile, naming it', () => {
    expect(refusal('CT-(\\d{4}')).toMatch(/^Custom pattern "contract" is not a valid regular expression/);
  });

  it('refuse a pattern that can match empty text', () => {
    for (const p of ['\\d*', 'a|', '(?:)', '\\b', 'x?', '(?=a)']) expect(refusal(p)).toMatch(/can match empty text/);
  });

  it('refuse patterns whose attempts could split the text too many ways, and back-references', () => {
    for (const p of [
      '(\\d+)+x',
      '(a|ab)*c',
      '(x?){20}y',
      '(\\w+\\s?)*!',
      '((ab)+-)+z',
      '(?:\\d|\\d\\d)+#',
      '\\d+\\d+\\d+x',
      '[\\d-]+-[\\d-]+-[\\d-]+x',
    ])
      expect(refusal(p)).toMatch(/exponential time/);
    expect(refusal('(a)\\1')).toMatch(/back-reference/);
    expect(refusal('(?<x>a)\\k<x>')).toMatch(/back-reference/);
    for (const p of [
      '(\\d{4}[ -]?){3}\\d{4}',
      '(?:CT|CTR)-\\d{6,10}',
      '[A-Z]{2}\\d+',
      '(ab)+c',
      '(?<year>\\d{4})-\\d{6}',
      '\\(\\d+\\)+',
      '[\\]+]{2}x',
      'CLI-\\d+-\\d+-\\d+',
      'a*?b{2,}c{3}(?:d|e)?',
    ])
      expect(refusal(p)).toBeNull();
  });

  it('bound every open-ended repeat, keeping what the pattern means for short ids', () => {
    expect(guardPattern('CT-\\d+').source).toBe(`CT-\\d{1,${MAX_REPEAT}}`);
    expect(guardPattern('a*?b{2,}c{3}(?:d|e)?').source).toBe(`a{0,${MAX_REPEAT}}?b{2,${MAX_REPEAT}}c{3,3}(?:d|e)?`);
    expect(guardPattern('[+*]\\u{1F600}\\p{L}+').source).toBe(`[+*]\\u{1F600}\\p{L}{1,${MAX_REPEAT}}`);
    const customPatterns = [{ name: 'ref', pattern: 'R-\\d+' }];
    const long = `R-${'1'.repeat(100)}`;
    expect(scanText(long, { customPatterns }).map((f) => f.end - f.start)).toEqual([2 + MAX_REPEAT]);
  });

  it('refuse a pattern without a name, too long a pattern, or too many patterns', () => {
    expect(() => compileCustomPattern({ name: ' ', pattern: 'x' })).toThrow(/needs a name/);
    expect(refusal('x'.repeat(CUSTOM_LIMITS.patternLength + 1))).toMatch(/characters long/);
    const many = Array.from({ length: CUSTOM_LIMITS.patterns + 1 }, (_, i) => ({ name: `p${i}`, pattern: `P${i}-\\d{4}` }));
    expect(() => scanText('x', { customPatterns: many })).toThrow(/the limit is 50/);
  });

  it('cap matches per text', () => {
    const capped = scanText('ab '.repeat(1_000), { customPatterns: [{ name: 'ab', pattern: 'ab' }] });
    expect(capped).toHaveLength(CUSTOM_LIMITS.matches);
  });

  it('run the costliest accepted pattern over a long hostile text and return', () => {
    // Two repeats that take the same digits and a letter that never comes: each attempt tries
    // at most 30 x 30 splits, so 20,000 digits end in a bounded time instead of never.
    const customPatterns = [{ name: 'slow', pattern: '\\d{1,30}\\d{1,30}x' }];
    expect(scanText('1'.repeat(20_000), { customPatterns })).toEqual([]);
  });
});
