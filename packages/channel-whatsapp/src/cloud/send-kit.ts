import { randomUUID } from 'node:crypto';
import { type ChannelConnection, type OutboundMessage, type ReplyTarget, SendError } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, type MemoryContext } from '@centralita/channel-kit/conformance';
import { afterEach, expect } from 'vitest';
import { createWhatsAppAdapter } from '../adapter.ts';
import type { WhatsAppConfigInput } from '../config.ts';
import { METERING } from '../metering.ts';
import {
  type GraphPeer,
  type GraphPeerOptions,
  type PeerPhoneNumber,
  peerAccount,
  startGraphPeer,
  type WhatsAppPeerAccount,
} from '../testing/index.ts';

// The set-up the send tests share: the adapter's real Graph client against the local peer, which
// checks each body as Meta does and answers Meta's errors; the context, its store and the peer
// share one clock, which a test moves on.
export const adapter = createWhatsAppAdapter();
export const START = Date.parse('2026-11-03T10:00:00Z');
export const HOUR = 3_600_000;
export const SPACING = 50;

export const SHOP: PeerPhoneNumber = {
  id: '106540352242922',
  displayPhoneNumber: '+34 910 00 00 00',
  verifiedName: 'Acme Tienda',
  qualityRating: 'GREEN',
};
export const OUTLET: PeerPhoneNumber = {
  id: '106540352242933',
  displayPhoneNumber: '+34 930 00 00 00',
  verifiedName: 'Acme Outlet',
  qualityRating: 'GREEN',
};

export const lucia = { bsuid: 'ES.1029384756102938', phone: '+34600123456' };
export const marta = { bsuid: 'MX.8899001122334455' };

export interface Setup {
  peer: GraphPeer;
  account: WhatsAppPeerAccount;
  ctx: MemoryContext;
  connection: ChannelConnection;
  now(): Date;
  advance(ms: number): void;
}

let current: Setup | undefined;
/** Stops the current set-up's connection and peer (each test's is stopped after it anyway). */
export async function tearDown(): Promise<void> {
  await current?.connection.stop();
  await current?.account.close();
  current = undefined;
}
afterEach(tearDown);

export async function setUp(config: Partial<WhatsAppConfigInput> = {}, limits: Pick<GraphPeerOptions, 'pairRateMs'> = {}): Promise<Setup> {
  let now = START;
  const clock = () => new Date(now);
  const peer = await startGraphPeer({ phoneNumbers: [SHOP, OUTLET], now: clock, ...limits });
  const account = await peerAccount(peer, { config: { pairSpacingMs: SPACING, ...config } });
  const ctx = createMemoryContext({ now: clock, store: createMemoryStore(() => now), metering: METERING, webhookUrl: account.webhookUrl });
  const connection = adapter.connect(
    { id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'WhatsApp', config: adapter.config.parse(account.config) },
    ctx,
  );
  current = {
    peer,
    account,
    ctx,
    connection,
    now: clock,
    advance: (ms) => {
      now += ms;
    },
  };
  return current;
}

/** The customer's latest message as the host hands it over, with what the adapter kept from the webhook. */
export function targetFrom(s: Setup, user: { bsuid: string; phone?: string }, options: { to?: string; ageMs?: number } = {}): ReplyTarget {
  const at = new Date(s.now().getTime() - (options.ageMs ?? 60_000));
  return {
    externalId: `wamid.HBgLcustomer${randomUUID().slice(0, 8)}`,
    visibility: 'private',
    metadata: {
      phoneNumberId: options.to ?? SHOP.id,
      bsuid: user.bsuid,
      ...(user.phone ? { waId: user.phone.replace(/\D/g, '') } : {}),
      sentAt: at.toISOString(),
    },
    receivedAt: at,
  };
}

export function reply(text: string, target: ReplyTarget | null, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    messageId: randomUUID(),
    conversationId: randomUUID(),
    text,
    visibility: 'private',
    recipient: null,
    inReplyTo: [],
    target,
    allowSplit: false,
    ...extra,
  };
}

/**
 * Sends as the outbox does: a held reply is tried again once its wait is over (the test's clock
 * moved on), from the parts already sent; returns the last result and how many holds it met.
 */
export async function throughOutbox(s: Setup, message: OutboundMessage): Promise<{ externalIds: string[]; holds: number }> {
  const sent: string[] = [];
  for (let holds = 0; holds < 20; holds++) {
    try {
      const result = await s.connection.send({ ...message, sentParts: [...sent], onPartSent: async (_i, id) => void sent.push(id) });
      return { externalIds: result.externalIds, holds };
    } catch (err) {
      if (!(err instanceof SendError) || !err.hold) throw err;
      s.advance(err.retryAfterMs ?? SPACING);
    }
  }
  throw new Error('the reply was held 20 times');
}

export async function refusal(promise: Promise<unknown>): Promise<SendError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SendError);
  return err as SendError;
}

export const bodies = (peer: GraphPeer) => peer.sent.map((m) => m.body);
