import { type MessageReceivedEvent, replaceUnsafeDeep } from '@centralita/core';
import { z } from 'zod';
import { PayloadError, parseOrThrow } from './errors.ts';
import { capText, decodePostText, expandLinks, type LinkEntity, localeFromLang, parseXTime, snowflakeTime } from './text.ts';
import { type Brand, isRecord, senderFor, usersById, type XProfile, xId } from './users.ts';

/** Which path brought a post: the mentions timeline, a webhook delivery, a search or a stream. */
export type PostSource = 'mentions' | 'webhook' | 'search' | 'stream';

export interface PostEventOptions {
  /** `proactive`: found by listening (search, stream), not addressed to the brand. */
  origin?: 'proactive';
  source?: PostSource;
  /**
   * The caller knows the post quotes one of the brand's posts (the Activity API's
   * `post.quote.create` says so even when `includes` is empty).
   */
  quotesBrand?: boolean;
  /** Where the post sits in the body, for error messages: `data.payload`. */
  where?: string;
}

/** A post as either API describes it, reduced to what an event needs. */
export interface NormalisedPost {
  id: string;
  authorId: string;
  author?: XProfile;
  /** The text as X sent it: HTML-escaped, t.co links not expanded. */
  text: string;
  links: LinkEntity[];
  mentions: { id?: string; username?: string }[];
  createdAt: Date;
  /** The id of the conversation's first post; unknown on v1.1, which has no such field. */
  conversationId?: string;
  inReplyToId?: string;
  inReplyToUserId?: string;
  quotedId?: string;
  /** Author of the quoted post, when the payload carries it. */
  quotedAuthorId?: string;
  lang?: string;
  repost: boolean;
  /** Where the author's own text starts, after the handles X puts in front of a reply (`display_text_range`). */
  displayStart?: number;
}

// Entities only enrich the text: a malformed entity list is dropped, never the post.
const mention = z.object({
  id: xId.optional().catch(undefined),
  username: z.string().optional().catch(undefined),
});
const link = z.object({
  url: z.string().optional().catch(undefined),
  expanded_url: z.string().nullable().optional().catch(undefined),
});
const entities = z
  .object({
    mentions: z.array(mention).max(1_000).optional().catch(undefined),
    urls: z.array(link).max(1_000).optional().catch(undefined),
  })
  .optional()
  .catch(undefined);

const reference = z.object({ type: z.string().max(40), id: xId });

const v2Post = z.object({
  id: xId,
  text: z.string(),
  author_id: xId,
  created_at: z.string().optional(),
  conversation_id: xId.optional(),
  in_reply_to_user_id: xId.optional(),
  // Activity API deliveries name the replied-to post here too.
  in_reply_to_tweet_id: xId.optional(),
  referenced_tweets: z.array(reference).max(100).optional(),
  // X's newer OpenAPI spells it this way; accepted in case deliveries follow.
  referenced_posts: z.array(reference).max(100).optional(),
  entities,
  display_text_range: z.array(z.number().int().nonnegative()).length(2).optional().catch(undefined),
  // Long posts: `text` is the first 280 characters, `note_tweet.text` the whole post.
  note_tweet: z.object({ text: z.string(), entities }).optional().catch(undefined),
  lang: z.string().max(35).optional().catch(undefined),
});

const includedPost = z.object({ id: xId, author_id: xId });

/** The posts an `includes.tweets` list names, by id, with their authors. */
function postAuthors(raw: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(raw)) return out;
  for (const value of raw.slice(0, 1_000)) {
    const post = includedPost.safeParse(value);
    if (post.success) out.set(post.data.id, post.data.author_id);
  }
  return out;
}

/**
 * A response's `includes` read once: its users by id and the authors of its included posts. A
 * page of 100 posts shares one `includes`; reading it again for each post made parsing grow with
 * the square of the page.
 */
export class PostIncludes {
  readonly users: Map<string, XProfile>;
  readonly authors: Map<string, string>;

  constructor(raw: unknown) {
    const inc = isRecord(raw) ? raw : {};
    this.users = usersById(inc.users);
    this.authors = postAuthors(inc.tweets);
  }
}

/** A v2 post (the mentions timeline, search, an Activity API payload) in the common form. */
export function normaliseV2Post(raw: unknown, includes: unknown, where = 'post'): NormalisedPost {
  const post = parseOrThrow(v2Post, raw, where);
  const { users, authors } = includes instanceof PostIncludes ? includes : new PostIncludes(includes);
  const refs = post.referenced_tweets ?? post.referenced_posts ?? [];
  const repliedTo = refs.find((r) => r.type === 'replied_to')?.id ?? post.in_reply_to_tweet_id;
  const quoted = refs.find((r) => r.type === 'quoted')?.id;
  const note = post.note_tweet;
  const quotedAuthorId = quoted ? authors.get(quoted) : undefined;
  const author = users.get(post.author_id);
  const lang = post.lang;
  return {
    id: post.id,
    authorId: post.author_id,
    ...(author ? { author } : {}),
    text: note?.text ?? post.text,
    links: [...(note?.entities?.urls ?? []), ...(post.entities?.urls ?? [])],
    mentions: [...(note?.entities?.mentions ?? []), ...(post.entities?.mentions ?? [])],
    createdAt: postTime(post.created_at, post.id, `${where}.created_at`),
    ...(post.conversation_id ? { conversationId: post.conversation_id } : {}),
    ...(repliedTo ? { inReplyToId: repliedTo } : {}),
    ...(post.in_reply_to_user_id ? { inReplyToUserId: post.in_reply_to_user_id } : {}),
    ...(quoted ? { quotedId: quoted } : {}),
    ...(quotedAuthorId ? { quotedAuthorId } : {}),
    ...(lang ? { lang } : {}),
    repost: refs.some((r) => r.type === 'retweeted'),
    ...(post.display_text_range ? { displayStart: post.display_text_range[0] } : {}),
  };
}

/** When a post was made: its timestamp, or the time inside its snowflake id when it has none. */
export function postTime(value: string | undefined, id: string, field: string): Date {
  if (value === undefined) return snowflakeTime(id);
  const time = parseXTime(value);
  if (!time) throw PayloadError.at(field, 'is not a date X would send');
  return time;
}

/**
 * The event for a v2 post. The external id is the post id whatever path brought it, so the
 * mentions timeline, a webhook and a search finding the same post give one message. Threads by
 * the post it replies to, then by X's conversation id. Throws PayloadError when the post lacks
 * what X always sends (id, text, author_id).
 */
export function postToEvent(post: unknown, includes: unknown, brand: Brand, options: PostEventOptions = {}): MessageReceivedEvent {
  return eventFromPost(normaliseV2Post(post, includes, options.where), brand, options);
}

/** Whether a v2 post is a repost (retweet): something to count, not a message to answer. */
export function isRepost(post: unknown): boolean {
  if (!isRecord(post)) return false;
  const refs = [post.referenced_tweets, post.referenced_posts].flatMap((list) => (Array.isArray(list) ? list : []));
  return refs.some((r) => isRecord(r) && r.type === 'retweeted');
}

/** The event for a post in the common form; shared by the v2 and v1.1 paths so both agree. */
export function eventFromPost(post: NormalisedPost, brand: Brand, options: PostEventOptions = {}): MessageReceivedEvent {
  const original = decodePostText(capText(post.text));
  const expanded = capText(expandLinks(original, post.links));
  // X's entities say it is a mention (not a handle inside a link, not an unknown account); the
  // text says whether the author typed it.
  const brandName = brand.username.toLowerCase();
  const mentionsBrand =
    post.mentions.some((m) => m.id === brand.id || m.username?.toLowerCase() === brandName) &&
    mentionsInTypedText(original, post.displayStart ?? (post.inReplyToId ? 'reply' : 0), brand.username);
  const quotesBrand = options.quotesBrand === true || (post.quotedAuthorId !== undefined && post.quotedAuthorId === brand.id);
  // A post that replies to nothing starts its own conversation: X gives it its own id.
  const conversationId = post.conversationId ?? (post.inReplyToId ? undefined : post.id);
  const username = post.author?.username;
  const locale = localeFromLang(post.lang);
  const event: MessageReceivedEvent = {
    type: 'message.received',
    externalMessageId: post.id,
    occurredAt: post.createdAt,
    sender: senderFor(post.authorId, post.author, locale),
    text: expanded.trim() === '' ? '(empty post)' : expanded,
    ...(expanded !== original ? { fullText: original } : {}),
    visibility: 'public',
    thread: {
      inReplyTo: post.inReplyToId ? [post.inReplyToId] : [],
      ...(conversationId ? { externalThreadId: conversationId } : {}),
    },
    metadata: {
      postId: post.id,
      url: `https://x.com/${username ?? 'i'}/status/${post.id}`,
      authorUsername: username ?? null,
      conversationId: conversationId ?? null,
      inReplyToPostId: post.inReplyToId ?? null,
      repliesToBrand: post.inReplyToUserId === brand.id,
      mentionsBrand,
      quotesBrand,
      summonsBrand: mentionsBrand || quotesBrand,
      // Whether the console may offer a DM when a public reply is not allowed; unknown: null.
      authorAcceptsDms: post.author?.acceptsDms ?? null,
      lang: post.lang ?? null,
      ...(options.source ? { source: options.source } : {}),
    },
    ...(options.origin ? { origin: options.origin } : {}),
  };
  return replaceUnsafeDeep(event);
}

/**
 * Whether the author typed the brand's handle. In a reply, X puts the handles of the people
 * answered in front of the text (before `display_text_range[0]`); those say who the reply goes
 * to, not that the author called the brand, so they do not count. X's reply rule for self-serve
 * apps turns on this. `typedFrom` is that offset in code points, or `'reply'` for a reply whose
 * payload does not say: then every leading handle is taken for X's, since in doubt the answer is no.
 */
export function mentionsInTypedText(text: string, typedFrom: number | 'reply', username: string): boolean {
  const typed = typedFrom === 'reply' ? text.replace(/^(?:\s*@\w{1,15})+/u, '') : Array.from(text).slice(typedFrom).join('');
  const handle = new RegExp(`(^|[^\\w@])@${username.replace(/\W/g, '')}(?!\\w)`, 'i');
  return handle.test(typed);
}
