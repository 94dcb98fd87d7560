import type { Conversation } from '@centralita/core';
import { type Db, findPortalToken, type Principal, type StoredMessage, teamIdsOf } from '@centralita/db';
import type { AgentView } from '@centralita/dispatcher';
import type { Server, Socket } from 'socket.io';
import { hashToken } from '../crypto.ts';
import type { Change } from '../pipeline/commits.ts';
import { type PortalMessage, toPortalMessage } from '../portal/portal-message.ts';
import { presentMessage } from '../services/privacy-view.ts';
import { masked, rooms, roomsFor, roomsOf, withTwins } from './rooms.ts';

/** What sockets need from the rest of the server: who a handshake is, and what they may see. */
export interface RealtimeDeps {
  db: Db;
  clock: () => Date;
  resolvePrincipal(auth: { authorization?: string | undefined; cookie?: string | undefined }): Promise<Principal | null>;
  canView(principal: Principal, conversationId: string): Promise<boolean>;
}

/**
 * Server-to-console events (documented in docs/realtime.md):
 * `conversation.created`, `conversation.updated` { conversation };
 * `message.created`, `message.updated` { conversationId, message } (the message masked for
 * sockets without `pii.view`, see rooms.ts `masked`); `agent.updated` { agent };
 * `channel_account.budget_warning`, `.budget_exhausted`, `.budget_changed` { channelAccountId, usage, event }.
 * The customer portal namespace `/portal` gets `message.created` { message } without notes.
 */
export interface Realtime {
  /** An agent's status, profile or load changed: supervisors and the agent hear it. */
  agent(workspaceId: string, agent: AgentView): void;
  /**
   * Something happened to a channel account (a budget notice, a budget change): supervisors and
   * admins hear `name` with `payload`, which carries its `channelAccountId`.
   */
  account(workspaceId: string, name: string, payload: { channelAccountId: string } & Record<string, unknown>): void;
  portal(conversationId: string, message: PortalMessage): void;
  /**
   * Closes the console sockets in these rooms on every node (sign-out, a deactivated user, a
   * revoked token, a changed role); clients that may still connect come back with fresh rooms.
   */
  disconnect(rooms: string[]): void;
  /** Broadcasts one commit's changes in their order (subscribed to the node's CommitStream). */
  onCommit(changes: readonly Change[]): void;
  attach(io: Server, deps: RealtimeDeps): void;
}

/** Broadcasts through socket.io once attached; before that (CLI, tests) it stays silent. */
export function createRealtime(): Realtime {
  let io: Server | null = null;
  // Conversation and message events leave only through onCommit, in commit order.
  const conversation = (kind: 'created' | 'updated', c: Conversation, alsoUser?: string | null) => {
    const list = roomsOf(c);
    if (alsoUser) list.push(rooms.user(alsoUser));
    io?.to(withTwins(list)).emit(`conversation.${kind}`, { conversation: c });
  };
  const message = (kind: 'created' | 'updated', c: Conversation, m: StoredMessage) => {
    const list = roomsOf(c);
    const raw = presentMessage(m, true);
    // One broadcast when there is nothing to mask; else the raw copy to the rooms, the masked one to their twins.
    if (!raw.privacy) io?.to(withTwins(list)).emit(`message.${kind}`, { conversationId: c.id, message: raw });
    else {
      io?.to(list).emit(`message.${kind}`, { conversationId: c.id, message: raw });
      io?.to(list.map(masked)).emit(`message.${kind}`, { conversationId: c.id, message: presentMessage(m, false) });
    }
    // Replies reach the customer's page through the channel's send (deliverToPortal), so
    // the page shows what was actually delivered; the customer's own messages echo here.
    if (m.direction === 'inbound') {
      io?.of('/portal')
        .to(rooms.portal(c.id))
        .emit(`message.${kind}`, { message: toPortalMessage(m) });
    }
  };
  return {
    agent(workspaceId, agent) {
      io?.to(withTwins([rooms.everything(workspaceId), rooms.user(agent.id)])).emit('agent.updated', { agent });
    },
    account(workspaceId, name, payload) {
      io?.to(withTwins([rooms.everything(workspaceId)])).emit(name, payload);
    },
    disconnect(list) {
      if (list.length > 0) io?.in(withTwins(list)).disconnectSockets(true);
    },
    portal(conversationId, message) {
      io?.of('/portal').to(rooms.portal(conversationId)).emit('message.created', { message });
    },
    onCommit(changes) {
      for (const c of changes) {
        if (c.kind === 'conversation') conversation(c.created ? 'created' : 'updated', c.conversation, c.alsoUser);
        else message(c.created ? 'created' : 'updated', c.conversation, c.message);
      }
    },
    attach(server, ctx) {
      io = server;
      server.use(async (socket, next) => {
        try {
          const token = typeof socket.handshake.auth.token === 'string' ? socket.handshake.auth.token : undefined;
          const principal = await ctx.resolvePrincipal({
            authorization: token ? `Bearer ${token}` : undefined,
            cookie: socket.handshake.headers.cookie,
          });
          if (!principal) return next(new Error('unauthenticated: sign in or pass an API token as auth.token'));
          const teams = principal.userId ? await teamIdsOf(ctx.db.kysely, principal.userId) : [];
          await socket.join(roomsFor(principal, teams));
          socket.data.principal = principal;
          closeAtExpiry(socket, principal.expiresAt, ctx.clock());
          next();
        } catch (err) {
          next(err instanceof Error ? err : new Error(String(err)));
        }
      });
      server.on('connection', (socket) => trackPresence(server, ctx, socket));
      server.of('/portal').use(async (socket, next) => {
        try {
          const token = socket.handshake.auth.token;
          const found = typeof token === 'string' ? await findPortalToken(ctx.db.kysely, hashToken(token), ctx.clock()) : undefined;
          if (!found) return next(new Error('This conversation link is unknown or has expired.'));
          await socket.join(rooms.portal(found.conversation_id));
          closeAtExpiry(socket, found.expires_at, ctx.clock());
          next();
        } catch (err) {
          next(err instanceof Error ? err : new Error(String(err)));
        }
      });
    },
  };
}

/**
 * Who is looking at which conversation, so two agents do not answer the same customer. A console
 * says `presence.view` { conversationId } when it opens one and `presence.leave` when it leaves;
 * everyone viewing it hears `presence.updated` { conversationId, viewers }. The list is read from
 * the sockets in the conversation's viewing room on every node (socket.io's fetchSockets), so no
 * node keeps state that another would miss.
 */
function trackPresence(server: Server, ctx: RealtimeDeps, socket: Socket): void {
  const principal = socket.data.principal as Principal | undefined;
  if (!principal?.userId) return;
  socket.data.viewer = { userId: principal.userId, name: principal.name };
  let viewing: string | null = null;
  const announce = async (conversationId: string) => {
    const sockets = await server.in(rooms.viewing(conversationId)).fetchSockets();
    const viewers = new Map<string, { userId: string; name: string }>();
    for (const s of sockets) {
      const v = s.data.viewer as { userId: string; name: string } | undefined;
      if (v) viewers.set(v.userId, v);
    }
    server.to(rooms.viewing(conversationId)).emit('presence.updated', { conversationId, viewers: [...viewers.values()] });
  };
  const leave = async () => {
    if (!viewing) return;
    const was = viewing;
    viewing = null;
    await socket.leave(rooms.viewing(was));
    await announce(was);
  };
  socket.on('presence.view', async (payload: unknown) => {
    const id = (payload as { conversationId?: unknown } | null)?.conversationId;
    if (typeof id !== 'string' || !UUID.test(id) || id === viewing) return;
    // Only a conversation this person may see: the room would otherwise leak who reads what.
    if (!(await ctx.canView(principal, id).catch(() => false))) return;
    await leave();
    viewing = id;
    await socket.join(rooms.viewing(id));
    await announce(id);
  });
  socket.on('presence.leave', () => void leave().catch(() => undefined));
  socket.on('disconnect', () => {
    if (viewing) void announce(viewing).catch(() => undefined);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** setTimeout's longest delay (about 24.8 days); a later expiry is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes a socket when the session, token or customer link it was opened with expires: checks
 * at connect time alone would let a socket opened a minute before expiry listen for ever.
 */
function closeAtExpiry(socket: Socket, expiresAt: Date | null, now: Date): void {
  if (!expiresAt) return;
  const remaining = expiresAt.getTime() - now.getTime();
  const timer = setTimeout(
    () => {
      if (remaining > MAX_TIMER_MS) closeAtExpiry(socket, expiresAt, new Date(now.getTime() + MAX_TIMER_MS));
      else socket.disconnect(true);
    },
    Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
  );
  timer.unref();
  socket.once('disconnect', () => clearTimeout(timer));
}
