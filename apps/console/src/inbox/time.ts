import { useSyncExternalStore } from 'react';

// One clock for every countdown on screen: a thousand rows tick with one timer, not a thousand.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The time now, re-rendering every second while mounted. */
export function useNow(): number {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => now,
  );
}

/** "2 h 5 min", "12 min", "40 s" in the language's own unit words. */
export function formatDuration(ms: number, lang: string): string {
  const s = Math.max(0, Math.round(Math.abs(ms) / 1000));
  const unit = (value: number, u: 'day' | 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  if (s >= 86_400) return unit(Math.floor(s / 86_400), 'day');
  if (s >= 3_600) {
    const m = Math.floor((s % 3_600) / 60);
    return m ? `${unit(Math.floor(s / 3_600), 'hour')} ${unit(m, 'minute')}` : unit(Math.floor(s / 3_600), 'hour');
  }
  if (s >= 60) return unit(Math.floor(s / 60), 'minute');
  return unit(s, 'second');
}

/** When the last message came: the time today, else the day. */
export function formatWhen(iso: string, lang: string, nowMs: number): string {
  const d = new Date(iso);
  const today = new Date(nowMs);
  const sameDay = d.toDateString() === today.toDateString();
  if (sameDay) return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(d);
  const sameYear = d.getFullYear() === today.getFullYear();
  return new Intl.DateTimeFormat(lang, sameYear ? { day: 'numeric', month: 'short' } : { dateStyle: 'short' }).format(d);
}
