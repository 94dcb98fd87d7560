/**
 * The realtime figure's client, in a process of its own so it never runs in the server's event
 * loop: opens every console socket, sends webhook messages at a fixed rate (open loop: the next
 * message goes when it is due, whether or not earlier ones were answered), and times each
 * `message.created` from the moment its webhook request was sent to the moment a socket received
 * it. Send and receive times come from the same clock (this process's). Also counts, per socket
 * and conversation, a `message.created` that arrived before the conversation event its message
 * caused (`conversation.created` or `conversation.updated`), and deliveries that never came.
 * Configured by one IPC message; answers with one.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { benchText } from './desk.ts';
import { post } from './http-load.ts';
import type { BareHookBody } from './server-process.ts';

export interface ClientConfig {
  mode: 'centralita' | 'socketio';
  url: string;
  hookPath: string;
  /** Each socket's handshake auth and the rooms the server puts it in (for the deliveries expected). */
  sockets: { auth: Record<string, unknown>; rooms: string[] }[];
  /** Conversations with a team: messages thread into them, and their events go to `rooms`. */
  conversations: { id: string; thread: string; sender: string; rooms: string[] }[];
  /** Where a new conversation's events go (everyone in the workspace), and, for the bare server, where its assignment goes. */
  newRooms: string[];
  assignRooms: string[][];
  /** Every `newEvery`-th message starts a new conversation. */
  newEvery: number;
  rate: number;
  warmupMs: number;
  durationMs: number;
  tag: string;
}

export interface ClientResult {
  sockets: number;
  connectSeconds: number;
  sent: number;
  answered: number;
  failed: number;
  /** Why posts failed: an HTTP status, or the network error's code. */
  failures: Record<string, number>;
  /** Deliveries of measured messages: received, and expected from the rooms. */
  received: number;
  expected: number;
  outOfOrder: number;
  p50: number;
  p99: number;
  max: number;
  /** Messages sent in the measured window, and per second. */
  measured: number;
  /** Messages the server handled between the window opening and everything arriving (the server's cost is divided by this). */
  windowMessages: number;
  sentPerSecond: number;
  clientCpu: number;
  clientLoopP99Ms: number;
  /** Events received by type over the whole run (every message sent, until all arrived), and their mean JSON size. */
  events: Record<string, { count: number; bytes: number }>;
}

/**
 * Latencies in 10 µs buckets below one second and 1 ms buckets up to ten minutes: exact enough
 * for p50/p99 without keeping millions of numbers, and wide enough for a server that falls minutes
 * behind.
 */
class Histogram {
  private readonly fine = new Uint32Array(100_000);
  private readonly coarse = new Uint32Array(600_000);
  count = 0;
  max = 0;
  add(ms: number) {
    const v = Math.max(0, ms);
    if (v < 1_000) {
      const b = Math.floor(v * 100);
      this.fine[b] = (this.fine[b] as number) + 1;
    } else {
      const b = Math.min(this.coarse.length - 1, Math.floor(v));
      this.coarse[b] = (this.coarse[b] as number) + 1;
    }
    this.count += 1;
    if (v > this.max) this.max = v;
  }
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let b = 0; b < this.fine.length; b++) {
      seen += this.fine[b] as number;
      if (seen >= rank) return (b + 0.5) / 100;
    }
    for (let b = 1_000; b < this.coarse.length; b++) {
      seen += this.coarse[b] as number;
      if (seen >= rank) return b + 0.5;
    }
    return this.max;
  }
}

async function main(cfg: ClientConfig): Promise<ClientResult> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const hist = new Histogram();
  // Per message: when it was sent, whether it is in the measured window, and how many sockets should hear it.
  const sentAt = new Map<string, { t: number; measured: boolean }>();
  let received = 0;
  let expected = 0;
  let outOfOrder = 0;
  const events: Record<string, { count: number; bytes: number }> = {};
  let measuring = false;

  const roomSockets = new Map<string, Set<number>>();
  cfg.sockets.forEach((s, i) => {
    for (const r of s.rooms) {
      const set = roomSockets.get(r) ?? new Set<number>();
      roomSockets.set(r, set);
      set.add(i);
    }
  });
  const audience = new Map<string, number>();
  const audienceOf = (rooms: string[]) => {
    const key = rooms.join(' ');
    let n = audience.get(key);
    if (n === undefined) {
      const all = new Set<number>();
      for (const r of rooms) for (const i of roomSockets.get(r) ?? []) all.add(i);
      n = all.size;
      audience.set(key, n);
    }
    return n;
  };

  let counting = false;
  const record = (type: string, payload: unknown) => {
    if (!counting) return;
    const e = events[type] ?? { count: 0, bytes: 0 };
    events[type] = e;
    e.count += 1;
    // Sizing every payload would cost this process more than receiving it; one in 50 is plenty.
    if (e.count % 50 === 1) e.bytes += JSON.stringify(payload).length;
  };

  const t0 = performance.now();
  const sockets: Socket[] = [];
  const wave = 100;
  for (let i = 0; i < cfg.sockets.length; i += wave) {
    const batch = cfg.sockets.slice(i, i + wave).map((s) => {
      const socket = io(cfg.url, { transports: ['websocket'], auth: s.auth, reconnection: false, forceNew: true, multiplex: false });
      // What this socket has seen of each conversation: conversation events, and message.created.
      const seen = new Map<string, { conv: number; msg: number }>();
      const conv = (type: string) => (payload: { conversation: { id: string } }) => {
        record(type, payload);
        const id = payload.conversation.id;
        const s0 = seen.get(id);
        if (s0) s0.conv += 1;
        else seen.set(id, { conv: 1, msg: 0 });
      };
      socket.on('conversation.created', conv('conversation.created'));
      socket.on('conversation.updated', conv('conversation.updated'));
      socket.on('message.created', (payload: { conversationId: string; message: { externalId: string | null } }) => {
        const now = performance.now();
        record('message.created', payload);
        const s0 = seen.get(payload.conversationId) ?? { conv: 0, msg: 0 };
        seen.set(payload.conversationId, s0);
        s0.msg += 1;
        if (s0.msg > s0.conv) outOfOrder += 1;
        const sent = sentAt.get(payload.message.externalId ?? '');
        if (sent?.measured) {
          received += 1;
          hist.add(now - sent.t);
        }
      });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(new Error(`socket ${sockets.length} could not connect: ${err.message}`)));
      });
    });
    await Promise.all(batch);
  }
  const connectSeconds = (performance.now() - t0) / 1000;

  const base = new URL(cfg.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  let sent = 0;
  let answered = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string) => {
    failed += 1;
    failures[why] = (failures[why] ?? 0) + 1;
  };
  let inFlight = 0;
  let sentMeasured = 0;
  let answeredBefore = 0;
  const conversations = cfg.conversations;
  const sendOne = (i: number, measured: boolean) => {
    const id = `rt-${cfg.tag}-${i}`;
    const text = benchText(i);
    let body: string;
    let rooms: string[];
    if (i % cfg.newEvery === 0) {
      rooms = cfg.newRooms;
      if (cfg.mode === 'centralita') body = JSON.stringify({ id, from: `new-${cfg.tag}-${i}`, thread: `new-${cfg.tag}-${i}`, text });
      else {
        const b: BareHookBody = {
          id,
          conversationId: randomUUID(),
          text,
          kind: 'created',
          rooms,
          assignRooms: cfg.assignRooms[i % cfg.assignRooms.length] as string[],
        };
        body = JSON.stringify(b);
      }
    } else {
      const c = conversations[i % conversations.length] as ClientConfig['conversations'][number];
      rooms = c.rooms;
      if (cfg.mode === 'centralita') body = JSON.stringify({ id, from: c.sender, thread: c.thread, text });
      else body = JSON.stringify({ id, conversationId: c.id, text, kind: 'updated', rooms } satisfies BareHookBody);
    }
    if (measured) {
      expected += audienceOf(rooms);
      sentMeasured += 1;
    }
    sentAt.set(id, { t: performance.now(), measured });
    sent += 1;
    inFlight += 1;
    post(agent, base, { path: cfg.hookPath, headers: {}, body })
      .then((status) => {
        if (status === 201) answered += 1;
        else fail(`HTTP ${status}`);
      })
      .catch((err: { code?: string; message?: string }) => fail(err.code ?? err.message ?? 'error'))
      .finally(() => {
        inFlight -= 1;
      });
  };

  loop.enable();
  counting = true;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const from = start + cfg.warmupMs;
  const until = from + cfg.durationMs;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (!measuring && now >= from) {
        measuring = true;
        answeredBefore = answered + failed;
        process.send?.({ type: 'measuring' });
      }
      const due = Math.floor(((Math.min(now, until) - start) / 1000) * cfg.rate);
      // A server that stops answering must not make this process queue requests without bound.
      while (sent < due && inFlight < 2_000) sendOne(sent, now >= from);
      if (now >= until) {
        process.send?.({ type: 'sent' });
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  const sentPerSecond = sentMeasured / (cfg.durationMs / 1000);
  // Let what was sent arrive: until every delivery expected came, or nothing moved for 3 s.
  let last = -1;
  let still = performance.now();
  while (received < expected || inFlight > 0) {
    await new Promise((r) => setTimeout(r, 100));
    if (received !== last) {
      last = received;
      still = performance.now();
    } else if (performance.now() - still > 3_000) break;
  }
  measuring = false;
  counting = false;
  process.send?.({ type: 'settled' });
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  for (const s of sockets) s.disconnect();
  agent.destroy();
  for (const e of Object.values(events)) e.bytes = Math.round(e.bytes / Math.ceil(e.count / 50));
  return {
    sockets: sockets.length,
    connectSeconds,
    sent,
    answered,
    failed,
    failures,
    received,
    expected,
    outOfOrder,
    p50: hist.percentile(50),
    p99: hist.percentile(99),
    max: hist.max,
    measured: sentMeasured,
    windowMessages: sent - answeredBefore,
    sentPerSecond,
    clientCpu: (cpu.user + cpu.system) / 1e6 / wall,
    clientLoopP99Ms: loop.percentile(99) / 1e6,
    events,
  };
}

process.once('message', (cfg: ClientConfig) => {
  main(cfg).then(
    (result) => {
      process.send?.({ type: 'result', result }, () => process.exit(0));
    },
    (err: unknown) => {
      process.send?.({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1));
    },
  );
});
// The bench went away: stop sending to a server nobody measures.
process.on('disconnect', () => process.exit(0));
