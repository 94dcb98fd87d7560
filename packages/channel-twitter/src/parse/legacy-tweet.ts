import { z } from 'zod';
import { PayloadError, parseOrThrow } from './errors.ts';
import { type NormalisedPost, postTime } from './post.ts';
import { readUser, xId } from './users.ts';

// v1.1 tweets (the Account Activity API's `tweet_create_events`). Entities only enrich the
// text, so a malformed list is dropped rather than the tweet.
const v1Entities = z
  .object({
    user_mentions: z
      .array(z.object({ id_str: xId.optional().catch(undefined), screen_name: z.string().optional().catch(undefined) }))
      .max(1_000)
      .optional()
      .catch(undefined),
    urls: z
      .array(z.object({ url: z.string().optional().catch(undefined), expanded_url: z.string().nullable().optional().catch(undefined) }))
      .max(1_000)
      .optional()
      .catch(undefined),
  })
  .optional()
  .catch(undefined);

const v1Tweet = z.object({
  id_str: xId,
  text: z.string().optional(),
  full_text: z.string().optional(),
  truncated: z.boolean().optional().catch(undefined),
  // Tweets longer than 140 characters: `text` is cut and the whole text sits here.
  extended_tweet: z.object({ full_text: z.string(), entities: v1Entities }).optional().catch(undefined),
  user: z.looseObject({ id_str: xId }),
  in_reply_to_status_id_str: xId.nullable().optional(),
  in_reply_to_user_id_str: xId.nullable().optional(),
  quoted_status_id_str: xId.nullable().optional().catch(undefined),
  quoted_status: z
    .object({ id_str: xId.optional().catch(undefined), user: z.object({ id_str: xId }).optional().catch(undefined) })
    .nullable()
    .optional()
    .catch(undefined),
  retweeted_status: z.unknown().optional(),
  entities: v1Entities,
  lang: z.string().max(35).nullable().optional().catch(undefined),
  timestamp_ms: z
    .string()
    .regex(/^\d{1,16}$/, { error: 'must be milliseconds as digits' })
    .optional(),
  created_at: z.string().optional(),
});

/**
 * A v1.1 tweet in the common form. v1.1 has no conversation id, so a reply threads only by the
 * tweet it answers; a tweet that answers nothing is its own conversation, as on v2.
 */
export function normaliseV1Tweet(raw: unknown, where: string): NormalisedPost {
  const tweet = parseOrThrow(v1Tweet, raw, where);
  const extended = tweet.truncated !== false && tweet.extended_tweet ? tweet.extended_tweet : undefined;
  const text = extended?.full_text ?? tweet.full_text ?? tweet.text;
  if (text === undefined) throw PayloadError.at(`${where}.text`, 'is missing (and so are full_text and extended_tweet.full_text)');
  const ents = extended?.entities ?? tweet.entities;
  const author = readUser(tweet.user) ?? { id: tweet.user.id_str };
  const quotedId = tweet.quoted_status?.id_str ?? tweet.quoted_status_id_str ?? undefined;
  const quotedAuthorId = tweet.quoted_status?.user?.id_str;
  const lang = tweet.lang ?? undefined;
  return {
    id: tweet.id_str,
    authorId: tweet.user.id_str,
    author,
    text,
    links: ents?.urls ?? [],
    mentions: (ents?.user_mentions ?? []).map((m) => ({
      ...(m.id_str ? { id: m.id_str } : {}),
      ...(m.screen_name ? { username: m.screen_name } : {}),
    })),
    createdAt: postTime(
      tweet.timestamp_ms ?? tweet.created_at,
      tweet.id_str,
      `${where}.${tweet.timestamp_ms ? 'timestamp_ms' : 'created_at'}`,
    ),
    ...(tweet.in_reply_to_status_id_str ? { inReplyToId: tweet.in_reply_to_status_id_str } : {}),
    ...(tweet.in_reply_to_user_id_str ? { inReplyToUserId: tweet.in_reply_to_user_id_str } : {}),
    ...(quotedId ? { quotedId } : {}),
    ...(quotedAuthorId ? { quotedAuthorId } : {}),
    ...(lang ? { lang } : {}),
    repost: tweet.retweeted_status !== undefined && tweet.retweeted_status !== null,
  };
}
