/**
 * The far side of the X figures in a process of its own, so what X's side costs (composing posts,
 * filtering and projecting timeline pages, TLS) does not land in the node's event loop or its
 * CPU figure: the local X peer (`@centralita/channel-twitter/testing`) and, for the baseline, the
 * relay peer of the test-only channel. Started by bench/twitter.ts and told what to do over IPC;
 * every request carries an id that its answer repeats. Once asked to `watch`, it reports every
 * post the brand makes and every relay send, with the time it noticed it.
 */
import type { TwitterConfigInput } from '@centralita/channel-twitter';
import { type AddUserInput, type CapsOverride, peerConfig, startXPeer, X_ROUTES, type XPeer } from '@centralita/channel-twitter/testing';
import { RelayPeer } from '@centralita/testing';

/** One customer post: its author (an index into the users added), and the earlier post it answers (an index into the posts made). */
export interface PlannedPost {
  from: number;
  text: string;
  lang: string;
  replyTo?: number;
}

export type PeerRequest =
  | { type: 'start'; config: Partial<TwitterConfigInput> }
  | { type: 'users'; users: AddUserInput[] }
  | { type: 'post'; posts: PlannedPost[] }
  | { type: 'relay'; messages: { from: string; text: string }[] }
  | { type: 'watch' }
  | { type: 'dump' }
  | { type: 'stats' }
  | { type: 'stop' };

export interface PeerStarted {
  config: TwitterConfigInput;
  brand: { id: string; username: string };
  relayPort: number;
}

/** The customers' posts and their authors as the mentions timeline shows them (v2 shapes), oldest first. */
export interface PeerDump {
  posts: unknown[];
  users: unknown[];
}

export interface PeerStats {
  /** Requests answered, by route. */
  byRoute: Record<string, number>;
  posts: number;
  cpuMs: number;
}

/** Something the brand sent that reached a peer, and when it was noticed there (epoch ms, sub-millisecond). */
export interface Arrival {
  type: 'arrival';
  channel: 'x' | 'relay';
  text: string;
  at: number;
}

/** Tests poll many times a second and this bench reads thousands of pages: no cap is in the way. */
const ROOMY: CapsOverride = Object.fromEntries(X_ROUTES.map((r) => [r, { per15min: 10_000_000, per24h: 10_000_000 }]));

let x: XPeer | null = null;
let relay: RelayPeer | null = null;
const userIds: string[] = [];
const postIds: string[] = [];
let watcher: NodeJS.Timeout | null = null;

const now = () => performance.timeOrigin + performance.now();

function mustX(): XPeer {
  if (!x) throw new Error('the X peer is not started');
  return x;
}

/** Polls both peers' outboxes every millisecond: neither has a hook, and a copy of their short lists is cheap. */
function watch(send: (m: unknown) => void): void {
  let seenX = mustX().createdPosts().length;
  let seenRelay = relay?.sent.length ?? 0;
  watcher = setInterval(() => {
    const created = mustX().createdPosts();
    for (; seenX < created.length; seenX++) send({ type: 'arrival', channel: 'x', text: created[seenX]?.post.text ?? '', at: now() });
    const sent = relay?.sent ?? [];
    for (; seenRelay < sent.length; seenRelay++) send({ type: 'arrival', channel: 'relay', text: sent[seenRelay]?.text ?? '', at: now() });
  }, 1);
}

/** A v2 user as `user.fields` asks for it (what the adapter requests). */
function v2User(u: NonNullable<ReturnType<XPeer['user']>>) {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    verified: u.verified,
    receives_your_dm: u.acceptsDms,
    public_metrics: { followers_count: u.followers },
    ...(u.location === undefined ? {} : { location: u.location }),
  };
}

async function handle(req: PeerRequest, send: (m: unknown) => void): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      x = await startXPeer({ caps: ROOMY });
      relay = await new RelayPeer().listen();
      return {
        config: peerConfig(x, req.config),
        brand: { id: x.brand.id, username: x.brand.username },
        relayPort: relay.port,
      } satisfies PeerStarted;
    }
    case 'users':
      for (const u of req.users) userIds.push(mustX().addUser(u).id);
      return { count: userIds.length };
    case 'post': {
      const peer = mustX();
      for (const p of req.posts) {
        const replyTo = p.replyTo === undefined ? undefined : postIds[p.replyTo];
        const from = userIds[p.from];
        if (!from) throw new Error(`no user ${p.from}`);
        postIds.push(peer.post({ from, text: p.text, lang: p.lang, ...(replyTo ? { replyTo } : {}) }).id);
      }
      return { count: postIds.length };
    }
    case 'relay':
      for (const m of req.messages) relay?.push(m.from, m.text);
      return { count: relay?.messages.length ?? 0 };
    case 'watch':
      watch(send);
      return {};
    case 'dump': {
      const peer = mustX();
      const mine = new Set(postIds);
      const posts = peer
        .posts()
        .filter((p) => mine.has(p.id))
        .reverse();
      const users = userIds.map((id) => v2User(peer.user(id) as NonNullable<ReturnType<XPeer['user']>>));
      return { posts, users } satisfies PeerDump;
    }
    case 'stats': {
      const byRoute: Record<string, number> = {};
      for (const r of mustX().requests()) byRoute[r.route ?? r.path] = (byRoute[r.route ?? r.path] ?? 0) + 1;
      const cpu = process.cpuUsage();
      return { byRoute, posts: postIds.length, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies PeerStats;
    }
    case 'stop':
      if (watcher) clearInterval(watcher);
      await relay?.close();
      await x?.close();
      return {};
  }
}

process.on('message', (raw: unknown) => {
  const { id, request } = raw as { id: number; request: PeerRequest };
  const send = (m: unknown) => process.send?.(m);
  handle(request, send).then(
    (answer) => {
      send({ type: 'answer', id, answer });
      if (request.type === 'stop') {
        process.disconnect?.();
        setTimeout(() => process.exit(0), 50).unref();
      }
    },
    (err: unknown) => send({ type: 'answer', id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => {
  // The bench went away: do not linger holding ports.
  setTimeout(() => process.exit(0), 1_000).unref();
});
