import { describe, expect, it } from 'vitest';
import {
  bars,
  countRows,
  formatDuration,
  formatMoney,
  formatSeconds,
  fromLocalInput,
  languageCode,
  regionCode,
  toLocalInput,
  variantLines,
} from './format.ts';

describe('incident formatting', () => {
  it('says durations briefly: minutes, then hours and minutes, then days', () => {
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(59_999)).toBe('0 min');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration((2 * 60 + 5) * 60_000)).toBe('2 h 05 min');
    expect(formatDuration(50 * 3_600_000)).toBe('2 d 2 h');
    // A clock a little behind the server's never says a negative time.
    expect(formatDuration(-5_000)).toBe('0 min');
    expect(formatSeconds(42.4)).toBe('42 s');
    expect(formatSeconds(600)).toBe('10 min');
  });

  it('shows the ledger’s millionths as money, with more decimals for fractions of a cent', () => {
    expect(formatMoney(1_500_000, 'EUR', 'en')).toBe('€1.50');
    expect(formatMoney(4_000, 'USD', 'en')).toBe('$0.004');
    expect(formatMoney(2_000_000, null, 'en')).toBe('2');
  });

  it('takes regions and languages however they are typed, and refuses what is not a code', () => {
    expect(regionCode(' es-md ')).toBe('ES-MD');
    expect(regionCode('ES')).toBe('ES');
    expect(regionCode('ES-M')).toBe('ES-M');
    expect(regionCode('Madrid')).toBeNull();
    expect(regionCode('ES_MD')).toBeNull();
    expect(languageCode('ES')).toBe('es');
    expect(languageCode('spanish')).toBeNull();
  });

  it('reads one wording per line, dropping empty lines', () => {
    expect(variantLines('Hola {name}\n\n  Seguimos con ello {ref} \n')).toEqual(['Hola {name}', 'Seguimos con ello {ref}']);
    expect(variantLines('   ')).toEqual([]);
  });

  it('round-trips a local date and time field', () => {
    const at = new Date(2025, 2, 9, 7, 5);
    expect(toLocalInput(at)).toBe('2025-03-09T07:05');
    expect(fromLocalInput(toLocalInput(at))).toBe(at.toISOString());
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('not a time')).toBeNull();
  });

  it('scales bars to the tallest, keeps the latest, and draws zeros flat', () => {
    const points = [0, 5, 10, 20].map((count, i) => ({ at: `2025-01-01T10:${String(i * 5).padStart(2, '0')}:00Z`, count }));
    expect(bars(points).map((b) => b.height)).toEqual([0, 0.25, 0.5, 1]);
    expect(bars(points, 2).map((b) => b.count)).toEqual([10, 20]);
    expect(bars([{ at: 'x', count: 0 }])[0]?.height).toBe(0);
  });

  it('lists counts largest first, then by name', () => {
    expect(countRows({ webform: 3, email: 7, twitter: 3 })).toEqual([
      { key: 'email', count: 7 },
      { key: 'twitter', count: 3 },
      { key: 'webform', count: 3 },
    ]);
    expect(countRows(undefined)).toEqual([]);
  });
});
