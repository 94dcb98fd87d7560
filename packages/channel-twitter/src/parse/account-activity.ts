import { type MessageReceivedEvent, replaceUnsafeText } from '@centralita/core';
import { dmBatchNote } from './activity.ts';
import { dmToEvent } from './dm.ts';
import { normaliseLegacyDms } from './dm-legacy.ts';
import { PayloadError } from './errors.ts';
import { normaliseV1Tweet } from './legacy-tweet.ts';
import { eventFromPost } from './post.ts';
import { type Brand, isRecord } from './users.ts';

/** What one Account Activity API delivery holds for an account. */
export interface AccountActivityDelivery {
  events: MessageReceivedEvent[];
  /** One line per thing that gave no event, with why. */
  ignored: string[];
  /** The subscribed user the delivery is for (`for_user_id`). */
  forUserId?: string;
}

/** Keys that describe the delivery rather than carry events. */
const CONTEXT_KEYS = new Set(['for_user_id', 'user_has_blocked', 'is_blocked_by', 'users', 'apps', 'source', 'target']);

/** How many keys of one body we look at; X sends two or three. */
const MAX_KEYS = 50;

/**
 * The events of one (deprecated) Account Activity API delivery: `tweet_create_events` (v1.1
 * tweets) as public messages, `direct_message_events` (with the `users` map) as DMs. The brand's
 * own tweets and DMs, reposts, malformed items and every other kind of event (likes, follows,
 * typing, revocations) give no event and a line in `ignored`. Throws PayloadError when the body
 * is not an object, `for_user_id` is not an id, or an event list is not a list.
 */
export function parseAccountActivity(body: unknown, brand: Brand): AccountActivityDelivery {
  if (!isRecord(body)) throw PayloadError.at('body', 'must be an object');
  const forUser = body.for_user_id;
  if (forUser !== undefined && (typeof forUser !== 'string' || !/^\d{1,20}$/.test(forUser))) {
    throw PayloadError.at('body.for_user_id', 'must be a numeric X id');
  }
  const out: AccountActivityDelivery = { events: [], ignored: [], ...(forUser ? { forUserId: forUser } : {}) };
  if (forUser && forUser !== brand.id) {
    out.ignored.push(`the delivery is for X user ${forUser}, not this account (${brand.id})`);
    return out;
  }
  for (const key of Object.keys(body).slice(0, MAX_KEYS)) {
    if (CONTEXT_KEYS.has(key)) continue;
    if (key === 'tweet_create_events') readTweets(body[key], brand, out);
    else if (key === 'direct_message_events') {
      const batch = normaliseLegacyDms(body, brand, 'body');
      out.events.push(...batch.dms.map((dm) => dmToEvent(dm, brand, { source: 'webhook' })));
      const note = dmBatchNote(batch);
      if (note) out.ignored.push(note);
    } else out.ignored.push(`${replaceUnsafeText(key.slice(0, 60))}: not a message`);
  }
  return out;
}

function readTweets(list: unknown, brand: Brand, out: AccountActivityDelivery): void {
  if (!Array.isArray(list)) throw PayloadError.at('body.tweet_create_events', 'must be a list of tweets');
  for (const [i, raw] of list.entries()) {
    const where = `body.tweet_create_events[${i}]`;
    try {
      const post = normaliseV1Tweet(raw, where);
      if (post.authorId === brand.id) out.ignored.push(`${where}: tweet ${post.id} is this account's own`);
      else if (post.repost) out.ignored.push(`${where}: tweet ${post.id} is a repost, not a message`);
      else out.events.push(eventFromPost(post, brand, { source: 'webhook' }));
    } catch (error) {
      // One bad tweet must not cost the others in the same delivery.
      if (!(error instanceof PayloadError)) throw error;
      out.ignored.push(error.message);
    }
  }
}
