import { io, type Socket } from 'socket.io-client';
import { afterEach } from 'vitest';

const open: Socket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

/** A connected socket that records every event it receives. */
export interface Listener {
  socket: Socket;
  events: { name: string; payload: unknown }[];
}

/** Connects to the console namespace (cookie or token) or the customer portal; waits until connected. */
export async function listen(
  base: string,
  opts: { cookie?: string; token?: string; namespace?: string; origin?: string },
): Promise<Listener> {
  const socket = io(`${base}${opts.namespace ?? ''}`, {
    transports: ['websocket'],
    reconnection: false,
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.origin ? { origin: opts.origin } : {}) },
  });
  open.push(socket);
  const events: Listener['events'] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return { socket, events };
}

/** A connection attempt's refusal message, or null if it connected. */
export async function refusal(
  base: string,
  opts: { cookie?: string; token?: string; namespace?: string; origin?: string },
): Promise<string | null> {
  try {
    await listen(base, opts);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
