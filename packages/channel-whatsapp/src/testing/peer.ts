import type { GraphTemplate } from '../cloud/graph-templates.ts';
import { type InboundBuilders, inboundBuilders } from './inbound.ts';
import { type FaultSpec, Faults, SendLimits } from './limits.ts';
import { type ChangePart, type DeliveryGrouping, envelope, type WebhookPayload } from './payloads.ts';
import { type AddMediaOptions, storeMedia } from './routes-media.ts';
import { startServer } from './server.ts';
import {
  type PeerPhoneNumber,
  type PeerRequestLog,
  PeerState,
  type PeerUser,
  type PeerUserInput,
  type ReadReceipt,
  type SentMessage,
  type StoredMedia,
  type SubscribedApp,
} from './state.ts';
import { type StatusBuilders, statusBuilders } from './statuses.ts';
import { defaultTemplates } from './templates.ts';
import {
  type DeliveryResult,
  deliver,
  type SignatureMode,
  type VerifyResult,
  verifyWebhook,
  type WebhookDelivery,
} from './webhook-sender.ts';

export interface GraphPeerOptions {
  /** @default 'EAAPeerAccessToken...' */
  accessToken?: string;
  /** Signs webhook deliveries. @default 'peer-app-secret-...' */
  appSecret?: string;
  /** The Graph API version the peer serves (and requires in every path). @default 'v26.0' */
  version?: string;
  /** The WhatsApp Business account id. @default '102290129340398' */
  wabaId?: string;
  /** The business numbers; the first is the default for builders. @default one Spanish number */
  phoneNumbers?: PeerPhoneNumber[];
  /** Replaces the default templates (`defaultTemplates()`). */
  templates?: GraphTemplate[];
  /** Page size of `GET /message_templates` when the request names no `limit`. @default 25 */
  templatePageSize?: number;
  /** Refuse a second message to the same user within this many ms with 131056. @default off */
  pairRateMs?: number;
  /** Messages per second per business number before 130429. @default off */
  throughput?: number;
  /** The peer's clock: timestamps, rate windows, download URL expiry. @default () => new Date() */
  now?: () => Date;
}

/** Where the peer posts statuses on its own after each accepted send. */
export interface StatusWebhook {
  url: string;
  /** Also post `read` after `delivered`. */
  read?: boolean;
  /** Post a single `failed` status with this code instead (131026, 131047, ...). */
  failWith?: number;
  signature?: SignatureMode;
}

/** A local WhatsApp Cloud API (Graph API) and Meta's webhook sender, for tests. */
export interface GraphPeer {
  /** `http://127.0.0.1:PORT`: the client's `baseUrl`. */
  url: string;
  version: string;
  accessToken: string;
  appSecret: string;
  wabaId: string;
  /** The first business number's id (the builders' default). */
  phoneNumberId: string;
  phoneNumbers: PeerPhoneNumber[];
  /** The account's templates in Graph's format; tests may push, edit or empty it. */
  templates: GraphTemplate[];

  /** Every message accepted on `/messages`, oldest first (read receipts are in `readReceipts`). */
  readonly sent: SentMessage[];
  readonly readReceipts: ReadReceipt[];
  /** Every successful `POST /{waba-id}/subscribed_apps`. */
  readonly subscribedApps: SubscribedApp[];
  /** Every request answered, oldest first. */
  readonly requests: PeerRequestLog[];
  /** Every webhook POST the peer made (by `deliver` or auto-statuses), in the order they finished. */
  readonly deliveries: WebhookDelivery[];
  /** Users the peer knows, by BSUID. */
  user(bsuid: string): PeerUser | undefined;
  /** Registers a user ahead of any message (a phone later joining a BSUID, say). */
  addUser(user: PeerUserInput): PeerUser;

  /** The next request(s) to a route fail as `spec` says (see FaultSpec). */
  failNext(spec: FaultSpec): void;
  /** Drops every pending fault. */
  clearFaults(): void;

  /** Stores a file a customer sent; returns the media id that inbound builders and `GET /{id}` use. */
  addMedia(bytes: Uint8Array, mimeType: string, options?: string | AddMediaOptions): string;
  media(id: string): StoredMedia | undefined;

  /** Builders of customer messages (`messages[]` with their contact), to pass to `delivery`. */
  inbound: InboundBuilders;
  /** Builders of statuses about our messages: `peer.statuses.delivered(peer.sent[0])`. */
  statuses: StatusBuilders;
  /** Wraps parts in Meta's webhook envelope (see DeliveryGrouping; default one change per part). */
  delivery(parts: ChangePart[], options?: { grouping?: DeliveryGrouping }): WebhookPayload;

  /** Meta's verification GET against a webhook URL. */
  verifyWebhook(url: string, verifyToken: string, challenge?: string): Promise<VerifyResult>;
  /** POSTs a payload (or raw string) as Meta does, signed as `signature` says. */
  deliver(url: string, payload: WebhookPayload | string, options?: { signature?: SignatureMode }): Promise<DeliveryResult>;
  /** When set, each accepted send is followed by signed `sent` and `delivered` posts to it. */
  statusWebhook: StatusWebhook | null;
  /** Resolves once every automatic status post has finished. */
  settled(): Promise<void>;

  /** Destroys every open connection to the peer (clients see a reset). */
  dropConnections(): void;
  close(): Promise<void>;
}

const DEFAULT_NUMBER: PeerPhoneNumber = {
  id: '106540352242922',
  displayPhoneNumber: '+34 910 00 00 00',
  verifiedName: 'Acme Tienda',
  qualityRating: 'GREEN',
};

/** Starts a peer on 127.0.0.1 at a free port with one business number and the default templates. */
export async function startGraphPeer(options: GraphPeerOptions = {}): Promise<GraphPeer> {
  const now = options.now ?? (() => new Date());
  const phoneNumbers = (options.phoneNumbers ?? [DEFAULT_NUMBER]).map((p) => ({ ...p }));
  const first = phoneNumbers[0];
  if (!first) throw new Error('WhatsApp test peer: at least one business phone number is needed');
  const state = new PeerState(phoneNumbers, options.templates ? structuredClone(options.templates) : defaultTemplates(), now);
  const accessToken = options.accessToken ?? 'EAAPeerAccessToken0centralita0whatsapp0test';
  const appSecret = options.appSecret ?? 'peer-app-secret-6b1d0c9e';
  const wabaId = options.wabaId ?? '102290129340398';
  const deliveries: WebhookDelivery[] = [];
  const faults = new Faults();
  const statuses = statusBuilders(state, first.id);
  let chain: Promise<void> = Promise.resolve();
  let url = '';

  async function post(target: string, payload: WebhookPayload | string, signature: SignatureMode = 'good'): Promise<DeliveryResult> {
    const result = await deliver(target, appSecret, payload, signature);
    deliveries.push({ ...result, url: target, at: now() });
    return result;
  }

  const peer: GraphPeer = {
    url: '',
    version: options.version ?? 'v26.0',
    accessToken,
    appSecret,
    wabaId,
    phoneNumberId: first.id,
    phoneNumbers,
    get templates() {
      return state.templates;
    },
    set templates(value: GraphTemplate[]) {
      state.templates.splice(0, state.templates.length, ...value);
    },
    sent: state.sent,
    readReceipts: state.readReceipts,
    subscribedApps: state.subscribedApps,
    requests: state.requests,
    deliveries,
    user: (bsuid) => state.users.get(bsuid),
    addUser: (user) => state.upsertUser(user),
    failNext: (spec) => faults.push(spec),
    clearFaults: () => faults.clear(),
    addMedia(bytes, mimeType, opts) {
      return storeMedia(state, bytes, mimeType, 'customer', typeof opts === 'string' ? { filename: opts } : (opts ?? {})).id;
    },
    media: (id) => state.media.get(id),
    inbound: inboundBuilders(state, first.id),
    statuses,
    delivery: (parts, opts = {}) => envelope(state, wabaId, parts, opts.grouping),
    verifyWebhook: (target, verifyToken, challenge) => verifyWebhook(target, verifyToken, challenge),
    deliver: (target, payload, opts = {}) => post(target, payload, opts.signature),
    statusWebhook: null,
    settled: async () => {
      // A status post can queue behind another; wait until the chain stops growing.
      let seen: Promise<void> | null = null;
      while (seen !== chain) {
        seen = chain;
        await chain;
      }
    },
    dropConnections: () => server.dropConnections(),
    async close() {
      await peer.settled();
      await server.close();
    },
  };

  // Statuses go out in order, one send after another, as Meta mostly delivers them.
  function autoStatuses(sent: SentMessage): void {
    const hook = peer.statusWebhook;
    if (!hook) return;
    const parts = hook.failWith !== undefined ? [statuses.failed(sent, hook.failWith)] : [statuses.sent(sent), statuses.delivered(sent)];
    if (hook.failWith === undefined && hook.read) parts.push(statuses.read(sent));
    chain = chain.then(async () => {
      for (const part of parts) await post(hook.url, envelope(state, wabaId, [part]), hook.signature);
    });
  }

  const server = await startServer(
    {
      state,
      accessToken,
      appSecret,
      appId: '1234567890123456',
      version: peer.version,
      wabaId,
      baseUrl: () => url,
      limits: new SendLimits(options.pairRateMs ?? null, options.throughput ?? null, now),
      templatePageSize: options.templatePageSize ?? 25,
      onSent: autoStatuses,
      verifyCallback: (target, token) => verifyWebhook(target, token),
    },
    faults,
  );
  url = `http://127.0.0.1:${server.port}`;
  peer.url = url;
  return peer;
}
