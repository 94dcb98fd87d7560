import type { Agent } from '../api/types.ts';

// The same reading of a schedule as routing's (packages/routing/src/schedule.ts, CompiledSchedule),
// small enough to repeat here: that package brings luxon, zod and CEL, which the console does not need.

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface Local {
  date: string;
  weekday: number;
  minute: number;
}

function localNow(at: Date, tz: string): Local | null {
  try {
    const parts: Record<string, string> = {};
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    for (const p of f.formatToParts(at)) parts[p.type] = p.value;
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      weekday: WEEKDAY[parts.weekday ?? 'Mon'] ?? 1,
      minute: Number(parts.hour) * 60 + Number(parts.minute),
    };
  } catch {
    return null;
  }
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function previousDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export interface ShiftToday {
  /** No schedule: available whenever online. */
  always: boolean;
  on: boolean;
  holiday: boolean;
  /** Today's working stretches, local "HH:MM" to "HH:MM" (last night's spill included). */
  stretches: { from: string; to: string }[];
  timezone: string;
}

/** Today's shifts in the agent's (or the schedule's) timezone, and whether one covers this moment. */
export function shiftToday(agent: Pick<Agent, 'schedule' | 'timezone'>, at: Date): ShiftToday {
  const schedule = agent.schedule;
  const timezone = schedule?.timezone ?? agent.timezone;
  if (!schedule) return { always: true, on: true, holiday: false, stretches: [], timezone };
  const t = localNow(at, timezone);
  if (!t) return { always: false, on: false, holiday: false, stretches: [], timezone };
  const today = DAYS[t.weekday - 1] as string;
  const yesterday = DAYS[(t.weekday + 5) % 7] as string;
  const todayOff = schedule.holidays?.includes(t.date) ?? false;
  const yesterdayOff = schedule.holidays?.includes(previousDate(t.date)) ?? false;
  const stretches: { from: string; to: string }[] = [];
  let on = false;
  for (const s of schedule.shifts) {
    const start = minuteOf(s.start);
    const end = minuteOf(s.end);
    const overnight = end <= start;
    if ((s.days as string[]).includes(today) && !todayOff) {
      stretches.push({ from: s.start, to: overnight ? '24:00' : s.end });
      if (t.minute >= start && (overnight || t.minute < end)) on = true;
    }
    if (overnight && end > 0 && (s.days as string[]).includes(yesterday) && !yesterdayOff) {
      stretches.push({ from: '00:00', to: s.end });
      if (t.minute < end) on = true;
    }
  }
  stretches.sort((a, b) => a.from.localeCompare(b.from));
  return { always: false, on, holiday: todayOff, stretches, timezone };
}
