import { fullUser } from './fields.ts';
import type { XDmEvent, XPost, XState, XUser } from './state.ts';

/**
 * The v1.1 shapes X still uses in two places: the payload of Activity API `dm.*` events and the
 * deprecated Account Activity API (`tweet_create_events`, `direct_message_events`). Ids are strings
 * in `id_str` and bare 64-bit numbers in `id`; a number that large loses precision in
 * `JSON.parse`, exactly as it does with X's real payloads, so a consumer must read `id_str`.
 */
const RAW = '\u0000raw-number:';

/** Marks a numeric string to be written as a bare JSON number by `legacyJson`. */
function rawNumber(digits: string): string {
  return `${RAW}${digits}`;
}

/** JSON text with the marked ids written as bare numbers. */
export function legacyJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000raw-number:(\d+)"/g, '$1');
}

/** v1.1 date format: `Wed Oct 10 20:19:24 +0000 2018`. */
function v1Date(iso: string): string {
  const d = new Date(iso);
  const day = d.toUTCString().slice(0, 3);
  const month = d.toUTCString().slice(8, 11);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export function v1User(user: XUser): Record<string, unknown> {
  return {
    id: rawNumber(user.id),
    id_str: user.id,
    name: user.name,
    screen_name: user.username,
    location: user.location ?? null,
    description: user.description,
    protected: false,
    verified: user.verified,
    followers_count: user.followers,
    friends_count: 0,
    statuses_count: 0,
    created_at: v1Date(user.created_at),
    profile_image_url_https: `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`,
  };
}

/** v1.1 entities (`indices` pairs) for those ending within the first `limit` characters. */
function v1Entities(post: XPost, state: XState, limit: number): Record<string, unknown> {
  const inRange = (e: { end: number }) => e.end <= limit;
  return {
    hashtags: (post.entities?.hashtags ?? []).filter(inRange).map((h) => ({ text: h.tag, indices: [h.start, h.end] })),
    urls: (post.entities?.urls ?? [])
      .filter(inRange)
      .map((u) => ({ url: u.url, expanded_url: u.expanded_url, display_url: u.display_url, indices: [u.start, u.end] })),
    user_mentions: (post.entities?.mentions ?? []).filter(inRange).map((m) => ({
      screen_name: m.username,
      name: state.users.get(m.id)?.name ?? m.username,
      id: rawNumber(m.id),
      id_str: m.id,
      indices: [m.start, m.end],
    })),
    symbols: [],
  };
}

/** A v1.1 tweet object; text over 140 characters is truncated with the rest in `extended_tweet`. */
export function v1Tweet(post: XPost, state: XState): Record<string, unknown> {
  const author = state.users.get(post.author_id);
  const parentId = post.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
  const quotedId = post.referenced_tweets?.find((r) => r.type === 'quoted')?.id;
  const parentAuthor = post.in_reply_to_user_id ? state.users.get(post.in_reply_to_user_id) : undefined;
  const chars = Array.from(post.text);
  const truncated = chars.length > 140;
  const shortText = truncated ? `${chars.slice(0, 139).join('')}…` : post.text;
  const quoted = quotedId ? state.findPost(quotedId) : undefined;
  return {
    created_at: v1Date(post.created_at),
    id: rawNumber(post.id),
    id_str: post.id,
    text: shortText,
    display_text_range: truncated ? [post.display_text_range[0], 140] : post.display_text_range,
    source: '<a href="https://x.com" rel="nofollow">X Web App</a>',
    truncated,
    in_reply_to_status_id: parentId ? rawNumber(parentId) : null,
    in_reply_to_status_id_str: parentId ?? null,
    in_reply_to_user_id: post.in_reply_to_user_id ? rawNumber(post.in_reply_to_user_id) : null,
    in_reply_to_user_id_str: post.in_reply_to_user_id ?? null,
    in_reply_to_screen_name: parentAuthor?.username ?? null,
    user: author ? v1User(author) : null,
    is_quote_status: Boolean(quotedId),
    ...(quotedId ? { quoted_status_id: rawNumber(quotedId), quoted_status_id_str: quotedId } : {}),
    ...(quoted ? { quoted_status: v1Tweet(quoted, state) } : {}),
    ...(truncated
      ? {
          extended_tweet: {
            full_text: post.text,
            display_text_range: post.display_text_range,
            entities: v1Entities(post, state, chars.length),
          },
        }
      : {}),
    entities: v1Entities(post, state, truncated ? 139 : chars.length),
    lang: post.lang,
    timestamp_ms: String(new Date(post.created_at).getTime()),
    quote_count: 0,
    reply_count: 0,
    retweet_count: 0,
    favorite_count: 0,
    favorited: false,
    retweeted: false,
    filter_level: 'low',
  };
}

/** A v1.1 `message_create` DM event. */
export function v1DmEvent(event: XDmEvent): Record<string, unknown> {
  const recipient = event.participant_ids.find((id) => id !== event.sender_id) ?? event.sender_id;
  return {
    type: 'message_create',
    id: event.id,
    created_timestamp: String(new Date(event.created_at).getTime()),
    message_create: {
      target: { recipient_id: recipient },
      sender_id: event.sender_id,
      message_data: { text: event.text, entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
    },
  };
}

/** The Activity API `dm.*` payload: v1.1 events plus a map of v2 users wrapped in `data`. */
export function activityDmPayload(event: XDmEvent, state: XState): Record<string, unknown> {
  const users: Record<string, unknown> = {};
  for (const id of event.participant_ids) {
    const user = state.users.get(id);
    if (user) users[id] = { data: fullUser(user) };
  }
  return { direct_message_events: [v1DmEvent(event)], users };
}

/** The Account Activity API body for a DM: v1.1 events and a map of v1.1-style users. */
export function accountActivityDm(forUserId: string, event: XDmEvent, state: XState): Record<string, unknown> {
  const users: Record<string, unknown> = {};
  for (const id of event.participant_ids) {
    const user = state.users.get(id);
    if (user) {
      const v1 = v1User(user);
      users[id] = { ...v1, id: user.id, created_timestamp: String(new Date(user.created_at).getTime()) };
    }
  }
  return { for_user_id: forUserId, direct_message_events: [v1DmEvent(event)], users };
}

/** The Account Activity API body for a post (`user_has_blocked` appears on @mentions). */
export function accountActivityTweet(forUserId: string, post: XPost, state: XState): Record<string, unknown> {
  const mentioned = (post.entities?.mentions ?? []).some((m) => m.id === forUserId);
  return { for_user_id: forUserId, ...(mentioned ? { user_has_blocked: 'false' } : {}), tweet_create_events: [v1Tweet(post, state)] };
}
