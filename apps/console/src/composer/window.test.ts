import { describe, expect, it } from 'vitest';
import { timeLeft, windowState } from './window.ts';

describe('the reply window', () => {
  const now = new Date('2026-12-01T09:00:00Z');

  it('is open until it closes, then closed since then; a channel without hours has none', () => {
    expect(windowState(24, '2026-12-01T12:12:00Z', now)).toEqual({
      kind: 'open',
      closesAt: new Date('2026-12-01T12:12:00Z'),
      leftMs: (3 * 60 + 12) * 60_000,
    });
    expect(windowState(24, '2026-12-01T09:00:00Z', now)).toEqual({ kind: 'closed', closedAt: new Date('2026-12-01T09:00:00Z') });
    expect(windowState(null, '2026-12-01T12:00:00Z', now)).toEqual({ kind: 'none' });
  });

  it('is closed, since no time, when the customer never wrote', () => {
    expect(windowState(24, null, now)).toEqual({ kind: 'closed', closedAt: null });
  });

  it('counts whole minutes left', () => {
    expect(timeLeft((3 * 60 + 12) * 60_000 + 59_999)).toEqual({ hours: 3, minutes: 12 });
    expect(timeLeft(59_999)).toEqual({ hours: 0, minutes: 0 });
  });
});
