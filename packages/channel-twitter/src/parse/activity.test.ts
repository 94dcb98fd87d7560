import { describe, expect, it } from 'vitest';
import {
  activity,
  activityDmPayload,
  brand,
  brandV2User,
  chatPayload,
  customer,
  includes,
  legacyDm,
  mentionId,
  v2Mention,
  v2User,
} from './fixtures.ts';
import { ENCRYPTED_DM_TEXT, PayloadError, parseActivityDelivery, postToEvent } from './index.ts';

const brandPost = '2087449003422646273';

describe('parseActivityDelivery', () => {
  it('gives a mention the same message id and thread as the mentions timeline does', () => {
    const delivery = parseActivityDelivery(activity('post.mention.create', v2Mention(), { includes }), brand);
    const polled = postToEvent(v2Mention(), includes, brand, { source: 'mentions' });
    expect(delivery).toMatchObject({ eventUuid: '7300000000000000123', eventType: 'post.mention.create', forUserId: brand.id });
    expect(delivery.ignored).toBeUndefined();
    expect(delivery.events).toEqual([{ ...polled, metadata: { ...polled.metadata, source: 'webhook' } }]);
  });

  it('threads a reply to the brand post under that post', () => {
    const reply = v2Mention({
      id: '2087464102917046472',
      conversation_id: brandPost,
      in_reply_to_tweet_id: brandPost,
      in_reply_to_user_id: brand.id,
      referenced_tweets: [{ type: 'replied_to', id: brandPost }],
    });
    const [event] = parseActivityDelivery(activity('post.reply.create', reply, { includes: {} }), brand).events;
    expect(event?.thread).toEqual({ externalThreadId: brandPost, inReplyTo: [brandPost] });
    expect(event?.metadata).toMatchObject({ repliesToBrand: true, inReplyToPostId: brandPost });
  });

  it('counts a quote of the brand as a summons even when includes is empty', () => {
    const quote = v2Mention({ text: 'nope', entities: {}, referenced_tweets: [{ type: 'quoted', id: brandPost }] });
    const [event] = parseActivityDelivery(activity('post.quote.create', quote, { includes: {} }), brand).events;
    expect(event?.metadata).toMatchObject({ mentionsBrand: false, quotesBrand: true, summonsBrand: true });
  });

  it('reads an undetermined-language mention the way X documents it', () => {
    const post = v2Mention({
      text: 'hey @AcmeHelp',
      lang: 'und',
      entities: { mentions: [{ start: 4, end: 13, username: 'AcmeHelp', id: brand.id }] },
    });
    const [event] = parseActivityDelivery(
      activity('post.mention.create', post, { includes: { users: [v2User(), brandV2User], tweets: [post] } }),
      brand,
    ).events;
    expect(event?.text).toBe('hey @AcmeHelp');
    expect(event?.sender).not.toHaveProperty('locale');
  });

  it('turns dm.received into the customer DM and ignores dm.sent', () => {
    const received = parseActivityDelivery(activity('dm.received', activityDmPayload()), brand);
    expect(received.events.map((e) => e.text)).toEqual(['Hola, my tracking link https://track.example.net/XY12 shows nothing']);
    const sent = parseActivityDelivery(
      activity('dm.sent', activityDmPayload([legacyDm({ sender: brand.id, recipient: customer.id })])),
      brand,
    );
    expect(sent.events).toEqual([]);
    expect(sent.ignored).toMatch(/our own outbound/);
  });

  it('notes the brand own DM when it arrives inside dm.received', () => {
    const delivery = parseActivityDelivery(
      activity('dm.received', activityDmPayload([legacyDm({ id: '2087494819717841400', sender: brand.id, recipient: customer.id })])),
      brand,
    );
    expect(delivery.events).toEqual([]);
    expect(delivery.ignored).toBe('skipped: 1 DM(s) sent by this account (our own outbound)');
  });

  it('shows chat.received as the encrypted placeholder and ignores chat.sent', () => {
    const [event] = parseActivityDelivery(activity('chat.received', chatPayload()), brand).events;
    expect(event).toMatchObject({ text: ENCRYPTED_DM_TEXT, metadata: { encrypted: true }, visibility: 'private' });
    expect(parseActivityDelivery(activity('chat.sent', chatPayload({ sender_id: brand.id })), brand)).toMatchObject({ events: [] });
  });

  it('reports a revocation without events', () => {
    const revoked = parseActivityDelivery(
      {
        data: {
          event_uuid: '5934540941047412905',
          filter: {},
          event_type: 'oauth.revoke',
          payload: { user_id: brand.id, app_id: '29820954' },
        },
      },
      brand,
    );
    expect(revoked).toMatchObject({ events: [], revoked: { userId: brand.id, appId: '29820954' } });
    expect(revoked.ignored).toMatch(/revoked this app's access/);
  });

  it('ignores event types it does not handle, other accounts and the brand own posts', () => {
    expect(parseActivityDelivery(activity('like.create', {}), brand)).toMatchObject({
      events: [],
      ignored: 'like.create: not an event the X channel handles',
    });
    const other = parseActivityDelivery(
      { data: { ...(activity('post.mention.create', v2Mention()).data as object), filter: { user_id: '777' } } },
      brand,
    );
    expect(other).toMatchObject({ events: [], forUserId: '777' });
    const own = parseActivityDelivery(activity('post.mention.create', v2Mention({ author_id: brand.id })), brand);
    expect(own.ignored).toBe(`post.mention.create: post ${mentionId} is this account's own`);
  });

  it('answers a malformed delivery with a PayloadError naming the field', () => {
    const { author_id: _, ...noAuthor } = v2Mention();
    expect(() => parseActivityDelivery(activity('post.mention.create', noAuthor), brand)).toThrow(
      PayloadError.at('data.payload.author_id', 'is missing'),
    );
    expect(() => parseActivityDelivery({ data: [] }, brand)).toThrow('data must be an object, not an array');
    expect(() => parseActivityDelivery({ data: { event_type: 'dm.received' } }, brand)).toThrow('data.event_uuid is missing');
    expect(() => parseActivityDelivery(activity('dm.received', { users: {} }), brand)).toThrow(
      'data.payload.direct_message_events is missing',
    );
    expect(() => parseActivityDelivery('[]', brand)).toThrow('body must be an object, not a string');
  });
});
