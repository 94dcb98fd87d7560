// Payloads shaped as X documents them, with made-up people, for the parser tests. Builders take
// overrides so each test states only what it is about.
import type { Brand } from './users.ts';

export const brand: Brand = { id: '1500000000000000001', username: 'AcmeHelp' };

export const customer = {
  id: '1600000000000000002',
  username: 'maria_lopez',
  name: 'María López',
  location: 'Madrid, España',
  followers: 321,
};

/** A v2 user object, as `includes.users` carries it. */
export function v2User(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: customer.id,
    username: customer.username,
    name: customer.name,
    location: customer.location,
    verified: false,
    verified_type: 'none',
    protected: false,
    public_metrics: { followers_count: customer.followers, following_count: 40, tweet_count: 900, listed_count: 1 },
    ...over,
  };
}

export const brandV2User = {
  id: brand.id,
  username: brand.username,
  name: 'Acme Support',
  verified: true,
  public_metrics: { followers_count: 52_000 },
};

/** A v1.1 user object, as the Account Activity API carries it. */
export function v1User(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: Number(customer.id),
    id_str: customer.id,
    name: customer.name,
    screen_name: customer.username,
    location: customer.location,
    followers_count: customer.followers,
    friends_count: 40,
    verified: false,
    protected: false,
    ...over,
  };
}

// Ids are snowflakes minted at the times beside them, as X's are.
export const mentionId = '2087471715578806372';
export const mentionTime = '2026-08-12T09:30:15.000Z';

/** A top-level post mentioning the brand with a link, as the mentions timeline returns it. */
export function v2Mention(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: mentionId,
    text: '@AcmeHelp my order &amp; invoice never arrived https://t.co/AbC123xyz',
    author_id: customer.id,
    created_at: mentionTime,
    conversation_id: mentionId,
    lang: 'es',
    edit_history_tweet_ids: [mentionId],
    entities: {
      mentions: [{ start: 0, end: 9, username: 'AcmeHelp', id: brand.id }],
      urls: [
        {
          start: 47,
          end: 70,
          url: 'https://t.co/AbC123xyz',
          expanded_url: 'https://shop.example.com/orders/4471',
          display_url: 'shop.example.com/orders/4471',
        },
      ],
    },
    public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0 },
    ...over,
  };
}

export const includes = { users: [v2User(), brandV2User] };

/** The same mention as a v1.1 tweet (Account Activity API `tweet_create_events`). */
export function v1Mention(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created_at: 'Wed Aug 12 09:30:15 +0000 2026',
    id: Number(mentionId),
    id_str: mentionId,
    text: '@AcmeHelp my order &amp; invoice never arrived https://t.co/AbC123xyz',
    truncated: false,
    in_reply_to_status_id: null,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id_str: null,
    user: v1User(),
    is_quote_status: false,
    entities: {
      hashtags: [],
      user_mentions: [{ screen_name: 'AcmeHelp', name: 'Acme Support', id_str: brand.id, indices: [0, 9] }],
      urls: [
        {
          url: 'https://t.co/AbC123xyz',
          expanded_url: 'https://shop.example.com/orders/4471',
          display_url: 'shop.example.com/orders/4471',
          indices: [47, 70],
        },
      ],
    },
    lang: 'es',
    timestamp_ms: String(Date.parse(mentionTime)),
    ...over,
  };
}

/** An X Activity API delivery. */
export function activity(eventType: string, payload: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: {
      event_uuid: '7300000000000000123',
      filter: { user_id: brand.id },
      event_type: eventType,
      tag: 'support',
      payload,
      ...extra,
    },
  };
}

export const dmId = '2087494819717841396';
export const dmTime = '2026-08-12T11:02:03.456Z';

/** The customer's DM to the brand as `GET /2/dm_events` returns it. */
export function v2DmResponse(events: unknown[] = [v2Dm()]): Record<string, unknown> {
  return { data: events, includes: { users: [v2User(), brandV2User] }, meta: { result_count: events.length } };
}

export function v2Dm(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: dmId,
    event_type: 'MessageCreate',
    text: 'Hola, my tracking link https://t.co/Trk987 shows nothing',
    sender_id: customer.id,
    dm_conversation_id: `${brand.id}-${customer.id}`,
    created_at: dmTime,
    entities: { urls: [{ start: 23, end: 43, url: 'https://t.co/Trk987', expanded_url: 'https://track.example.net/XY12' }] },
    ...over,
  };
}

/** The same DM in the legacy shape (`direct_message_events`). */
export function legacyDm(over: { id?: string; sender?: string; recipient?: string; text?: string } = {}): Record<string, unknown> {
  return {
    type: 'message_create',
    id: over.id ?? dmId,
    created_timestamp: String(Date.parse(dmTime)),
    message_create: {
      target: { recipient_id: over.recipient ?? brand.id },
      sender_id: over.sender ?? customer.id,
      message_data: {
        text: over.text ?? 'Hola, my tracking link https://t.co/Trk987 shows nothing',
        entities: {
          hashtags: [],
          symbols: [],
          user_mentions: [],
          urls: [{ url: 'https://t.co/Trk987', expanded_url: 'https://track.example.net/XY12', indices: [23, 43] }],
        },
      },
    },
  };
}

/** A legacy DM body as the Activity API's `dm.received` payload carries it: users wrapped in `data`. */
export function activityDmPayload(events: unknown[] = [legacyDm()]): Record<string, unknown> {
  return { direct_message_events: events, users: { [customer.id]: { data: v2User() }, [brand.id]: { data: brandV2User } } };
}

/** An XChat `chat.received` payload: identities and ciphertext. */
export function chatPayload(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    conversation_token: 'eyJ0eXAiOiJKV1QifQ.c2FtcGxl',
    id: '0b6f1a52-3c1e-4c55-9d2a-7e0f5d9a1b22',
    created_at_msec: String(Date.parse('2026-08-12T12:00:00.000Z')),
    sender_id: customer.id,
    conversation_id: `${customer.id}:${brand.id}`,
    encoded_event: 'QUJDREVGRw==',
    ...over,
  };
}
