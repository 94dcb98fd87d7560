import { describe, expect, it } from 'vitest';
import { matches, scoreFindings } from './score.ts';

describe('scoring per finding span', () => {
  it('counts a finding of the same type overlapping at least half of the label', () => {
    const label = { type: 'dni' as const, start: 10, end: 20 };
    expect(matches({ type: 'dni', start: 10, end: 20 }, label)).toBe(true);
    expect(matches({ type: 'dni', start: 15, end: 30 }, label)).toBe(true);
    expect(matches({ type: 'dni', start: 16, end: 30 }, label)).toBe(false);
    expect(matches({ type: 'nie', start: 10, end: 20 }, label)).toBe(false);
    expect(matches({ type: 'dni', start: 20, end: 30 }, label)).toBe(false);
  });

  it('matches each label once and gives precision and recall per type and overall', () => {
    const s = scoreFindings([
      {
        labels: [
          { type: 'card', start: 0, end: 19 },
          { type: 'phone', start: 30, end: 41 },
        ],
        findings: [
          { type: 'card', start: 0, end: 19 },
          { type: 'card', start: 0, end: 19 },
          { type: 'iban', start: 50, end: 70 },
        ],
      },
      { labels: [], findings: [] },
    ]);
    expect(s.byType.card).toEqual({ labels: 1, findings: 2, truePositives: 1, precision: 0.5, recall: 1 });
    expect(s.byType.phone).toEqual({ labels: 1, findings: 0, truePositives: 0, precision: 1, recall: 0 });
    expect(s.byType.iban).toMatchObject({ precision: 0, recall: 1 });
    expect(s.overall).toEqual({ labels: 2, findings: 3, truePositives: 1, precision: 1 / 3, recall: 0.5 });
  });
});
