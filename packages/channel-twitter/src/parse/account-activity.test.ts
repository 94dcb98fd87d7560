import { describe, expect, it } from 'vitest';
import { activity, brand, customer, includes, legacyDm, mentionId, mentionTime, v1Mention, v1User, v2Mention } from './fixtures.ts';
import {
  deliveryUserId,
  detectDeliveryShape,
  isActivityEnvelope,
  parseAccountActivity,
  parseActivityDelivery,
  postToEvent,
} from './index.ts';

describe('parseAccountActivity', () => {
  it('gives a mention the same id, text, sender and thread as the v2 paths', () => {
    const { events, ignored } = parseAccountActivity(
      { for_user_id: brand.id, user_has_blocked: 'false', tweet_create_events: [v1Mention()] },
      brand,
    );
    const polled = postToEvent(v2Mention(), includes, brand, { source: 'mentions' });
    const pushed = parseActivityDelivery(activity('post.mention.create', v2Mention(), { includes }), brand).events[0];
    expect(ignored).toEqual([]);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.externalMessageId).toBe(mentionId);
    expect(event?.occurredAt).toEqual(new Date(mentionTime));
    for (const other of [polled, pushed]) {
      expect(event?.externalMessageId).toBe(other?.externalMessageId);
      expect(event?.thread).toEqual(other?.thread);
      expect(event?.text).toBe(other?.text);
      expect(event?.sender).toEqual(other?.sender);
      expect(event?.metadata).toMatchObject({ mentionsBrand: true, summonsBrand: true, source: 'webhook' });
    }
  });

  it('threads a v1.1 reply only by the tweet it answers, having no conversation id', () => {
    const parent = '2087464102917046472';
    const reply = v1Mention({ in_reply_to_status_id_str: parent, in_reply_to_user_id_str: brand.id });
    const [event] = parseAccountActivity({ for_user_id: brand.id, tweet_create_events: [reply] }, brand).events;
    expect(event?.thread).toEqual({ inReplyTo: [parent] });
    expect(event?.metadata).toMatchObject({ conversationId: null, inReplyToPostId: parent, repliesToBrand: true });
  });

  it('reads the whole text of an extended tweet and a quote of the brand', () => {
    const full = `@AcmeHelp ${'the app crashes on login again, '.repeat(6)}please help`;
    const tweet = v1Mention({
      text: `${full.slice(0, 120)}… https://t.co/More1`,
      truncated: true,
      extended_tweet: { full_text: full, entities: { user_mentions: [], urls: [] } },
      quoted_status: { id_str: '2083492935889846281', user: { id_str: brand.id, screen_name: 'AcmeHelp' } },
      lang: 'en',
    });
    const [event] = parseAccountActivity({ for_user_id: brand.id, tweet_create_events: [tweet] }, brand).events;
    expect(event?.text).toBe(full);
    expect(event?.sender.locale).toBe('en');
    expect(event?.metadata).toMatchObject({ quotesBrand: true, summonsBrand: true, mentionsBrand: false });
  });

  it('skips the brand own tweets, reposts, likes and follows, saying why', () => {
    const own = v1Mention({ id_str: '2087466619499446572', user: { id_str: brand.id, screen_name: 'AcmeHelp' } });
    const repost = v1Mention({ id_str: '2087466619499446573', retweeted_status: v1Mention() });
    const { events, ignored } = parseAccountActivity(
      { for_user_id: brand.id, tweet_create_events: [own, repost, v1Mention()], favorite_events: [{ id: 'x' }], follow_events: [] },
      brand,
    );
    expect(events.map((e) => e.externalMessageId)).toEqual([mentionId]);
    expect(ignored).toEqual([
      "body.tweet_create_events[0]: tweet 2087466619499446572 is this account's own",
      'body.tweet_create_events[1]: tweet 2087466619499446573 is a repost, not a message',
      'favorite_events: not a message',
      'follow_events: not a message',
    ]);
  });

  it('keeps the good tweets of a delivery when one is broken', () => {
    const { events, ignored } = parseAccountActivity(
      { for_user_id: brand.id, tweet_create_events: [{ id_str: 'nope' }, v1Mention({ user: {} }), v1Mention()] },
      brand,
    );
    expect(events).toHaveLength(1);
    expect(ignored).toEqual([
      'body.tweet_create_events[0].id_str must be a numeric X id',
      'body.tweet_create_events[1].user.id_str is missing',
    ]);
  });

  it('ignores our own DMs and deliveries for another subscribed account', () => {
    const echo = parseAccountActivity(
      {
        for_user_id: brand.id,
        direct_message_events: [legacyDm({ sender: brand.id, recipient: customer.id })],
        users: { [customer.id]: v1User() },
      },
      brand,
    );
    expect(echo.events).toEqual([]);
    expect(echo.ignored).toEqual(['skipped: 1 DM(s) sent by this account (our own outbound)']);
    const other = parseAccountActivity({ for_user_id: '4337869213', tweet_create_events: [v1Mention()] }, brand);
    expect(other).toEqual({
      events: [],
      forUserId: '4337869213',
      ignored: [`the delivery is for X user 4337869213, not this account (${brand.id})`],
    });
  });

  it('refuses bodies that are not Account Activity deliveries', () => {
    expect(() => parseAccountActivity([], brand)).toThrow('body must be an object');
    expect(() => parseAccountActivity({ for_user_id: 5 }, brand)).toThrow('body.for_user_id must be a numeric X id');
    expect(() => parseAccountActivity({ for_user_id: brand.id, tweet_create_events: {} }, brand)).toThrow(
      'body.tweet_create_events must be a list of tweets',
    );
  });
});

describe('detectDeliveryShape', () => {
  it('tells the two webhook products apart', () => {
    const envelope = activity('post.mention.create', v2Mention());
    expect(detectDeliveryShape(envelope)).toBe('activity');
    expect(isActivityEnvelope(envelope)).toBe(true);
    expect(detectDeliveryShape({ for_user_id: brand.id, tweet_create_events: [] })).toBe('account_activity');
    expect(detectDeliveryShape({ user_event: { revoke: {} } })).toBe('account_activity');
    expect(detectDeliveryShape({ data: v2Mention(), matching_rules: [] })).toBe('unknown');
    expect(detectDeliveryShape(null)).toBe('unknown');
    expect(isActivityEnvelope({ data: { event_type: 1 } })).toBe(false);
  });

  it('names the account a delivery is for, so a shared webhook can route it', () => {
    expect(deliveryUserId(activity('dm.received', {}))).toBe(brand.id);
    expect(deliveryUserId({ data: { event_uuid: '1', event_type: 'oauth.revoke', filter: {}, payload: { user_id: '42' } } })).toBe('42');
    expect(deliveryUserId({ for_user_id: '4337869213' })).toBe('4337869213');
    expect(deliveryUserId({ user_event: { revoke: { source: { user_id: '63046977' } } } })).toBe('63046977');
    expect(deliveryUserId({ for_user_id: '../etc' })).toBeNull();
  });
});
