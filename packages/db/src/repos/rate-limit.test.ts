import { useTestDatabase } from '@centralita/testing';
import { describe, expect, it } from 'vitest';
import { hitRateLimit } from './auth-store.ts';

const database = useTestDatabase();
const MINUTE = 60_000;

describe('hitRateLimit', () => {
  it('counts across a clock boundary: the window opens at the first hit', async () => {
    const db = database.current.db.kysely;
    const boundary = Date.UTC(2026, 11, 1, 9, 30);
    const counts = [];
    for (const offset of [-2, -1, 1, 2])
      counts.push(await hitRateLimit(db, 'login:boundary', 15 * MINUTE, new Date(boundary + offset * 1000)));
    expect(counts).toEqual([1, 2, 3, 4]);
  });

  it('starts again once the window has passed since its first hit', async () => {
    const db = database.current.db.kysely;
    const start = Date.UTC(2026, 11, 1, 10, 0);
    expect(await hitRateLimit(db, 'login:expiry', MINUTE, new Date(start))).toBe(1);
    expect(await hitRateLimit(db, 'login:expiry', MINUTE, new Date(start + 59_000))).toBe(2);
    expect(await hitRateLimit(db, 'login:expiry', MINUTE, new Date(start + 60_000))).toBe(1);
    expect(await hitRateLimit(db, 'login:expiry', MINUTE, new Date(start + 61_000))).toBe(2);
  });
});
