import { randomBytes, randomUUID } from 'node:crypto';
import { composeText, tcoLink, type XPostEntities } from './entities.ts';

/** A person (or the brand) on the peer's X. */
export interface XUser {
  id: string;
  username: string;
  name: string;
  followers: number;
  verified: boolean;
  location?: string;
  /** Whether the brand may open a DM with this user (`receives_your_dm` in X's user fields). */
  acceptsDms: boolean;
  description: string;
  created_at: string;
}

export interface AddUserInput {
  id?: string;
  username: string;
  name?: string;
  followers?: number;
  verified?: boolean;
  location?: string;
  acceptsDms?: boolean;
}

export interface XReferencedPost {
  type: 'replied_to' | 'quoted';
  id: string;
}

/** A post with every field the peer knows; endpoints return the fields a request asks for. */
export interface XPost {
  id: string;
  text: string;
  edit_history_tweet_ids: string[];
  author_id: string;
  created_at: string;
  conversation_id: string;
  in_reply_to_user_id?: string;
  referenced_tweets?: XReferencedPost[];
  entities?: XPostEntities;
  lang: string;
  display_text_range: [number, number];
  possibly_sensitive: boolean;
  reply_settings: 'everyone';
  public_metrics: {
    retweet_count: number;
    reply_count: number;
    like_count: number;
    quote_count: number;
    bookmark_count: number;
    impression_count: number;
  };
}

export interface PostInput {
  /** Username or id of the author. */
  from: string;
  text: string;
  replyTo?: string;
  quote?: string;
  lang?: string;
}

/** A v2 DM event (unencrypted DMs). */
export interface XDmEvent {
  id: string;
  event_type: 'MessageCreate';
  text: string;
  sender_id: string;
  dm_conversation_id: string;
  created_at: string;
  participant_ids: [string, string];
}

/** An encrypted XChat message: only its ciphertext ever leaves X (by `chat.received`). */
export interface XChatMessage {
  id: string;
  sender_id: string;
  recipient_id: string;
  conversation_id: string;
  created_at_msec: string;
  encoded_event: string;
  /** What the customer typed; never in any payload, kept so a test can tell messages apart. */
  plaintext: string;
}

export interface SendDmInput {
  /** Username or id of the customer writing to the brand. */
  from: string;
  text: string;
  encrypted?: boolean;
}

/** A post the brand created through `POST /2/tweets`. */
export interface CreatedPost {
  post: XPost;
  replyTo?: string;
  /** Whether the reply answered a post that summoned the brand (X's cheaper "summoned" price). */
  summoned: boolean;
  withUrl: boolean;
}

/** A DM the brand sent through the API. */
export interface SentDm {
  event: XDmEvent;
  recipientId: string;
}

type Listener = { post?: (post: XPost) => void; dm?: (event: XDmEvent) => void; chat?: (message: XChatMessage) => void };

const X_EPOCH = 1288834974657n;

/** Everything the peer's X holds: users, posts, DMs, with X-shaped ids and timestamps. */
export class XState {
  readonly users = new Map<string, XUser>();
  readonly posts: XPost[] = [];
  readonly dms: XDmEvent[] = [];
  readonly chats: XChatMessage[] = [];
  readonly created: CreatedPost[] = [];
  readonly sent: SentDm[] = [];
  private lastId = 0n;
  private links = 0;
  private readonly listeners: Listener[] = [];

  constructor(readonly now: () => Date) {}

  /** A snowflake-like id: time-ordered and strictly increasing, so `since_id` compares numerically. */
  nextId(): string {
    let id = (BigInt(this.now().getTime()) - X_EPOCH) << 22n;
    if (id <= this.lastId) id = this.lastId + 1n;
    this.lastId = id;
    return id.toString();
  }

  listen(listener: Listener): void {
    this.listeners.push(listener);
  }

  addUser(input: AddUserInput): XUser {
    if (this.user(input.username)) throw new Error(`X test peer: @${input.username} already exists`);
    const user: XUser = {
      id: input.id ?? this.nextId(),
      username: input.username,
      name: input.name ?? input.username,
      followers: input.followers ?? 0,
      verified: input.verified ?? false,
      acceptsDms: input.acceptsDms ?? true,
      description: '',
      created_at: this.now().toISOString(),
      ...(input.location === undefined ? {} : { location: input.location }),
    };
    this.users.set(user.id, user);
    return user;
  }

  /** A user by id or username (with or without `@`, any case). */
  user(idOrUsername: string): XUser | undefined {
    const byId = this.users.get(idOrUsername);
    if (byId) return byId;
    const name = idOrUsername.replace(/^@/, '').toLowerCase();
    for (const u of this.users.values()) if (u.username.toLowerCase() === name) return u;
    return undefined;
  }

  mustUser(idOrUsername: string): XUser {
    const user = this.user(idOrUsername);
    if (!user) throw new Error(`X test peer: no user ${idOrUsername}; add it with addUser() first`);
    return user;
  }

  findPost(id: string): XPost | undefined {
    return this.posts.find((p) => p.id === id);
  }

  /** The @handles a reply to `parent` by `author` starts with: the parent's author, then its mentions. */
  private replyHandles(author: XUser, parent: XPost | undefined): string[] {
    const handles: string[] = [];
    if (!parent) return handles;
    for (const n of [this.mustUser(parent.author_id).username, ...(parent.entities?.mentions ?? []).map((m) => m.username)]) {
      const lower = n.toLowerCase();
      if (lower !== author.username.toLowerCase() && !handles.some((h) => h.toLowerCase() === lower)) handles.push(n);
    }
    return handles;
  }

  /** The text a post would have, links left expanded (to compare drafts with `canonicalText`). */
  composeFor(input: PostInput): string {
    const author = this.mustUser(input.from);
    const parent = input.replyTo === undefined ? undefined : this.findPost(input.replyTo);
    return composeText(input.text, { replyHandles: this.replyHandles(author, parent), lookup: (n) => this.user(n), shortLink: (x) => x })
      .text;
  }

  /** Creates a post as X stores it: t.co links, reply prefix, entities, thread ids. */
  createPost(input: PostInput): XPost {
    const author = this.mustUser(input.from);
    const parent = input.replyTo === undefined ? undefined : this.findPost(input.replyTo);
    if (input.replyTo !== undefined && !parent) throw new Error(`X test peer: no post ${input.replyTo} to reply to`);
    const quoted = input.quote === undefined ? undefined : this.findPost(input.quote);
    if (input.quote !== undefined && !quoted) throw new Error(`X test peer: no post ${input.quote} to quote`);
    const composed = composeText(input.text, {
      replyHandles: this.replyHandles(author, parent),
      lookup: (name) => this.user(name),
      shortLink: () => tcoLink(++this.links),
    });
    const id = this.nextId();
    const refs: XReferencedPost[] = [];
    if (parent) refs.push({ type: 'replied_to', id: parent.id });
    if (quoted) refs.push({ type: 'quoted', id: quoted.id });
    const post: XPost = {
      id,
      text: composed.text,
      edit_history_tweet_ids: [id],
      author_id: author.id,
      created_at: this.now().toISOString(),
      conversation_id: parent ? parent.conversation_id : id,
      ...(parent ? { in_reply_to_user_id: parent.author_id } : {}),
      ...(refs.length ? { referenced_tweets: refs } : {}),
      ...(Object.keys(composed.entities).length ? { entities: composed.entities } : {}),
      lang: input.lang ?? 'en',
      display_text_range: composed.displayTextRange,
      possibly_sensitive: false,
      reply_settings: 'everyone',
      public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
    };
    if (parent) parent.public_metrics.reply_count++;
    if (quoted) quoted.public_metrics.quote_count++;
    this.posts.push(post);
    for (const l of this.listeners) l.post?.(post);
    return post;
  }

  /** A DM between two users, as X records it (conversation id `smallerId-largerId`). */
  createDm(from: XUser, to: XUser, text: string): XDmEvent {
    const pair = [from.id, to.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) as [string, string];
    const event: XDmEvent = {
      id: this.nextId(),
      event_type: 'MessageCreate',
      text,
      sender_id: from.id,
      dm_conversation_id: `${pair[0]}-${pair[1]}`,
      created_at: this.now().toISOString(),
      participant_ids: pair,
    };
    this.dms.push(event);
    for (const l of this.listeners) l.dm?.(event);
    return event;
  }

  createChat(from: XUser, to: XUser, text: string): XChatMessage {
    const message: XChatMessage = {
      id: randomUUID(),
      sender_id: from.id,
      recipient_id: to.id,
      conversation_id: `${from.id}:${to.id}`,
      created_at_msec: String(this.now().getTime()),
      // Random bytes stand in for XChat's ciphertext: nothing in it can be read without X's keys.
      encoded_event: randomBytes(48).toString('base64'),
      plaintext: text,
    };
    this.chats.push(message);
    for (const l of this.listeners) l.chat?.(message);
    return message;
  }
}

/** Numeric comparison of snowflake strings (they differ in length over the years). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A post's text with its t.co links expanded again. */
export function canonicalText(post: XPost): string {
  let text = post.text;
  for (const u of post.entities?.urls ?? []) text = text.replace(u.url, u.expanded_url);
  return text;
}

/** Whether `post` @mentions `userId` in its typed text (not just in a reply's leading handles). */
export function mentionsExplicitly(post: XPost, userId: string): boolean {
  return (post.entities?.mentions ?? []).some((m) => m.id === userId && m.start >= post.display_text_range[0]);
}
