import { type ProblemAnswer, problems } from './problems.ts';
import type { XDmEvent, XPost, XState, XUser } from './state.ts';

/**
 * X returns only a few default fields unless a request names more (`tweet.fields`, `user.fields`,
 * `dm_event.fields`) and only expands related objects it is asked to (`expansions`). The peer
 * does the same, so a channel that forgets to ask for `author_id` or `created_at` fails here as it
 * would against X. Unknown names are refused with 400, as X does.
 */
const POST_FIELDS = new Set([
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
]);
const USER_FIELDS = new Set([
  'affiliation',
  'confirmed_email',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
]);
const DM_FIELDS = new Set([
  'attachments',
  'created_at',
  'dm_conversation_id',
  'entities',
  'event_type',
  'id',
  'participant_ids',
  'referenced_tweets',
  'sender_id',
  'text',
]);
const POST_EXPANSIONS = new Set([
  'author_id',
  'referenced_tweets.id',
  'referenced_tweets.id.author_id',
  'in_reply_to_user_id',
  'entities.mentions.username',
  'attachments.media_keys',
  'attachments.poll_ids',
  'geo.place_id',
  'edit_history_tweet_ids',
]);
const DM_EXPANSIONS = new Set(['sender_id', 'participant_ids', 'referenced_tweets.id', 'attachments.media_keys']);

export interface Selection {
  post: Set<string>;
  user: Set<string>;
  dm: Set<string>;
  expansions: Set<string>;
}

function list(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads and checks the field and expansion parameters of a request. */
export function readSelection(query: URLSearchParams, kind: 'post' | 'user' | 'dm'): Selection | ProblemAnswer {
  const checks: Array<[string, Set<string>]> = [
    ['tweet.fields', POST_FIELDS],
    ['user.fields', USER_FIELDS],
    ['dm_event.fields', DM_FIELDS],
    [
      'expansions',
      kind === 'dm' ? DM_EXPANSIONS : kind === 'post' ? POST_EXPANSIONS : new Set(['pinned_tweet_id', 'most_recent_tweet_id']),
    ],
  ];
  for (const [name, allowed] of checks) {
    for (const value of list(query, name)) {
      if (!allowed.has(value)) {
        return problems.invalidRequest(
          `The \`${name}\` query parameter value [${value}] is not one of [${[...allowed].join(',')}]`,
          name,
          value,
        );
      }
    }
  }
  return {
    post: new Set(list(query, 'tweet.fields')),
    user: new Set(list(query, 'user.fields')),
    dm: new Set(list(query, 'dm_event.fields')),
    expansions: new Set(list(query, 'expansions')),
  };
}

export function isProblem(x: unknown): x is ProblemAnswer {
  return typeof x === 'object' && x !== null && 'status' in x && 'body' in x;
}

function pick<T extends object>(source: T, fields: Set<string>, always: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if ((always.includes(key) || fields.has(key)) && value !== undefined) out[key] = structuredClone(value);
  }
  return out;
}

export function projectPost(post: XPost, fields: Set<string>): Record<string, unknown> {
  return pick(post, fields, ['id', 'text', 'edit_history_tweet_ids']);
}

/** The full v2 user object; what `user.fields` may select from. */
export function fullUser(user: XUser): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    username: user.username,
    created_at: user.created_at,
    description: user.description,
    location: user.location,
    protected: false,
    verified: user.verified,
    verified_type: user.verified ? 'blue' : 'none',
    profile_image_url: `https://pbs.twimg.com/profile_images/${user.id}/avatar_normal.jpg`,
    url: '',
    receives_your_dm: user.acceptsDms,
    public_metrics: { followers_count: user.followers, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0, media_count: 0 },
  };
}

export function projectUser(user: XUser, fields: Set<string>): Record<string, unknown> {
  return pick(fullUser(user), fields, ['id', 'name', 'username']);
}

export function projectDm(event: XDmEvent, fields: Set<string>): Record<string, unknown> {
  return pick(event, fields, ['id', 'event_type', 'text']);
}

/** What a response expanded: X bills each returned object, so the peer counts them. */
export interface Expanded {
  includes?: { users?: Record<string, unknown>[]; tweets?: Record<string, unknown>[] };
  users: XUser[];
  posts: XPost[];
}

/** The `includes` for posts, following the requested expansions. */
export function postIncludes(state: XState, posts: XPost[], sel: Selection): Expanded {
  const userIds: string[] = [];
  const postIds: string[] = [];
  const addUser = (id: string | undefined) => id && !userIds.includes(id) && userIds.push(id);
  for (const p of posts) {
    if (sel.expansions.has('author_id')) addUser(p.author_id);
    if (sel.expansions.has('in_reply_to_user_id')) addUser(p.in_reply_to_user_id);
    if (sel.expansions.has('entities.mentions.username')) for (const m of p.entities?.mentions ?? []) addUser(m.id);
    if (sel.expansions.has('referenced_tweets.id') || sel.expansions.has('referenced_tweets.id.author_id')) {
      for (const r of p.referenced_tweets ?? []) {
        const ref = state.findPost(r.id);
        if (!ref) continue;
        if (sel.expansions.has('referenced_tweets.id') && !postIds.includes(ref.id)) postIds.push(ref.id);
        if (sel.expansions.has('referenced_tweets.id.author_id')) addUser(ref.author_id);
      }
    }
  }
  const users = userIds.map((id) => state.users.get(id)).filter((u): u is XUser => u !== undefined);
  const refs = postIds.map((id) => state.findPost(id)).filter((p): p is XPost => p !== undefined);
  const includes: NonNullable<Expanded['includes']> = {};
  if (users.length) includes.users = users.map((u) => projectUser(u, sel.user));
  if (refs.length) includes.tweets = refs.map((p) => projectPost(p, sel.post));
  return { ...(users.length || refs.length ? { includes } : {}), users, posts: refs };
}

/** The `includes` for DM events (`sender_id`, `participant_ids`). */
export function dmIncludes(state: XState, events: XDmEvent[], sel: Selection): Expanded {
  const ids: string[] = [];
  for (const e of events) {
    const candidates = [
      ...(sel.expansions.has('sender_id') ? [e.sender_id] : []),
      ...(sel.expansions.has('participant_ids') ? e.participant_ids : []),
    ];
    for (const id of candidates) if (!ids.includes(id)) ids.push(id);
  }
  const users = ids.map((id) => state.users.get(id)).filter((u): u is XUser => u !== undefined);
  return { ...(users.length ? { includes: { users: users.map((u) => projectUser(u, sel.user)) } } : {}), users, posts: [] };
}
