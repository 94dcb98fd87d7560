import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { ApiResponseError } from 'twitter-api-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { peerClients, startXPeer, verifyWebhookSignature, type XPeer } from './index.ts';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A tiny stand-in for the channel's webhook endpoint: answers CRC checks, records deliveries. */
async function receiver(
  secret: string,
  options: { crc?: 'right' | 'wrong' } = {},
): Promise<{ url: string; got: Received[]; mode: { crc?: 'right' | 'wrong' }; close(): Promise<void> }> {
  const got: Received[] = [];
  const mode = { ...options };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        const token = url.searchParams.get('crc_token') ?? '';
        const key = mode.crc === 'wrong' ? 'some-other-secret' : secret;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ response_token: `sha256=${createHmac('sha256', key).update(token).digest('base64')}` }));
        return;
      }
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/x/webhook`, got, mode, close: () => new Promise((r) => server.close(() => r())) };
}

let peer: XPeer | undefined;
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await peer?.close();
  peer = undefined;
  for (const c of closers) await c();
  closers = [];
});

async function setUp(events: string[]) {
  peer = await startXPeer();
  const hook = await receiver(peer.credentials.appSecret);
  closers.push(hook.close);
  const { user, app } = peerClients(peer);
  const created = await app.v2.post<{ data: { id: string; valid: boolean } }>('webhooks', { url: hook.url });
  for (const eventType of events) {
    await user.v2.post('activity/subscriptions', {
      event_type: eventType,
      filter: { user_id: peer.brand.id },
      tag: 'centralita',
      webhook_id: created.data.id,
    });
  }
  return { peer, hook, user, app, webhookId: created.data.id };
}

function envelope(r: Received | undefined): { data: Record<string, unknown> & { payload: Record<string, unknown> } } {
  return JSON.parse(r?.raw ?? 'null');
}

describe('webhook registration', () => {
  it('registers a URL whose server answers the CRC check, and refuses one that answers wrong', async () => {
    peer = await startXPeer();
    const { app } = peerClients(peer);
    const good = await receiver(peer.credentials.appSecret);
    const bad = await receiver(peer.credentials.appSecret, { crc: 'wrong' });
    closers.push(good.close, bad.close);

    const created = await app.v2.post<{ data: { id: string; url: string; valid: boolean; created_at: string } }>('webhooks', {
      url: good.url,
    });
    expect(created.data).toMatchObject({ url: good.url, valid: true });
    const err = await app.v2.post('webhooks', { url: bad.url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as ApiResponseError).code).toBe(400);
    expect(JSON.stringify((err as ApiResponseError).data.errors)).toMatch(/CrcValidationFailed/);

    const listed = await app.v2.get('webhooks');
    expect(listed).toEqual({ data: [created.data], meta: { result_count: 1 } });
    await expect(app.v2.delete(`webhooks/${created.data.id}`)).resolves.toEqual({ data: { deleted: true } });
    expect(peer.webhooks()).toEqual([]);
  });

  it('lets only the brand user context subscribe to private events', async () => {
    const { app, user, webhookId } = await setUp([]);
    const body = { event_type: 'dm.received', filter: { user_id: peer?.brand.id }, webhook_id: webhookId };
    const err = await app.v2.post('activity/subscriptions', body).catch((e: unknown) => e);
    expect((err as ApiResponseError).code).toBe(403);
    const made = await user.v2.post<{ data: { subscription: { subscription_id: string } } }>('activity/subscriptions', body);
    expect(made.data.subscription).toMatchObject({ event_type: 'dm.received', filter: { user_id: peer?.brand.id }, webhook_id: webhookId });
    await expect(app.v2.get('activity/subscriptions')).resolves.toMatchObject({
      data: [made.data.subscription],
      meta: { total_subscriptions: 1 },
    });
    await expect(app.v2.delete(`activity/subscriptions/${made.data.subscription.subscription_id}`)).resolves.toEqual({
      data: { deleted: true },
      meta: { total_subscriptions: 0 },
    });
  });
});

describe('deliveries', () => {
  it('posts a mention as a signed Activity API envelope', async () => {
    const { peer, hook } = await setUp(['post.mention.create']);
    peer.addUser({ username: 'ana', name: 'Ana' });
    const mention = peer.post({ from: 'ana', text: 'hey @acme_help my order?' });
    await peer.settled();
    expect(hook.got).toHaveLength(1);
    const [r] = hook.got;
    expect(r?.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(peer.credentials.appSecret, r?.raw ?? '', String(r?.headers['x-twitter-webhooks-signature']))).toBe(true);
    expect(verifyWebhookSignature('another-secret', r?.raw ?? '', String(r?.headers['x-twitter-webhooks-signature']))).toBe(false);
    const { data } = envelope(r);
    expect(data).toMatchObject({
      event_type: 'post.mention.create',
      filter: { user_id: peer.brand.id },
      tag: 'centralita',
      payload: { id: mention.id, text: mention.text, author_id: mention.author_id },
    });
    expect(data.includes).toMatchObject({ users: expect.arrayContaining([expect.objectContaining({ username: 'ana' })]) });
    expect(peer.webhookDeliveries()).toEqual([
      expect.objectContaining({ eventType: 'post.mention.create', status: 200, eventUuid: data.event_uuid }),
    ]);
  });

  it('raises a reply to a brand post as post.reply.create only (its leading @handle is not a mention)', async () => {
    const { peer, hook } = await setUp(['post.mention.create', 'post.reply.create', 'post.quote.create']);
    peer.addUser({ username: 'ana' });
    const brandPost = peer.post({ from: 'acme_help', text: 'New opening hours' });
    peer.post({ from: 'ana', text: 'finally!', replyTo: brandPost.id });
    peer.post({ from: 'ana', text: 'look at this', quote: brandPost.id });
    await peer.settled();
    expect(hook.got.map((r) => envelope(r).data.event_type).sort()).toEqual(['post.quote.create', 'post.reply.create']);
    const reply = hook.got.map(envelope).find((e) => e.data.event_type === 'post.reply.create');
    expect(reply?.data.payload).toMatchObject({ in_reply_to_tweet_id: brandPost.id, text: '@acme_help finally!' });
  });

  it('posts a DM in the legacy v1.1 shape and an encrypted one as ciphertext', async () => {
    const { peer, hook } = await setUp(['dm.received', 'chat.received']);
    peer.addUser({ id: '42', username: 'ana' });
    const dm = peer.sendDm({ from: 'ana', text: 'hello there' });
    peer.sendDm({ from: 'ana', text: 'top secret', encrypted: true });
    await peer.settled();
    const [plain, chat] = [...hook.got.map(envelope)]
      .sort((a, b) => String(a.data.event_type).localeCompare(String(b.data.event_type)))
      .reverse();
    expect(plain?.data.payload).toEqual({
      direct_message_events: [
        {
          type: 'message_create',
          id: dm.id,
          created_timestamp: String(Date.parse(dm.created_at)),
          message_create: {
            target: { recipient_id: peer.brand.id },
            sender_id: '42',
            message_data: { text: 'hello there', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
          },
        },
      ],
      users: {
        '42': { data: expect.objectContaining({ username: 'ana' }) },
        [peer.brand.id]: { data: expect.objectContaining({ username: 'acme_help' }) },
      },
    });
    expect(chat?.data.event_type).toBe('chat.received');
    expect(JSON.stringify(chat)).not.toContain('top secret');
    expect(chat?.data.payload).toMatchObject({ sender_id: '42', conversation_id: `42:${peer.brand.id}` });
  });

  it('stops delivering to an invalidated webhook until a PUT passes the CRC again', async () => {
    const { peer, hook, user, app, webhookId } = await setUp(['post.mention.create']);
    peer.addUser({ username: 'ana' });
    peer.invalidateWebhook(webhookId);
    const missed = peer.post({ from: 'ana', text: '@acme_help anyone there?' });
    await peer.settled();
    expect(hook.got).toEqual([]);
    // The event is not queued: only polling finds it.
    const polled = await user.v2.userMentionTimeline(peer.brand.id);
    expect(polled.tweets.map((t) => t.id)).toEqual([missed.id]);
    await expect(app.v2.put(`webhooks/${webhookId}`)).resolves.toEqual({ data: { valid: true } });
    peer.post({ from: 'ana', text: '@acme_help hello?' });
    await peer.settled();
    expect(hook.got).toHaveLength(1);
  });

  it('keeps a webhook invalid when the CRC of a PUT fails', async () => {
    const { peer, hook, app, webhookId } = await setUp(['post.mention.create']);
    peer.addUser({ username: 'ana' });
    peer.invalidateWebhook(webhookId);
    hook.mode.crc = 'wrong';
    await expect(app.v2.put(`webhooks/${webhookId}`)).resolves.toEqual({ data: { valid: false } });
    expect(peer.webhooks()).toEqual([expect.objectContaining({ id: webhookId, valid: false })]);
    peer.post({ from: 'ana', text: '@acme_help hello?' });
    await peer.settled();
    expect(hook.got).toEqual([]);
  });

  it('redelivers the last event with the same event_uuid', async () => {
    const { peer, hook } = await setUp(['post.mention.create']);
    peer.addUser({ username: 'ana' });
    peer.post({ from: 'ana', text: '@acme_help once' });
    await peer.settled();
    const again = await peer.redeliverLast();
    expect(hook.got).toHaveLength(2);
    expect(hook.got[1]?.raw).toBe(hook.got[0]?.raw);
    expect(again.eventUuid).toBe(envelope(hook.got[0]).data.event_uuid);
  });

  it('posts the deprecated Account Activity API shapes, signed the same way', async () => {
    const { peer, hook } = await setUp([]);
    peer.addUser({ id: '2127774400915701760', username: 'ana', name: 'Ana' });
    const mention = peer.post({ from: 'ana', text: '@acme_help help please' });
    const dm = peer.sendDm({ from: 'ana', text: 'hi' });
    await peer.deliverAccountActivity('tweet', mention.id);
    await peer.deliverAccountActivity('dm', dm.id);
    const [tweetBody, dmBody] = hook.got;
    expect(
      verifyWebhookSignature(peer.credentials.appSecret, tweetBody?.raw ?? '', String(tweetBody?.headers['x-twitter-webhooks-signature'])),
    ).toBe(true);
    const tweet = JSON.parse(tweetBody?.raw ?? '{}');
    expect(tweet).toMatchObject({ for_user_id: peer.brand.id, user_has_blocked: 'false' });
    expect(tweet.tweet_create_events[0]).toMatchObject({
      id_str: mention.id,
      text: '@acme_help help please',
      user: { id_str: '2127774400915701760', screen_name: 'ana' },
    });
    // As with X, the numeric ids are 64-bit: JSON.parse rounds them, id_str is exact.
    expect(String(tweet.tweet_create_events[0].user.id)).not.toBe('2127774400915701760');
    expect(JSON.parse(dmBody?.raw ?? '{}')).toMatchObject({
      for_user_id: peer.brand.id,
      direct_message_events: [
        { type: 'message_create', id: dm.id, message_create: { sender_id: '2127774400915701760', message_data: { text: 'hi' } } },
      ],
      users: { '2127774400915701760': { screen_name: 'ana' } },
    });
  });
});
