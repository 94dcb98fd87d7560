import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type ChannelConnection,
  PHONE_IDENTITY,
  type ReplyTarget,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import { type ConformancePeer, createMemoryContext, type MemoryContext, waitFor } from '@centralita/channel-kit/conformance';
import type { MessageReceivedEvent, Visibility } from '@centralita/core';
import { connectCloud } from '../cloud/connection.ts';
import { BSUID_IDENTITY } from '../cloud/parse/index.ts';
import { SIGNATURE_HEADER } from '../cloud/webhook.ts';
import { parseConfig, type WhatsAppConfigInput } from '../config.ts';
import type { FakeWebClient } from './fake-web-client.ts';
import type { GraphPeer } from './peer.ts';
import type { PeerUser } from './state.ts';
import { metaJson, webhookSignature } from './webhook-sender.ts';

/** The webhook verify token of a peer account (Meta echoes the challenge only for it). */
export const PEER_VERIFY_TOKEN = 'peer-verify-token-5f2a9c71';

export interface PeerAccountOptions {
  /** Settings over the defaults (a second business number, `bsuidField`, `maxMediaBytes`...). */
  config?: Partial<WhatsAppConfigInput>;
  /**
   * Whether the suite's customers share their phone (`phone`, the usual case) or are known by
   * their business-scoped user id alone (`bsuid`, a WhatsApp username user). @default 'phone'
   */
  customers?: 'phone' | 'bsuid';
}

/** A Cloud API account on a `GraphPeer`, with the webhook receiver that stands where Centralita's URL would be. */
export interface WhatsAppPeerAccount {
  /** Settings that reach the peer: its URL, version, token, app secret, number and business account. */
  config: WhatsAppConfigInput;
  /** The receiver's URL: give it as the context's `webhookUrl` so `start` subscribes it. */
  webhookUrl: string;
  conformancePeer: ConformancePeer;
  /**
   * Where the receiver passes what reaches it (Meta's verification GET, the peer's deliveries):
   * this connection's `handleWebhook`. Until one is given (and after `forwardTo(null)`), a
   * connection of the account's own, on `standby`, answers.
   */
  forwardTo(connection: ChannelConnection | null): void;
  /** The context of the stand-by connection: what it emitted for deliveries nobody else took. */
  standby: MemoryContext;
  /** Every request the receiver passed on, with the answer it got, oldest first. */
  exchanges: { request: WebhookRequest; response: WebhookResponse }[];
  /** The peer user a suite sender ("ana@example.com") writes as. */
  customer(from: string): PeerUser;
  /** Stops the receiver and the peer. */
  close(): Promise<void>;
}

/**
 * A WhatsApp Cloud API account on the peer, in the shape `runConformanceSuite` takes. A customer's
 * message is the signed request Meta would post (`peer.inbound.text` in `peer.delivery`, the raw
 * body as Meta serialises it, `X-Hub-Signature-256` over it); what reached the customer is what
 * the peer accepted on `/messages`; the subscribed callback URLs are the peer's record.
 */
export async function peerAccount(peer: GraphPeer, options: PeerAccountOptions = {}): Promise<WhatsAppPeerAccount> {
  const receiver = await startReceiver();
  const config: WhatsAppConfigInput = {
    mode: 'cloud',
    graphUrl: peer.url,
    graphVersion: peer.version,
    accessToken: peer.accessToken,
    appSecret: peer.appSecret,
    verifyToken: PEER_VERIFY_TOKEN,
    phoneNumberId: peer.phoneNumberId,
    businessAccountId: peer.wabaId,
    // Short, so tests can step over the pair spacing without waiting 6 s.
    pairSpacingMs: 50,
    ...options.config,
  };
  const standby = createMemoryContext({ webhookUrl: receiver.url });
  const own = connectCloud(
    { id: standby.account.id, workspaceId: standby.account.workspaceId, name: 'standby', config: parseConfig(config) },
    standby,
  );
  let target: ChannelConnection = own;
  receiver.handle = (req) => (target.handleWebhook as NonNullable<ChannelConnection['handleWebhook']>)(req);

  const withPhone = (options.customers ?? 'phone') === 'phone';
  const customer = (from: string): PeerUser => {
    const user = customerFor(from, withPhone);
    return peer.user(user.bsuid) ?? peer.addUser(user);
  };
  const signed = (rawBody: Buffer): WebhookRequest => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      [SIGNATURE_HEADER]: webhookSignature(peer.appSecret, rawBody),
    },
    query: {},
    rawBody,
    clientIp: '127.0.0.1',
  });

  const conformancePeer: ConformancePeer = {
    async inbound({ from, text, replyTo }: { from: string; text: string; replyTo?: MessageReceivedEvent }) {
      const part = peer.inbound.text({ from: customer(from), text, ...(replyTo ? { context: replyTo.externalMessageId } : {}) });
      return signed(Buffer.from(metaJson(peer.delivery([part]))));
    },
    forge: (req) => ({
      ...req,
      headers: { ...req.headers, [SIGNATURE_HEADER]: webhookSignature(`${peer.appSecret}-forged`, req.rawBody) },
    }),
    sign: (req) => ({ ...req, headers: { ...req.headers, [SIGNATURE_HEADER]: webhookSignature(peer.appSecret, req.rawBody) } }),
    // Signed, so it gets past the signature to the parser: a delivery cut off mid-JSON.
    malformed: () => signed(Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[')),
    recipient(from) {
      const user = customer(from);
      return user.phone ? { kind: PHONE_IDENTITY, externalId: user.phone } : { kind: BSUID_IDENTITY, externalId: user.bsuid };
    },
    received: async () => peer.sent.map(textOf).filter((t): t is string => t !== null),
    async replyTarget(visibility: Visibility): Promise<ReplyTarget | null> {
      if (visibility !== 'private') return null;
      const user = customer('ana@example.com');
      // A message the customer sent a moment ago: the window is open.
      const part = peer.inbound.text({ from: user, text: '¿Me ayudáis con mi pedido?' });
      return {
        externalId: String(part.message?.id),
        visibility: 'private',
        metadata: {
          phoneNumberId: part.phoneNumberId,
          ...(user.phone ? { waId: user.phone.replace(/\D/g, '') } : {}),
          bsuid: user.bsuid,
          sentAt: new Date().toISOString(),
        },
        receivedAt: new Date(),
      };
    },
    registeredWebhooks: async () => peer.subscribedApps.flatMap((a) => (a.callbackUrl ? [a.callbackUrl] : [])),
  };

  return {
    config,
    webhookUrl: receiver.url,
    conformancePeer,
    forwardTo(connection) {
      target = connection ?? own;
    },
    standby,
    exchanges: receiver.exchanges,
    customer,
    async close() {
      await receiver.close();
      await own.stop();
      await peer.close();
    },
  };
}

/** A suite sender as a WhatsApp user: a Spanish mobile and a BSUID, both derived from the name so they are stable. */
function customerFor(from: string, withPhone: boolean): { bsuid: string; phone?: string; name: string } {
  const digits = BigInt(`0x${createHash('sha256').update(from).digest('hex').slice(0, 15)}`).toString();
  const name = from.replace(/@.*/, '');
  const bsuid = `ES.${digits}`;
  return withPhone ? { bsuid, phone: `+346${digits.padStart(8, '0').slice(-8)}`, name } : { bsuid, name };
}

/** What the customer reads of one sent message: its text or its caption. */
function textOf(sent: { type: string; body: Record<string, unknown> }): string | null {
  const part = sent.body[sent.type] as { body?: unknown; caption?: unknown } | undefined;
  const text = sent.type === 'text' ? part?.body : part?.caption;
  return typeof text === 'string' ? text : null;
}

interface Receiver {
  url: string;
  handle: (req: WebhookRequest) => Promise<WebhookResponse>;
  exchanges: { request: WebhookRequest; response: WebhookResponse }[];
  close(): Promise<void>;
}

/** Plain HTTP on 127.0.0.1 turning each request into a `WebhookRequest` for `handle`, and its answer back. */
async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    handle: async () => ({ status: 503, body: 'no connection yet' }),
    exchanges: [],
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    answer(receiver, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  receiver.url = `http://127.0.0.1:${port}/webhooks/whatsapp`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

async function answer(receiver: Receiver, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const request: WebhookRequest = {
    method: req.method ?? 'GET',
    headers,
    query: Object.fromEntries(url.searchParams),
    rawBody: Buffer.concat(chunks),
    clientIp: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const response = await receiver.handle(request);
  receiver.exchanges.push({ request, response });
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
  const type = typeof response.body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(response.status, { 'content-type': type, ...response.headers }).end(text);
}

/** A web-mode account on the fake WhatsApp Web client, in the shape `runConformanceSuite` takes. */
export interface FakeWebAccount {
  config: WhatsAppConfigInput;
  conformancePeer: ConformancePeer;
}

/**
 * A linked phone on `fake` (start it with `autoReady`, as a stored session comes back): a
 * customer's message arrives in their chat by phone (`<digits>@c.us`), live when the session is
 * ready and in the history a replay reads back when it is not; what reached them is what the
 * fake sent. A reply target waits for the session to be ready, as a reply only ever answers a
 * message the linked phone received.
 */
export function fakeWebAccount(fake: FakeWebClient, options: { config?: Partial<WhatsAppConfigInput> } = {}): FakeWebAccount {
  const chatOf = (from: string) => `${(customerFor(from, true).phone ?? '').replace(/\D/g, '')}@c.us`;
  const conformancePeer: ConformancePeer = {
    async inbound({ from, text, replyTo }: { from: string; text: string; replyTo?: MessageReceivedEvent }) {
      fake.receive({
        from: chatOf(from),
        body: text,
        notifyName: from.replace(/@.*/, ''),
        ...(replyTo ? { quoted: replyTo.externalMessageId } : {}),
      });
      return null;
    },
    recipient: (from) => ({ kind: PHONE_IDENTITY, externalId: customerFor(from, true).phone ?? '' }),
    received: async () => fake.sent.map((s) => s.content),
    dropConnections: async () => fake.disconnect('NAVIGATION'),
    async replyTarget(visibility: Visibility): Promise<ReplyTarget | null> {
      if (visibility !== 'private') return null;
      await waitFor(() => fake.ready, { what: 'the fake WhatsApp Web session to be ready' });
      const msg = fake.receive({ from: chatOf('ana@example.com'), body: '¿Me ayudáis con mi pedido?' });
      return { externalId: msg.id._serialized, visibility: 'private', metadata: { mode: 'web', chatId: msg.from }, receivedAt: new Date() };
    },
  };
  return { config: { mode: 'web', ...options.config }, conformancePeer };
}
