import { ApiResponseError, type TweetV2PaginableTimelineParams } from 'twitter-api-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { peerClients, startXPeer, type XPeer } from './index.ts';

let peer: XPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function fails(p: Promise<unknown>): Promise<ApiResponseError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiResponseError)) throw new Error(`expected an ApiResponseError, got ${String(err)}`);
  return err;
}

describe('mentions timeline', () => {
  it('pages newest first and picks up only newer posts with since_id', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    peer.addUser({ username: 'ana', name: 'Ana Ruiz', location: 'Sevilla', followers: 210 });
    const posts = Array.from({ length: 7 }, (_, i) => peer?.post({ from: 'ana', text: `@acme_help question ${i}` }));
    peer.post({ from: 'ana', text: 'no mention here' });
    const fields: Partial<TweetV2PaginableTimelineParams> = {
      'tweet.fields': ['author_id', 'created_at', 'conversation_id'],
      expansions: ['author_id'],
      'user.fields': ['location', 'public_metrics'],
    };

    const first = await user.v2.userMentionTimeline(peer.brand.id, { max_results: 5, ...fields });
    expect(first.tweets.map((t) => t.text)).toEqual([6, 5, 4, 3, 2].map((i) => `@acme_help question ${i}`));
    expect(first.meta).toMatchObject({ result_count: 5, newest_id: posts[6]?.id, oldest_id: posts[2]?.id });
    expect(first.includes.users.find((u) => u.id === first.tweets[0]?.author_id)).toMatchObject({
      username: 'ana',
      location: 'Sevilla',
      public_metrics: { followers_count: 210 },
    });
    const second = await first.next();
    expect(second.tweets.map((t) => t.id)).toEqual([posts[1]?.id, posts[0]?.id]);
    expect(second.done).toBe(true);

    const late = peer.post({ from: 'ana', text: '@acme_help still waiting' });
    const newer = await user.v2.userMentionTimeline(peer.brand.id, { since_id: first.meta.newest_id, ...fields });
    expect(newer.tweets.map((t) => t.id)).toEqual([late.id]);
  });

  it('returns only the default fields unless the request names more, as X does', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    peer.addUser({ username: 'ana' });
    const p = peer.post({ from: 'ana', text: '@acme_help hi' });
    const bare = await user.v2.userMentionTimeline(peer.brand.id);
    expect(bare.tweets).toEqual([{ id: p.id, text: p.text, edit_history_tweet_ids: [p.id] }]);
    expect(bare.includes.users).toEqual([]);
    const err = await fails(user.v2.userMentionTimeline(peer.brand.id, { 'tweet.fields': 'author' }));
    expect(err.code).toBe(400);
    expect(err.data.title).toBe('Invalid Request');
    const typo = await fails(user.v2.get('users/:id/mentions', { sinceid: p.id }, { params: { id: peer.brand.id } }));
    expect(typo.code).toBe(400);
    expect(typo.data.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^The query parameter \[sinceid\] is not one of/) });
  });

  it('counts a reply to the brand as a mention and starts its text with the handle, as X stores replies', async () => {
    peer = await startXPeer();
    peer.addUser({ username: 'ana' });
    const brandPost = peer.post({ from: 'acme_help', text: 'We are open on Sunday' });
    const reply = peer.post({ from: 'ana', text: 'great, thanks!', replyTo: brandPost.id });
    expect(reply).toMatchObject({
      text: '@acme_help great, thanks!',
      display_text_range: [11, 25],
      conversation_id: brandPost.id,
      in_reply_to_user_id: peer.brand.id,
      referenced_tweets: [{ type: 'replied_to', id: brandPost.id }],
      entities: { mentions: [{ start: 0, end: 10, username: 'acme_help', id: peer.brand.id }] },
    });
    const { user } = peerClients(peer);
    const timeline = await user.v2.userMentionTimeline(peer.brand.id);
    expect(timeline.tweets.map((t) => t.id)).toEqual([reply.id]);
  });
});

describe('recent search', () => {
  it('understands the documented operator subset', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    peer.addUser({ username: 'ana' });
    peer.addUser({ username: 'luis' });
    const refundEs = peer.post({ from: 'ana', text: 'Quiero un refund ya #AcmeFail', lang: 'es' });
    const moneyBack = peer.post({ from: 'luis', text: 'I want my money back from Acme', lang: 'en' });
    peer.post({ from: 'luis', text: 'money is back in fashion', lang: 'en' });
    peer.post({ from: 'acme_help', text: 'How to ask for a refund: see our page' });
    const search = async (query: string) => (await user.v2.search(query, { max_results: 10 })).tweets.map((t) => t.id);

    expect(await search('refund -from:acme_help')).toEqual([refundEs.id]);
    expect(await search('(refund OR "money back") -is:retweet -from:acme_help')).toEqual([moneyBack.id, refundEs.id]);
    expect(await search('#acmefail lang:es')).toEqual([refundEs.id]);
    expect(await search('"money back" lang:es')).toEqual([]);
    expect(await search('acme -refund')).toEqual([moneyBack.id]);
  });

  it('refuses an operator it does not support with X 400', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    const err = await fails(user.v2.search('refund place_country:ES'));
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/Invalid Request: One or more parameters to your request was invalid/);
    expect(JSON.stringify(err.data.errors)).toMatch(/invalid operator 'place_country'/);
  });
});

describe('replies', () => {
  it('posts a reply to a mention, recorded with its target', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    peer.addUser({ username: 'ana' });
    const mention = peer.post({ from: 'ana', text: '@acme_help my parcel never came' });
    const sent = await user.v2.reply('Sorry! Check your DMs.', mention.id);
    expect(sent.data.text).toBe('@ana Sorry! Check your DMs.');
    expect(peer.createdPosts()).toEqual([expect.objectContaining({ replyTo: mention.id, summoned: true, withUrl: false })]);
    expect(peer.createdPosts()[0]?.post).toMatchObject({
      id: sent.data.id,
      conversation_id: mention.id,
      in_reply_to_user_id: mention.author_id,
    });
  });

  it('refuses on self-serve a reply to a post that never summoned the brand, and allows it on enterprise', async () => {
    peer = await startXPeer();
    peer.addUser({ username: 'ana' });
    const complaint = peer.post({ from: 'ana', text: 'Acme lost my parcel again' });
    const err = await fails(peerClients(peer).user.v2.reply('Sorry to hear that', complaint.id));
    expect(err.code).toBe(403);
    expect(err.data.detail).toMatch(/not been mentioned or otherwise engaged by the author/);
    expect(peer.createdPosts()).toEqual([]);
    await peer.close();

    peer = await startXPeer({ tier: 'enterprise' });
    peer.addUser({ username: 'ana' });
    const again = peer.post({ from: 'ana', text: 'Acme lost my parcel again' });
    await expect(peerClients(peer).user.v2.reply('Sorry to hear that', again.id)).resolves.toMatchObject({
      data: { text: '@ana Sorry to hear that' },
    });
  });

  it('counts quoting a brand post as a summon', async () => {
    peer = await startXPeer();
    peer.addUser({ username: 'ana' });
    const promo = peer.post({ from: 'acme_help', text: 'Free shipping this week' });
    const quote = peer.post({ from: 'ana', text: 'not for my town apparently', quote: promo.id });
    await expect(peerClients(peer).user.v2.reply('It should be: which town?', quote.id)).resolves.toBeDefined();
  });

  it('refuses the same text twice as duplicate content', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    await user.v2.tweet('Our shops close early today.');
    const err = await fails(user.v2.tweet('Our shops close early today.'));
    expect(err.code).toBe(403);
    expect(err.data.detail).toBe('You are not allowed to create a Tweet with duplicate content.');
  });
});
