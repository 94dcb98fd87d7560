/** The wall-clock parts of an instant in a time zone. */
function partsIn(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    weekday: 'short',
  }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    y: Number(get('year')),
    m: Number(get('month')) - 1,
    d: Number(get('day')),
    h: Number(get('hour')),
    min: Number(get('minute')),
    s: Number(get('second')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

/** The instant when it is y-m-d h:00 in `timeZone` (the zone's offset found by two guesses, for DST). */
function zonedTime(y: number, m: number, d: number, h: number, timeZone: string): number {
  let guess = Date.UTC(y, m, d, h);
  for (let i = 0; i < 2; i++) {
    const p = partsIn(guess, timeZone);
    const shown = Date.UTC(p.y, p.m, p.d, p.h, p.min, p.s);
    guess += Date.UTC(y, m, d, h) - shown;
  }
  return guess;
}

export type SnoozePreset = 'hour' | 'tomorrow' | 'week';

/** When a snooze preset ends: in an hour, tomorrow at 9:00 or next Monday at 9:00 in the agent's zone. */
export function snoozeUntil(preset: SnoozePreset, timeZone: string, now = Date.now()): Date {
  if (preset === 'hour') return new Date(now + 3_600_000);
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
  const today = partsIn(now, zone);
  const ahead = preset === 'tomorrow' ? 1 : (8 - today.weekday) % 7 || 7;
  const day = new Date(Date.UTC(today.y, today.m, today.d + ahead));
  return new Date(zonedTime(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 9, zone));
}
