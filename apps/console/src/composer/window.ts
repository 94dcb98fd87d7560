import { useEffect, useRef, useState } from 'react';

/**
 * Where a channel's reply window stands (WhatsApp: free-form replies for 24 hours after the
 * customer's latest message, templates only after that):
 * - `none`: the channel has no window;
 * - `open`: free text until `closesAt`;
 * - `closed`: only templates, since `closedAt`, or null when the customer never wrote.
 */
export type WindowState = { kind: 'none' } | { kind: 'open'; closesAt: Date; leftMs: number } | { kind: 'closed'; closedAt: Date | null };

/** The window at `now`, from the channel's hours and when the server says it closes. */
export function windowState(hours: number | null | undefined, closesAt: string | null | undefined, now: Date): WindowState {
  if (!hours) return { kind: 'none' };
  if (!closesAt) return { kind: 'closed', closedAt: null };
  const at = new Date(closesAt);
  const leftMs = at.getTime() - now.getTime();
  return leftMs > 0 ? { kind: 'open', closesAt: at, leftMs } : { kind: 'closed', closedAt: at };
}

/** Hours and whole minutes left ("3 h 12 min"); under a minute has its own words. */
export function timeLeft(leftMs: number): { hours: number; minutes: number } {
  const minutes = Math.floor(leftMs / 60_000);
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

/**
 * The current time, moving on each time the minutes left before `closesAt` change and once at
 * `closesAt` itself, so a countdown reads right and the window shuts on time without a reload;
 * every minute when nothing closes.
 */
export function useNow(closesAt: Date | null): Date {
  const [now, setNow] = useState(() => new Date());
  const until = closesAt?.getTime() ?? null;
  useEffect(() => {
    const left = until === null ? 0 : until - now.getTime();
    // A little past the boundary, so the next reading is on the other side of it.
    const delay = left > 0 ? (left % 60_000 || 60_000) + 50 : 60_000;
    const timer = setTimeout(() => setNow(new Date()), delay);
    return () => clearTimeout(timer);
  }, [now, until]);
  return now;
}

/**
 * The reply window of a conversation by this browser's clock (so it shuts on time, without a
 * reload), from what the reply options say; when it shuts, the options are read again so the
 * server's own refusal and its alternatives show.
 */
export function useReplyWindow(
  hours: number | null | undefined,
  options: { windowClosesAt: string | null } | null,
  refresh: () => unknown,
): WindowState {
  const closesAt = options?.windowClosesAt ?? null;
  const now = useNow(closesAt ? new Date(closesAt) : null);
  const state: WindowState = options ? windowState(hours, closesAt, now) : { kind: 'none' };
  const shut = state.kind === 'closed';
  const wasShut = useRef(shut);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  useEffect(() => {
    if (shut && !wasShut.current) void refreshRef.current();
    wasShut.current = shut;
  }, [shut]);
  return state;
}
