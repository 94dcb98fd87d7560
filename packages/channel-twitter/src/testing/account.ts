import { createServer, type IncomingMessage, type Server } from 'node:http';
import { hmacSha256, type ReplyTarget, type WebhookRequest } from '@centralita/channel-kit';
import type { ConformancePeer } from '@centralita/channel-kit/conformance';
import type { Visibility } from '@centralita/core';
import type { TwitterConfigInput } from '../config.ts';
import { crcResponse } from '../webhook.ts';
import type { XPeer } from './peer.ts';
import type { XUser } from './state.ts';

/** An account's settings that reach `peer`, polling fast (tests) or taking its webhook. */
export function peerConfig(peer: XPeer, overrides: Partial<TwitterConfigInput> = {}): TwitterConfigInput {
  const c = peer.credentials;
  return {
    consumerKey: c.appKey,
    consumerSecret: c.appSecret,
    accessToken: c.accessToken,
    accessTokenSecret: c.accessSecret,
    bearerToken: c.bearerToken,
    apiUrl: peer.url,
    caCertificate: peer.ca,
    mentionsIntervalSeconds: 0.05,
    directMessagesIntervalSeconds: 0.05,
    reconcileSeconds: 0.2,
    ...overrides,
  };
}

/** A conversation partner on the peer for a conformance sender ("ana@example.com" → @ana_example). */
export function customerOn(peer: XPeer, from: string): XUser {
  const username = from.replace(/@.*/, '').replace(/\W/g, '_').slice(0, 8) + '_x';
  return peer.user(username) ?? peer.addUser({ username, name: from, followers: 120, acceptsDms: true });
}

export interface PeerAccount {
  config: TwitterConfigInput;
  /** Webhook mode: the local receiver the peer delivers to (it answers the CRC for the account). */
  webhookUrl?: string;
  conformancePeer: ConformancePeer;
  close(): Promise<void>;
}

/**
 * An X account on the peer for the conformance suite. In webhook mode a small HTTP receiver
 * stands where Centralita's webhook would be: it answers X's CRC check as the channel does and
 * keeps each delivery, which `inbound` hands to the suite as the request X made. In polling mode
 * the customer's post simply waits at the peer for the next read.
 */
export async function peerAccount(peer: XPeer, options: { mode: 'polling' | 'webhook' }): Promise<PeerAccount> {
  const webhook = options.mode === 'webhook';
  const config = peerConfig(peer, {
    webhook,
    // Webhook mode takes everything by webhook: no reconciling reads to race the suite's checks.
    mentions: !webhook,
    directMessages: !webhook,
    listening: false,
  });
  const receiver = webhook ? await startReceiver(peer.credentials.appSecret) : null;
  const inbound = async ({ from, text, replyTo }: { from: string; text: string; replyTo?: { externalMessageId: string } }) => {
    const author = customerOn(peer, from);
    // The handle goes after the text: in a reply, X takes leading handles for the reply's
    // addressees, not for a mention (no post.mention.create).
    const post = peer.post({
      from: author.username,
      text: `${text} @${peer.brand.username}`,
      ...(replyTo ? { replyTo: replyTo.externalMessageId } : {}),
    });
    if (!receiver) return null;
    await peer.settled();
    const delivery = receiver.deliveries.find((d) => d.rawBody.includes(`"${post.id}"`));
    if (!delivery) throw new Error(`the peer delivered nothing for post ${post.id}`);
    return delivery;
  };
  const conformancePeer: ConformancePeer = {
    inbound,
    recipient: (from) => ({ kind: 'twitter', externalId: customerOn(peer, from).id }),
    received: async () => [...peer.createdPosts().map((p) => p.post.text), ...peer.sentDms().map((d) => d.event.text)],
    dropConnections: async () => peer.dropConnections(),
    async replyTarget(visibility: Visibility): Promise<ReplyTarget | null> {
      if (visibility !== 'public') return null;
      const author = customerOn(peer, 'ana@example.com');
      const post = peer.post({ from: author.username, text: `@${peer.brand.username} ¿me ayudáis?` });
      return {
        externalId: post.id,
        visibility: 'public',
        metadata: { summonsBrand: true, url: `https://x.com/${author.username}/status/${post.id}` },
        receivedAt: new Date(),
      };
    },
    ...(receiver
      ? {
          forge: (req: WebhookRequest) => ({
            ...req,
            headers: { ...req.headers, 'x-twitter-webhooks-signature': `sha256=${'A'.repeat(43)}=` },
          }),
          sign: (req: WebhookRequest) => ({
            ...req,
            headers: { ...req.headers, 'x-twitter-webhooks-signature': signatureOf(peer, req.rawBody) },
          }),
          malformed: () => {
            const rawBody = Buffer.from('{"data": {"event_type": ');
            return {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signatureOf(peer, rawBody) },
              query: {},
              rawBody,
              clientIp: '127.0.0.1',
            };
          },
          registeredWebhooks: async () => peer.webhooks().map((w) => w.url),
        }
      : {}),
  };
  return {
    config,
    ...(receiver ? { webhookUrl: receiver.url } : {}),
    conformancePeer,
    close: async () => {
      await receiver?.close();
      await peer.close();
    },
  };
}

/** The `x-twitter-webhooks-signature` X puts on a body. */
function signatureOf(peer: XPeer, body: Buffer): string {
  return `sha256=${hmacSha256(peer.credentials.appSecret, body, 'base64')}`;
}

interface Receiver {
  url: string;
  deliveries: WebhookRequest[];
  close(): Promise<void>;
}

/** Answers CRC checks with the consumer secret and keeps every POST as a `WebhookRequest`. */
async function startReceiver(consumerSecret: string): Promise<Receiver> {
  const deliveries: WebhookRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET') {
      const token = url.searchParams.get('crc_token') ?? '';
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ response_token: crcResponse(consumerSecret, token) }));
      return;
    }
    const rawBody = await body(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    deliveries.push({ method: 'POST', headers, query: {}, rawBody, clientIp: '127.0.0.1' });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhooks/x`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
