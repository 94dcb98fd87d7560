import { DateTime } from 'luxon';
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');

export const shiftSchema = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  start: hhmm,
  /** An end at or before the start crosses midnight (22:00-06:00); 00:00-00:00 is the whole day. */
  end: hhmm,
});

export const scheduleSchema = z.strictObject({
  /** Defaults to the agent's or team's timezone. */
  timezone: z
    .string()
    .max(100)
    .refine((tz) => isValidTimezone(tz), 'not a known IANA timezone (for example Europe/Madrid)')
    .optional(),
  shifts: z.array(shiftSchema).max(50),
  /** Local dates (YYYY-MM-DD) with no work; a shift that starts on one does not happen. */
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'))
    .max(400)
    .default([]),
});

export type Shift = z.infer<typeof shiftSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;

/** Wall-clock facts for one instant in one timezone. */
export interface LocalTime {
  date: string;
  /** 1 = Monday ... 7 = Sunday (ISO). */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** True when the runtime knows the IANA zone name. */
export function isValidTimezone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function localTime(at: Date, tz: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(tz).formatToParts(at)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAY_INDEX[parts.weekday ?? 'Mon'] ?? 1,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/**
 * Local times for many agents at one instant: agents share a handful of timezones, and formatting
 * a date is the slowest step of a decision, so each zone is formatted once per instant.
 */
export class LocalClock {
  private readonly cache = new Map<string, LocalTime | null>();
  constructor(readonly now: Date) {}
  in(tz: string): LocalTime {
    const t = this.tryIn(tz);
    if (!t) throw new RangeError(`Unknown timezone "${tz}"`);
    return t;
  }
  /** Null for a zone the runtime does not know (a profile saved before zones were checked). */
  tryIn(tz: string): LocalTime | null {
    let t = this.cache.get(tz);
    if (t === undefined) {
      t = isValidTimezone(tz) ? localTime(this.now, tz) : null;
      this.cache.set(tz, t);
    }
    return t;
  }
}

export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function toMinute(s: string): number {
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

function previousDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

interface CompiledShift {
  days: number;
  start: number;
  end: number;
}

/** A schedule turned into day bitmasks and minute ranges, so checking it costs no allocation. */
export class CompiledSchedule {
  private readonly shifts: CompiledShift[];
  private readonly holidays: Set<string>;
  readonly timezone: string | undefined;

  constructor(schedule: Schedule) {
    this.timezone = schedule.timezone;
    this.holidays = new Set(schedule.holidays);
    this.shifts = schedule.shifts.map((s) => ({
      days: s.days.reduce((mask, d) => mask | (1 << (WEEKDAYS.indexOf(d) + 1)), 0),
      start: toMinute(s.start),
      end: toMinute(s.end),
    }));
  }

  /** Whether a shift covers this local time; `holiday` tells why not when it is one. */
  covers(t: LocalTime): { on: boolean; holiday: boolean } {
    const today = 1 << t.weekday;
    const yesterday = 1 << (t.weekday === 1 ? 7 : t.weekday - 1);
    const todayOff = this.holidays.has(t.date);
    let yesterdayOff: boolean | null = null;
    let blockedByHoliday = false;
    for (const s of this.shifts) {
      const overnight = s.end <= s.start;
      if (s.days & today && t.minute >= s.start && (overnight || t.minute < s.end)) {
        if (!todayOff) return { on: true, holiday: false };
        blockedByHoliday = true;
      }
      if (overnight && s.days & yesterday && t.minute < s.end) {
        yesterdayOff ??= this.holidays.has(previousDate(t.date));
        if (!yesterdayOff) return { on: true, holiday: false };
        blockedByHoliday = true;
      }
    }
    return { on: false, holiday: blockedByHoliday };
  }

  /** Open intervals [start, end) in local minutes for one local date, including last night's spill. */
  intervalsOn(date: string, weekday: number): [number, number][] {
    const out: [number, number][] = [];
    const today = 1 << weekday;
    const yesterday = 1 << (weekday === 1 ? 7 : weekday - 1);
    const todayOff = this.holidays.has(date);
    const yesterdayOff = this.holidays.has(previousDate(date));
    for (const s of this.shifts) {
      const overnight = s.end <= s.start;
      if (s.days & today && !todayOff) out.push([s.start, overnight ? 1440 : s.end]);
      if (overnight && s.days & yesterday && !yesterdayOff && s.end > 0) out.push([0, s.end]);
    }
    // Overlapping shifts (08-16 and 12-20) are one open stretch, not two to count twice.
    out.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [from, to] of out) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }
}

/**
 * Adds working minutes to an instant, counting only the schedule's open time in its timezone
 * (an SLA of 60 business minutes asked at 17:30 on a 9-18 day is due at 09:30 next working day).
 * Returns null when the schedule has no open time in the coming year.
 */
export function addBusinessMinutes(start: Date, minutes: number, schedule: CompiledSchedule | null, tz: string): Date | null {
  if (!schedule) return new Date(start.getTime() + minutes * 60_000);
  const zone = schedule.timezone ?? tz;
  let day = DateTime.fromJSDate(start, { zone }).startOf('day');
  let remaining = minutes * 60_000;
  for (let i = 0; i < 366; i++) {
    for (const [from, to] of schedule.intervalsOn(day.toISODate() ?? '', day.weekday)) {
      // Each open stretch's ends are wall-clock times turned into instants, and time is counted
      // between instants: a day that changes to or from summer time still closes at 18:00, and a
      // 24-hour desk's night of the change is an hour shorter or longer, as it really is.
      const begin = Math.max(at(day, from), start.getTime());
      const end = at(day, to);
      if (begin >= end) continue;
      if (remaining <= end - begin) return new Date(begin + remaining);
      remaining -= end - begin;
    }
    day = day.plus({ days: 1 });
  }
  return null;
}

/** The instant of a local wall-clock minute of a day (1440 is the next midnight). */
function at(day: DateTime, minute: number): number {
  if (minute >= 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
}
