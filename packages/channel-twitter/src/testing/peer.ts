import { Activity, type XDelivery, type XSubscription, type XWebhook } from './activity.ts';
import { selfSignedCertificate } from './certificate.ts';
import type { PeerCore, XCredentials, XTier } from './core.ts';
import { type Caps, type CapsOverride, type FaultSpec, Faults, RateLimits, type XRoute } from './limits.ts';
import { newestFirst } from './routes-posts.ts';
import { startServer, type XRequestLog } from './server.ts';
import {
  type AddUserInput,
  type CreatedPost,
  type PostInput,
  type SendDmInput,
  type SentDm,
  type XChatMessage,
  type XDmEvent,
  type XPost,
  XState,
  type XUser,
} from './state.ts';
import { UsageMeter, type XUsage } from './usage.ts';

export interface XPeerOptions {
  consumerKey?: string;
  consumerSecret?: string;
  accessToken?: string;
  accessSecret?: string;
  bearerToken?: string;
  /** The account the channel acts as (the owner of the access token). */
  brand?: { id: string; username: string; name: string };
  /** @default 'self_serve' */
  tier?: XTier;
  /** The peer's clock: post and DM times, rate-limit windows and resets. @default () => new Date() */
  now?: () => Date;
  /** Per-route overrides of the default rate limits (`DEFAULT_CAPS`). */
  caps?: CapsOverride;
}

/** A local stand-in for X's API v2, for tests that drive the real twitter-api-v2 client at it. */
export interface XPeer {
  /** `https://127.0.0.1:PORT`: the base URL for `baseUrlPlugin`. */
  url: string;
  /** The PEM certificate to trust (the `ca` for `baseUrlPlugin`). */
  ca: string;
  brand: XUser;
  credentials: XCredentials;
  tier: XTier;
  /** The rate limits in force, after overrides. */
  caps: Caps;

  /** Adds a person; the brand already exists. */
  addUser(input: AddUserInput): XUser;
  user(idOrUsername: string): XUser | undefined;
  /** A customer (or the brand, by its username) posts; returns the full v2 post. */
  post(input: PostInput): XPost;
  /** A customer writes to the brand; `encrypted: true` makes an XChat message instead. */
  sendDm(input: SendDmInput & { encrypted?: false }): XDmEvent;
  sendDm(input: SendDmInput & { encrypted: true }): XChatMessage;
  sendDm(input: SendDmInput): XDmEvent | XChatMessage;

  /** Every post, newest first. */
  posts(): XPost[];
  /** Posts the brand made through `POST /2/tweets`, oldest first. */
  createdPosts(): CreatedPost[];
  /** DMs the brand sent through the API, oldest first. */
  sentDms(): SentDm[];
  /** Every unencrypted DM event, oldest first. */
  dms(): XDmEvent[];
  /** What the peer counted per resource kind, every occurrence (see XUsage). */
  readonly reads: XUsage;
  /** The same, deduplicated per resource and UTC day as X bills it. */
  billed(): XUsage;
  /** Every request answered, oldest first. */
  requests(): XRequestLog[];

  /** The next `n` requests to `route` (or any route, `'*'`) fail as `fault` says. */
  failNext(route: XRoute | '*', n: number, fault: FaultSpec): void;

  webhooks(): XWebhook[];
  subscriptions(): XSubscription[];
  /** Marks a webhook invalid: deliveries stop (and are not kept) until `PUT /2/webhooks/:id` passes. */
  invalidateWebhook(id: string): void;
  /** Every webhook POST made so far, in the order they finished. */
  webhookDeliveries(): XDelivery[];
  /** Posts the last Activity API delivery again (same bytes, same `event_uuid`). */
  redeliverLast(): Promise<XDelivery>;
  /** Posts the deprecated Account Activity API body for a post or DM event id. */
  deliverAccountActivity(kind: 'tweet' | 'dm', id: string, options?: { webhookId?: string }): Promise<XDelivery[]>;
  /** Resolves when no webhook delivery is in flight. */
  settled(): Promise<void>;

  /** Destroys every open connection to the peer (clients see a reset). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Starts a peer on 127.0.0.1 with a fresh self-signed certificate and an empty X. */
export async function startXPeer(options: XPeerOptions = {}): Promise<XPeer> {
  const now = options.now ?? (() => new Date());
  const b = options.brand ?? { id: '1700000000000000001', username: 'acme_help', name: 'Acme Help' };
  const credentials: XCredentials = {
    appKey: options.consumerKey ?? 'xpeer-consumer-key',
    appSecret: options.consumerSecret ?? 'xpeer-consumer-secret-5c1f',
    // X access tokens start with the id of the user they act for.
    accessToken: options.accessToken ?? `${b.id}-xpeer-access-token`,
    accessSecret: options.accessSecret ?? 'xpeer-access-secret-9e2b',
    bearerToken: options.bearerToken ?? 'AAAAAAAAAAAAAAAAAAAAAxpeer-bearer-token',
  };
  const state = new XState(now);
  const brand = state.addUser({ id: b.id, username: b.username, name: b.name, followers: 12_400, verified: true, acceptsDms: true });
  const usage = new UsageMeter(now);
  const activity = new Activity(state, usage, credentials.appSecret);
  const tier = options.tier ?? 'self_serve';
  const core: PeerCore = { state, usage, activity, brand, tier, credentials, now };
  const limits = new RateLimits(options.caps ?? {}, now);
  const faults = new Faults();
  const tls = await selfSignedCertificate();
  const server = await startServer(tls, core, limits, faults);

  function sendDm(input: SendDmInput & { encrypted?: false }): XDmEvent;
  function sendDm(input: SendDmInput & { encrypted: true }): XChatMessage;
  function sendDm(input: SendDmInput): XDmEvent | XChatMessage;
  function sendDm(input: SendDmInput): XDmEvent | XChatMessage {
    const from = state.mustUser(input.from);
    if (from.id === brand.id) throw new Error('X test peer: sendDm is the customer side; the brand sends DMs through the API');
    return input.encrypted ? state.createChat(from, brand, input.text) : state.createDm(from, brand, input.text);
  }

  return {
    url: `https://127.0.0.1:${server.port}`,
    ca: tls.cert,
    brand,
    credentials,
    tier,
    caps: limits.caps,
    addUser: (input) => state.addUser(input),
    user: (idOrUsername) => state.user(idOrUsername),
    post: (input) => state.createPost(input),
    sendDm,
    posts: () => newestFirst(state.posts),
    createdPosts: () => [...state.created],
    sentDms: () => [...state.sent],
    dms: () => [...state.dms],
    get reads() {
      return usage.snapshot('raw');
    },
    billed: () => usage.snapshot('billed'),
    requests: () => [...server.requests],
    failNext: (route, n, fault) => faults.push(route, n, fault),
    webhooks: () => [...activity.webhooks.values()].map((w) => ({ ...w })),
    subscriptions: () => activity.listSubscriptions(),
    invalidateWebhook(id) {
      const hook = activity.webhooks.get(id);
      if (!hook) throw new Error(`X test peer: no webhook ${id}`);
      hook.valid = false;
    },
    webhookDeliveries: () => [...activity.deliveries],
    redeliverLast: () => activity.redeliverLast(),
    deliverAccountActivity: (kind, id, opts = {}) => activity.deliverAccountActivity(kind, id, brand.id, opts.webhookId),
    settled: () => activity.settled(),
    dropConnections: () => server.dropConnections(),
    async close() {
      await activity.settled();
      await server.close();
    },
  };
}
