/**
 * A server under test in a process of its own, so its CPU and memory are its own and the load
 * generator never runs in its event loop. Started by bench/server.ts; told what to run over IPC:
 *
 * - `centralita`: the real node (createCentralita with the installed channels plus the bench
 *   webhook, job worker on, behind one trusted proxy so X-Forwarded-For is each client's address).
 * - `express`: the web-form baseline, a bare Express endpoint that parses JSON and inserts one row.
 * - `socketio`: the realtime baseline, a bare socket.io server with the same PostgreSQL adapter,
 *   which joins the rooms the client names and broadcasts the events the real node would, with
 *   payloads built from a real message and conversation.
 *
 * Every mode counts the statements it sends to PostgreSQL, and answers `stats` with them, its CPU
 * time, RSS and event-loop delay; `profile-start` / `profile-stop` write a V8 CPU profile.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, type Db } from '@centralita/db';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import express from 'express';
import { Server as SocketServer } from 'socket.io';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { createOrderedAdapter } from '../apps/server/src/realtime/ordered-adapter.ts';
import { createBenchHookAdapter } from './bench-hook.ts';
import { countStatements } from './cost.ts';

export type ServerMode = 'centralita' | 'express' | 'socketio';

export interface StartMessage {
  type: 'start';
  mode: ServerMode;
  dbUrl: string;
  /** Group and time statements by their first words (--explain). */
  groupStatements?: boolean;
  /** For `socketio`: use apps/server's ordered wrapper of the PostgreSQL adapter. */
  orderedAdapter?: boolean;
  /** For `socketio`: a broadcast conversation and message to copy. */
  sample?: { conversation: Record<string, unknown>; message: Record<string, unknown> };
}

export interface ServerStats {
  type: 'stats';
  pid: number;
  rss: number;
  cpuMs: number;
  statements: number;
  /** Statements by their first words, since the last reset. */
  byText: Record<string, number>;
  msByText: Record<string, number>;
  loopP99Ms: number;
  loopMaxMs: number;
}

/** The body the bare socket.io server takes: what to broadcast for one inbound message. */
export interface BareHookBody {
  id: string;
  conversationId: string;
  text: string;
  kind: 'created' | 'updated';
  rooms: string[];
  /** A new conversation is then routed: its assignment goes to these rooms. */
  assignRooms?: string[];
}

let statements: ReturnType<typeof countStatements> | null = null;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

function open(url: string, group: boolean): Db {
  const db = connect(url, { max: 10 });
  statements = countStatements(db.pool, group);
  return db;
}

function listen(http: HttpServer): Promise<string> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(http.address() as AddressInfo).port}`));
  });
}

async function start(msg: StartMessage): Promise<{ url: string; stop(): Promise<void> }> {
  const db = open(msg.dbUrl, msg.groupStatements === true);
  if (msg.mode === 'centralita') {
    const node = createCentralita({
      db,
      logger: createLogger('silent'),
      secretKey: randomBytes(32),
      adapters: [...installedAdapters(), createBenchHookAdapter()],
      trustProxy: 1,
    });
    const url = await node.listen(0, '127.0.0.1');
    return {
      url,
      async stop() {
        await node.stop();
        await db.close();
      },
    };
  }
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  if (msg.mode === 'express') {
    await db.pool.query(
      'CREATE TABLE IF NOT EXISTS bench_posts (id bigserial PRIMARY KEY, client text, body jsonb, created_at timestamptz DEFAULT now())',
    );
    app.post('/form', express.json(), async (req, res) => {
      await db.pool.query('INSERT INTO bench_posts (client, body) VALUES ($1, $2)', [req.ip, req.body]);
      res.status(201).json({ stored: true });
    });
    const http = createServer(app);
    const url = await listen(http);
    return {
      url,
      async stop() {
        http.closeAllConnections();
        await new Promise((resolve) => http.close(resolve));
        await db.close();
      },
    };
  }
  const sample = msg.sample;
  if (!sample) throw new Error('the socketio baseline needs a sample conversation and message');
  const http = createServer(app);
  const io = new SocketServer(http, { serveClient: false });
  // The stock adapter, as the issue asks; --bare-ordered swaps in the node's own wrapper, which
  // publishes one broadcast at a time, to tell its cost from the rest of the node's.
  io.adapter((msg.orderedAdapter ? createOrderedAdapter : createPostgresAdapter)(db.pool, { errorHandler: () => undefined }));
  io.use(async (socket, next) => {
    const list = socket.handshake.auth.rooms;
    if (!Array.isArray(list)) return next(new Error('unauthenticated'));
    await socket.join(list as string[]);
    next();
  });
  app.post('/hook', express.json(), (req, res) => {
    const b = req.body as BareHookBody;
    const now = new Date().toISOString();
    const conversation = { ...sample.conversation, id: b.conversationId, lastMessageAt: now, lastInboundAt: now };
    const message = {
      ...sample.message,
      id: randomUUID(),
      conversationId: b.conversationId,
      externalId: b.id,
      text: b.text,
      createdAt: now,
    };
    io.to(b.rooms).emit(`conversation.${b.kind}`, { conversation });
    io.to(b.rooms).emit('message.created', { conversationId: b.conversationId, message });
    if (b.assignRooms) io.to(b.assignRooms).emit('conversation.updated', { conversation });
    res.status(201).json({ conversationId: b.conversationId, duplicate: false });
  });
  const url = await listen(http);
  return {
    url,
    async stop() {
      http.closeAllConnections();
      await io.close().catch(() => undefined);
      await db.close();
    },
  };
}

let running: { url: string; stop(): Promise<void> } | null = null;
/** A CPU profile of the measured window, when the bench asks for one. */
let profiler: Session | null = null;
process.on('message', (raw: unknown) => {
  const msg = raw as { type: string; file?: string };
  const send = (m: unknown) => process.send?.(m);
  (async () => {
    if (msg.type === 'start') {
      running = await start(msg as StartMessage);
      send({ type: 'ready', url: running.url, pid: process.pid });
    } else if (msg.type === 'profile-start') {
      profiler ??= new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      send({ type: 'profiling' });
    } else if (msg.type === 'profile-stop' && profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(msg.file ?? 'profile.cpuprofile', JSON.stringify(profile));
      profiler.disconnect();
      send({ type: 'profiled' });
    } else if (msg.type === 'reset') {
      statements?.reset();
      loop.reset();
      send({ type: 'reset' });
    } else if (msg.type === 'stats') {
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        pid: process.pid,
        rss: process.memoryUsage().rss,
        cpuMs: (cpu.user + cpu.system) / 1000,
        statements: statements?.count ?? 0,
        byText: Object.fromEntries(statements?.byText ?? []),
        msByText: Object.fromEntries(statements?.msByText ?? []),
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
      } satisfies ServerStats);
    } else if (msg.type === 'stop') {
      await running?.stop();
      send({ type: 'stopped' });
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50).unref();
    }
  })().catch((err: unknown) => {
    send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});
process.on('disconnect', () => {
  // The bench went away: do not linger holding connections to its databases.
  setTimeout(() => process.exit(0), 1_000).unref();
});
