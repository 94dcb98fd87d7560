import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, CompiledSchedule, localTime } from './schedule.ts';

const office = new CompiledSchedule({
  timezone: 'Europe/Madrid',
  shifts: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' }],
  holidays: ['2026-12-25'],
});
const night = new CompiledSchedule({ shifts: [{ days: ['fri'], start: '22:00', end: '06:00' }], holidays: [] });

describe('schedules', () => {
  it('knows local time, weekday and date in a zone', () => {
    expect(localTime(new Date('2026-03-29T01:30:00Z'), 'Europe/Madrid')).toEqual({ date: '2026-03-29', weekday: 7, minute: 3 * 60 + 30 });
  });

  it('covers a shift, not before it, and not on a holiday', () => {
    const at = (iso: string) => office.covers(localTime(new Date(iso), 'Europe/Madrid'));
    expect(at('2026-12-24T08:00:00Z').on).toBe(true);
    expect(at('2026-12-24T07:59:00Z').on).toBe(false);
    expect(at('2026-12-25T10:00:00Z')).toEqual({ on: false, holiday: true });
    expect(at('2026-12-26T10:00:00Z')).toEqual({ on: false, holiday: false });
  });

  it('carries an overnight shift past midnight into the next day', () => {
    const at = (iso: string) => night.covers(localTime(new Date(iso), 'UTC')).on;
    expect(at('2026-03-06T23:00:00Z')).toBe(true);
    expect(at('2026-03-07T05:59:00Z')).toBe(true);
    expect(at('2026-03-07T06:00:00Z')).toBe(false);
    expect(at('2026-03-07T23:00:00Z')).toBe(false);
  });

  it('counts SLA minutes in business hours, across nights, weekends, holidays and summer time', () => {
    // Friday 17:30 in Madrid + 60 business minutes = Monday 09:30.
    expect(addBusinessMinutes(new Date('2026-03-06T16:30:00Z'), 60, office, 'UTC')?.toISOString()).toBe('2026-03-09T08:30:00.000Z');
    // Christmas Eve 17:00 + 120 minutes: one hour on the 24th, the 25th is off, 10:00 on the 26th... a Saturday, so Monday.
    expect(addBusinessMinutes(new Date('2026-12-24T16:00:00Z'), 120, office, 'UTC')?.toISOString()).toBe('2026-12-28T09:00:00.000Z');
    // Summer time starts Sunday 29 March: Friday 17:00 CET + 120 = Monday 10:00 CEST (08:00Z).
    expect(addBusinessMinutes(new Date('2026-03-27T16:00:00Z'), 120, office, 'UTC')?.toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(addBusinessMinutes(new Date('2026-03-27T16:00:00Z'), 120, null, 'UTC')?.toISOString()).toBe('2026-03-27T18:00:00.000Z');
    expect(addBusinessMinutes(new Date(), 10, new CompiledSchedule({ shifts: [], holidays: [] }), 'UTC')).toBeNull();
    // A 24-hour desk: 120 minutes from 01:30 on the night clocks go forward is 120 real minutes
    // (04:30 summer time), not 03:30.
    const allDay = new CompiledSchedule({
      timezone: 'Europe/Madrid',
      shifts: [{ days: ['sun'], start: '00:00', end: '00:00' }],
      holidays: [],
    });
    expect(addBusinessMinutes(new Date('2026-03-29T00:30:00Z'), 120, allDay, 'UTC')?.toISOString()).toBe('2026-03-29T02:30:00.000Z');
    // Overlapping shifts are one stretch: 08-16 and 12-20 give 12 hours, not 16.
    const overlap = new CompiledSchedule({
      shifts: [
        { days: ['mon'], start: '08:00', end: '16:00' },
        { days: ['mon'], start: '12:00', end: '20:00' },
      ],
      holidays: [],
    });
    expect(addBusinessMinutes(new Date('2026-03-02T08:00:00Z'), 600, overlap, 'UTC')?.toISOString()).toBe('2026-03-02T18:00:00.000Z');
    // Seconds of the starting instant carry over.
    expect(addBusinessMinutes(new Date('2026-03-04T10:00:30Z'), 1, office, 'UTC')?.toISOString()).toBe('2026-03-04T10:01:30.000Z');
  });
});
