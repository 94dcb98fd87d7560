import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type SeededTemplate, withDatabaseOf } from './databases.ts';
import type { Desk } from './desk.ts';
import { sampleMemory, spawnServer, type WindowCost } from './server.ts';
import type { ClientConfig, ClientResult } from './socket-client-process.ts';

const clientScript = join(import.meta.dirname, 'socket-client-process.ts');

// The rooms apps/server/src/realtime/rooms.ts puts sockets in and sends events to, spelled out
// here so the bare server uses the same ones and the client knows who should hear what.
const room = {
  unteamed: (ws: string) => `ws:${ws}:unteamed`,
  everything: (ws: string) => `ws:${ws}:all`,
  team: (id: string) => `team:${id}`,
  user: (id: string) => `user:${id}`,
  token: (id: string) => `cred:api_token:${id}`,
};

/** One side of the realtime comparison. */
export interface RealtimeSide extends ClientResult {
  cost: WindowCost;
  /** The server process's peak RSS during the run: sampled, and the kernel's high-water mark. */
  peakRss: number;
  peakRssKernel: number;
  /** RSS once listening, before any socket connected. */
  startRss: number;
}

/** Runs the client process; `onPhase` hears when the measured window opens and closes. */
function runClient(cfg: ClientConfig, onPhase: (phase: 'measuring' | 'sent' | 'settled') => void): Promise<ClientResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', clientScript], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type: string; result?: ClientResult; message?: string }) => {
      if (m.type === 'measuring' || m.type === 'sent' || m.type === 'settled') onPhase(m.type);
      else if (m.type === 'result' && m.result) resolve(m.result);
      else reject(new Error(`socket client: ${m.message}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`socket client exited ${code}`));
    });
    child.send(cfg);
  });
}

/**
 * Inbound webhook to consoles: every desk user (1,000 agents in 20 teams, 10 supervisors) holds
 * one socket, opened in a second process; messages arrive by webhook at `rate` a second, spread
 * over the teams' conversations, one in `newEvery` starting a new conversation. Measured against
 * the real node and against a bare socket.io server with the same PostgreSQL adapter, rooms,
 * events and payloads, each on a fresh copy of the desk, bare first. The real node's memory is
 * sampled throughout.
 */
export async function benchRealtime(
  desk: SeededTemplate<Desk>,
  opts: { rate: number; warmupMs: number; durationMs: number; newEvery: number },
): Promise<{ product: RealtimeSide; bare: RealtimeSide }> {
  const d = desk.data;
  const ws = d.workspaceId;
  const sockets = d.users.map((u) => {
    const rooms = [room.unteamed(ws), room.token(u.tokenId), room.user(u.id)];
    if (u.role !== 'agent') rooms.push(room.everything(ws));
    if (u.team !== null) rooms.push(room.team(d.teamIds[u.team] as string));
    return { token: u.token, rooms };
  });
  const conversations = d.conversations.map((c) => ({
    id: c.id,
    thread: c.thread,
    sender: c.sender,
    rooms: [room.team(d.teamIds[c.team] as string), room.everything(ws), room.user(c.assigneeId)],
  }));
  const agents = d.users.filter((u) => u.role === 'agent');
  // Where the bare server sends a new conversation's assignment. The desk's catch-all rule picks
  // an agent without naming a team, so the node's assignment event goes to everyone in the
  // workspace and to that agent; the bare server does the same.
  const assignRooms = agents.slice(0, 50).map((a) => [room.unteamed(ws), room.user(a.id)]);

  const run = async (mode: 'centralita' | 'socketio'): Promise<RealtimeSide> =>
    withDatabaseOf(
      () => desk.clone(),
      async (db) => {
        const sample = JSON.parse(JSON.stringify(d.sample)) as { conversation: Record<string, unknown>; message: Record<string, unknown> };
        const node = await spawnServer(mode, db.url, mode === 'socketio' ? sample : undefined);
        const memory = sampleMemory(node.pid);
        try {
          const cfg: ClientConfig = {
            mode,
            url: node.url,
            hookPath: mode === 'centralita' ? `/webhooks/${d.hookId}` : '/hook',
            sockets: sockets.map((s) => ({ auth: mode === 'centralita' ? { token: s.token } : { rooms: s.rooms }, rooms: s.rooms })),
            conversations,
            newRooms: [room.unteamed(ws)],
            assignRooms,
            newEvery: opts.newEvery,
            rate: opts.rate,
            warmupMs: opts.warmupMs,
            durationMs: opts.durationMs,
            tag: mode,
          };
          // The server's cost is measured from the opening of the client's measured window until
          // everything sent has arrived, so a server that falls behind pays for its backlog too.
          let opened: Promise<{ stop(): Promise<WindowCost> }> | null = null;
          let closed: Promise<WindowCost> | null = null;
          const result = await runClient(cfg, (phase) => {
            if (phase === 'measuring') opened = node.measure();
            else if (phase === 'settled' && opened) closed = opened.then((w) => w.stop());
          });
          if (!closed) throw new Error('the socket client never opened its measured window');
          const cost = await (closed as Promise<WindowCost>);
          const mem = memory.stop();
          return { ...result, cost, peakRss: mem.peakSampled, peakRssKernel: mem.peakKernel, startRss: mem.atStart };
        } finally {
          memory.stop();
          await node.stop();
        }
      },
    );
  const bare = await run('socketio');
  const product = await run('centralita');
  return { product, bare };
}
