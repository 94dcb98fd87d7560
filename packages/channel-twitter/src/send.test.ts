import { randomUUID } from 'node:crypto';
import { type ChannelConnection, type OutboundMessage, type ReplyTarget, SendError } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, type MemoryContext } from '@centralita/channel-kit/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { createTwitterAdapter } from './adapter.ts';
import type { Tier, TwitterConfigInput } from './config.ts';
import { METERING } from './metering.ts';
import { peerConfig, startXPeer, type XPeer, type XPost, type XUser } from './testing/index.ts';
import { measurePost, splitThread } from './text.ts';

// What an agent's reply meets when the X adapter sends it, driven through the adapter's own
// connection (as the outbox calls it) with the real twitter-api-v2 client against the local peer.
// The peer, the context and the store share one clock, so waits and stops are exact.
const adapter = createTwitterAdapter();
const START = Date.parse('2026-11-03T10:00:00Z');
const MINUTE = 60_000;

interface Setup {
  peer: XPeer;
  ctx: MemoryContext;
  connection: ChannelConnection;
  advance(ms: number): void;
}

let current: Setup | undefined;
afterEach(async () => {
  await current?.connection.stop();
  await current?.peer.close();
  current = undefined;
});

async function setUp(options: { tier?: Tier; config?: Partial<TwitterConfigInput> } = {}): Promise<Setup> {
  let now = START;
  const clock = () => new Date(now);
  const tier = options.tier ?? 'self_serve';
  const peer = await startXPeer({ now: clock, tier });
  const ctx = createMemoryContext({ now: clock, store: createMemoryStore(() => now), metering: METERING });
  const config = adapter.config.parse(
    peerConfig(peer, { tier, brandUserId: peer.brand.id, brandUsername: peer.brand.username, ...options.config }),
  );
  const connection = adapter.connect({ id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'X', config }, ctx);
  current = {
    peer,
    ctx,
    connection,
    advance: (ms) => {
      now += ms;
    },
  };
  return current;
}

/** A customer on the peer. */
function customer(peer: XPeer, username: string, acceptsDms = true): XUser {
  return peer.user(username) ?? peer.addUser({ username, acceptsDms });
}

/** The reply target the host hands over: the customer's post, with what the adapter kept about it when it arrived. */
function targetOf(post: XPost, summonsBrand: boolean): ReplyTarget {
  return {
    externalId: post.id,
    visibility: 'public',
    metadata: { summonsBrand, url: `https://x.com/i/status/${post.id}` },
    receivedAt: new Date(),
  };
}

function publicReply(text: string, target: ReplyTarget | null, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    messageId: randomUUID(),
    conversationId: randomUUID(),
    text,
    visibility: 'public',
    recipient: null,
    inReplyTo: target ? [target.externalId] : [],
    target,
    allowSplit: false,
    ...extra,
  };
}

function dm(to: XUser, text: string): OutboundMessage {
  return {
    messageId: randomUUID(),
    conversationId: randomUUID(),
    text,
    visibility: 'private',
    recipient: { kind: 'twitter', externalId: to.id },
    inReplyTo: [],
    allowSplit: false,
  };
}

async function refusal(sending: Promise<unknown>): Promise<SendError> {
  const err = await sending.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SendError);
  return err as SendError;
}

/** A post that @mentions the brand: on a self-serve tier the brand may answer it publicly. */
function mention(peer: XPeer, from: string, text: string): XPost {
  customer(peer, from);
  return peer.post({ from, text: `@${peer.brand.username} ${text}` });
}

describe('the tier’s reply rule, at send time', () => {
  it('refuses a public reply to a post that did not summon the brand on a self-serve tier, before calling X', async () => {
    const { peer, connection } = await setUp();
    customer(peer, 'quejica');
    const post = peer.post({ from: 'quejica', text: 'Acme lost my parcel again' });
    const err = await refusal(connection.send(publicReply('Sorry, we are on it', targetOf(post, false))));
    expect(err.code).toBe('reply_not_allowed');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/self-serve/);
    expect(peer.createdPosts()).toEqual([]);
    expect(peer.requests().filter((r) => r.route === 'POST /2/tweets')).toEqual([]);
  });

  it('sends the same reply on Enterprise, under the customer’s post', async () => {
    const { peer, connection, ctx } = await setUp({ tier: 'enterprise' });
    customer(peer, 'quejica');
    const post = peer.post({ from: 'quejica', text: 'Acme lost my parcel again' });
    const result = await connection.send(publicReply('Sorry, we are on it', targetOf(post, false)));
    expect(peer.createdPosts().map((p) => [p.post.id, p.replyTo])).toEqual([[result.externalIds[0], post.id]]);
    expect(ctx.usageRecords.map((r) => r.kind)).toEqual(['post_create']);
  });

  it('refuses a public reply with no customer post to go under', async () => {
    const { peer, connection } = await setUp();
    const err = await refusal(connection.send(publicReply('Hello there', null)));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/DM/);
    expect(peer.requests().filter((r) => r.route === 'POST /2/tweets')).toEqual([]);
  });
});

describe('length and threads', () => {
  const long = Array.from(
    { length: 9 },
    (_, i) => `Step ${i + 1}: open the app, go to Orders and check the parcel’s tracking page for news today.`,
  ).join(' ');

  it('refuses a reply over 280 weighted characters unless the agent allows a thread, saying how long it is', async () => {
    const { peer, connection } = await setUp();
    const post = mention(peer, 'ana_x', 'where is my order?');
    const err = await refusal(connection.send(publicReply(long, targetOf(post, true))));
    expect(err.code).toBe('text_too_long');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`this reply has ${measurePost(long)}`);
    expect(peer.createdPosts()).toEqual([]);
  });

  it('sends a long reply as a thread whose parts each answer the one before, each within 280', async () => {
    const { peer, connection } = await setUp();
    const post = mention(peer, 'ana_x', 'where is my order?');
    const parts = splitThread(long);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const result = await connection.send(publicReply(long, targetOf(post, true), { allowSplit: true }));
    const created = peer.createdPosts();
    expect(created.map((c) => c.post.id)).toEqual(result.externalIds);
    expect(created.map((c) => c.replyTo)).toEqual([post.id, ...created.slice(0, -1).map((c) => c.post.id)]);
    parts.forEach((part, i) => {
      expect(measurePost(part)).toBeLessThanOrEqual(280);
      // X puts the handles answered in front of a reply's text; what follows is the part.
      expect(created[i]?.post.text.endsWith(part)).toBe(true);
    });
  });
});

describe('X’s DM caps, counted by the adapter', () => {
  it('makes a third DM to one person within 15 minutes wait, while another person still gets theirs', async () => {
    const { peer, connection, advance } = await setUp({ config: { dmPerUserPer15Min: 2 } });
    const ana = customer(peer, 'ana_x');
    const ben = customer(peer, 'ben_x');
    await connection.send(dm(ana, 'One'));
    await connection.send(dm(ana, 'Two'));
    const err = await refusal(connection.send(dm(ana, 'Three')));
    expect(err.code).toBe('dm_cap');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(peer.sentDms().map((d) => d.event.text)).toEqual(['One', 'Two']);
    await connection.send(dm(ben, 'For Ben'));
    expect(peer.sentDms().map((d) => d.recipientId)).toEqual([ana.id, ana.id, ben.id]);
    advance(15 * MINUTE + 1);
    await connection.send(dm(ana, 'Three'));
    expect(peer.sentDms().at(-1)?.event.text).toBe('Three');
  });

  it('makes a DM over the app’s daily cap wait, whoever it is for', async () => {
    const { peer, connection } = await setUp({ config: { dmPerAppPerDay: 2 } });
    await connection.send(dm(customer(peer, 'ana_x'), 'For Ana'));
    await connection.send(dm(customer(peer, 'ben_x'), 'For Ben'));
    const err = await refusal(connection.send(dm(customer(peer, 'carla_x'), 'For Carla')));
    expect(err.code).toBe('dm_cap');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(peer.sentDms()).toHaveLength(2);
  });
});

describe('X’s answers, as the outbox sees them', () => {
  it('holds a reply on a 402, shows the account out of credits, and calls X for nothing until the probe', async () => {
    const { peer, ctx, connection, advance } = await setUp();
    const post = mention(peer, 'ana_x', 'hello?');
    peer.failNext('POST /2/tweets', 1, { status: 402 });
    const err = await refusal(connection.send(publicReply('Hi Ana', targetOf(post, true))));
    expect(err.retryable).toBe(true);
    expect(err.hold).toMatch(/402/);
    expect(err.retryAfterMs).toBe(60 * MINUTE);
    expect(ctx.states.at(-1)?.state).toBe('out_of_credits');
    const calls = peer.requests().length;
    for (const message of [publicReply('Hi Ana', targetOf(post, true)), dm(customer(peer, 'ana_x'), 'Hi by DM')]) {
      const held = await refusal(connection.send(message));
      expect(held.retryable).toBe(true);
      expect(held.hold).toMatch(/402/);
    }
    expect(peer.requests()).toHaveLength(calls);
    advance(60 * MINUTE);
    await connection.send(publicReply('Hi Ana', targetOf(post, true)));
    expect(peer.createdPosts()).toHaveLength(1);
  });

  it('holds replies until the month turns on X’s monthly cap (429 UsageCapExceeded)', async () => {
    const { peer, ctx, connection, advance } = await setUp();
    const post = mention(peer, 'ana_x', 'hello?');
    peer.failNext('POST /2/tweets', 1, { status: 429, usageCap: true });
    const err = await refusal(connection.send(publicReply('Hi Ana', targetOf(post, true))));
    expect(err.code).toBe('usage_cap');
    expect(err.hold).toMatch(/UsageCapExceeded/);
    expect(err.retryAfterMs).toBe(Date.parse('2026-12-01T00:00:00Z') - START);
    expect(ctx.states.at(-1)?.state).toBe('out_of_credits');
    advance(Date.parse('2026-11-30T23:59:00Z') - START);
    const calls = peer.requests().length;
    expect((await refusal(connection.send(publicReply('Hi Ana', targetOf(post, true))))).hold).toMatch(/monthly/);
    expect(peer.requests()).toHaveLength(calls);
    advance(MINUTE);
    await connection.send(publicReply('Hi Ana', targetOf(post, true)));
    expect(peer.createdPosts()).toHaveLength(1);
  });

  it('waits for the rate limit’s reset on a 429, without holding the account', async () => {
    const { peer, ctx, connection } = await setUp();
    const post = mention(peer, 'ana_x', 'hello?');
    peer.failNext('POST /2/tweets', 1, { status: 429, resetInSeconds: 90 });
    const err = await refusal(connection.send(publicReply('Hi Ana', targetOf(post, true))));
    expect(err.code).toBe('rate_limited');
    expect(err.retryable).toBe(true);
    expect(err.hold).toBeNull();
    expect(err.retryAfterMs).toBe(90_000);
    expect(ctx.states).toEqual([]);
    expect(peer.createdPosts()).toEqual([]);
  });

  it('tries again after a 503, and the retry posts the reply once', async () => {
    const { peer, connection } = await setUp();
    const post = mention(peer, 'ana_x', 'hello?');
    peer.failNext('POST /2/tweets', 1, { status: 503 });
    const err = await refusal(connection.send(publicReply('Hi Ana', targetOf(post, true))));
    expect(err.retryable).toBe(true);
    expect(err.hold).toBeNull();
    await connection.send(publicReply('Hi Ana', targetOf(post, true)));
    expect(peer.createdPosts().map((c) => c.replyTo)).toEqual([post.id]);
  });

  it('fails a DM X refuses (the person takes no DMs) for good, in X’s words', async () => {
    const { peer, ctx, connection } = await setUp();
    const err = await refusal(connection.send(dm(customer(peer, 'cerrado', false), 'Hi')));
    expect(err.retryable).toBe(false);
    expect(err.hold).toBeNull();
    expect(err.message).toContain('You cannot send messages to this user.');
    expect(ctx.states).toEqual([]);
    expect(peer.sentDms()).toEqual([]);
  });
});

describe('usage', () => {
  it('records each send under the kind X bills it as, and as often as X counts it', async () => {
    const { peer, ctx, connection } = await setUp();
    const post = mention(peer, 'ana_x', 'where is my order?');
    await connection.send(publicReply('It left the warehouse today', targetOf(post, true)));
    await connection.send(publicReply('Track it at https://acme.example/track/12', targetOf(post, true)));
    await connection.send(dm(customer(peer, 'ana_x'), 'Your code is 1234'));
    expect(ctx.usageRecords.map((r) => [r.kind, r.units, r.unitPrice])).toEqual([
      ['reply_create', 1, 0.01],
      ['post_create_url', 1, 0.2],
      ['dm_create', 1, 0.015],
    ]);
    expect(peer.billed()).toMatchObject({ postsCreated: 2, postsCreatedWithUrl: 1, summonedReplies: 2, dmsSent: 1 });
  });
});
