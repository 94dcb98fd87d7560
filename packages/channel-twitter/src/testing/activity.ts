import { randomBytes } from 'node:crypto';
import { fullUser } from './fields.ts';
import { accountActivityDm, accountActivityTweet, activityDmPayload, legacyJson } from './legacy.ts';
import { callOut } from './outbound.ts';
import { crcResponseToken, webhookSignature } from './signing.ts';
import { compareIds, mentionsExplicitly, type XChatMessage, type XDmEvent, type XPost, type XState } from './state.ts';
import type { UsageMeter } from './usage.ts';

/** A registered webhook, as `GET /2/webhooks` lists it. */
export interface XWebhook {
  id: string;
  url: string;
  valid: boolean;
  created_at: string;
}

/** An X Activity API subscription, as `GET /2/activity/subscriptions` lists it. */
export interface XSubscription {
  subscription_id: string;
  event_type: string;
  filter: { user_id: string };
  tag?: string;
  webhook_id?: string;
  created_at: string;
  updated_at: string;
}

/** One POST the peer made to a webhook, and what the channel's server answered. */
export interface XDelivery {
  webhookId: string;
  url: string;
  /** `activity`: an X Activity API envelope; `account-activity`: the deprecated AAA shape. */
  format: 'activity' | 'account-activity';
  /** The Activity API event type, or `tweet_create_events` / `direct_message_events`. */
  eventType: string;
  eventUuid?: string;
  /** The exact bytes sent (signed as they are). */
  body: string;
  signature: string;
  /** The HTTP status the server answered, or null when the call failed (see `error`). */
  status: number | null;
  error?: string;
}

/** Every event type X's Activity API documents; the peer raises the post, DM and chat ones. */
export const ACTIVITY_EVENT_TYPES = new Set([
  'post.create',
  'post.delete',
  'post.mention.create',
  'post.reply.create',
  'post.quote.create',
  'post.repost.create',
  'like.create',
  'follow.follow',
  'follow.unfollow',
  'profile.update.bio',
  'profile.update.profile_picture',
  'profile.update.banner_picture',
  'profile.update.screenname',
  'profile.update.geo',
  'profile.update.url',
  'profile.update.handle',
  'profile.update.verified_badge',
  'profile.update.affiliate_badge',
  'chat.received',
  'chat.sent',
  'chat.conversation_join',
  'dm.received',
  'dm.sent',
  'dm.read',
  'dm.indicate_typing',
  'news.new',
  'spaces.start',
  'spaces.end',
  'mute.mute',
  'mute.unmute',
  'block.block',
  'block.unblock',
  'broadcast.start',
  'broadcast.end',
  'broadcast.chat',
  'oauth.revoke',
]);

/** Events X only lets a user-context token subscribe to (the user must have authorised the app). */
export function isPrivateEvent(eventType: string): boolean {
  return /^(like\.|chat\.|dm\.|mute\.|block\.|broadcast\.chat$|post\.(mention|reply|quote|repost)\.create$)/.test(eventType);
}

type CrcResult = { ok: true } | { ok: false; reason: string };

/** Webhooks, subscriptions and the deliveries that follow new posts, DMs and chats. */
export class Activity {
  readonly webhooks = new Map<string, XWebhook>();
  readonly subscriptions = new Map<string, XSubscription>();
  readonly deliveries: XDelivery[] = [];
  private readonly inflight = new Set<Promise<XDelivery>>();

  constructor(
    private readonly state: XState,
    private readonly usage: UsageMeter,
    private readonly consumerSecret: string,
  ) {
    state.listen({ post: (p) => this.onPost(p), dm: (e) => this.onDm(e), chat: (c) => this.onChat(c) });
  }

  /** X's challenge-response check: GET `url?crc_token=T`, expecting the HMAC of T. */
  async crc(url: string): Promise<CrcResult> {
    const token = randomBytes(24).toString('base64url');
    const target = new URL(url);
    target.searchParams.set('crc_token', token);
    const res = await callOut(target.toString(), { method: 'GET' });
    if (res.status === null) return { ok: false, reason: `CrcValidationFailed: ${res.error ?? 'no answer'}` };
    if (res.status < 200 || res.status >= 300) return { ok: false, reason: `CrcValidationFailed: HTTP ${res.status}` };
    let token2: unknown;
    try {
      token2 = (JSON.parse(res.body) as { response_token?: unknown }).response_token;
    } catch {
      return { ok: false, reason: 'CrcValidationFailed: Response is not JSON' };
    }
    return token2 === crcResponseToken(this.consumerSecret, token)
      ? { ok: true }
      : { ok: false, reason: 'CrcValidationFailed: Invalid response_token' };
  }

  async register(url: string): Promise<XWebhook | { reason: string }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { reason: 'UrlValidationFailed: The URL is not valid' };
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { reason: 'UrlValidationFailed: The URL must use https' };
    if ([...this.webhooks.values()].some((w) => w.url === url))
      return { reason: 'DuplicateUrlFailed: A webhook is already registered for this URL' };
    const check = await this.crc(url);
    if (!check.ok) return { reason: check.reason };
    const hook: XWebhook = { id: this.state.nextId(), url, valid: true, created_at: this.state.now().toISOString() };
    this.webhooks.set(hook.id, hook);
    return hook;
  }

  /** Re-runs the CRC (`PUT /2/webhooks/:id`); a pass re-enables the webhook, a failure disables it. */
  async revalidate(id: string): Promise<CrcResult> {
    const hook = this.webhooks.get(id);
    if (!hook) return { ok: false, reason: 'WebhookIdInvalid: The webhook id was not found for this application' };
    const check = await this.crc(hook.url);
    hook.valid = check.ok;
    return check;
  }

  /** Every subscription whose event type and user match, with a valid webhook to deliver to. */
  private targets(eventType: string, userId: string): Array<{ sub: XSubscription; hook: XWebhook }> {
    const out: Array<{ sub: XSubscription; hook: XWebhook }> = [];
    for (const sub of this.subscriptions.values()) {
      if (sub.event_type !== eventType || sub.filter.user_id !== userId || !sub.webhook_id) continue;
      const hook = this.webhooks.get(sub.webhook_id);
      // An invalid webhook gets nothing, and nothing is kept for it: only polling sees those events.
      if (hook?.valid) out.push({ sub, hook });
    }
    return out;
  }

  private emit(eventType: string, userId: string, payload: unknown, includes?: unknown): void {
    for (const { sub, hook } of this.targets(eventType, userId)) {
      const eventUuid = this.state.nextId();
      const data = {
        event_uuid: eventUuid,
        filter: { user_id: userId },
        event_type: eventType,
        ...(sub.tag === undefined ? {} : { tag: sub.tag }),
        payload,
        ...(includes === undefined ? {} : { includes }),
      };
      this.send(hook, { format: 'activity', eventType, eventUuid }, JSON.stringify({ data }));
    }
  }

  private postIncludes(post: XPost): Record<string, unknown> {
    const userIds = new Set([post.author_id, ...(post.entities?.mentions ?? []).map((m) => m.id)]);
    const tweets = (post.referenced_tweets ?? []).map((r) => this.state.findPost(r.id)).filter((p): p is XPost => p !== undefined);
    for (const t of tweets) userIds.add(t.author_id);
    const users = [...userIds].map((id) => this.state.users.get(id)).filter((u) => u !== undefined);
    return { users: users.map(fullUser), ...(tweets.length ? { tweets } : {}) };
  }

  private onPost(post: XPost): void {
    const includes = this.postIncludes(post);
    this.emit('post.create', post.author_id, post, includes);
    const notified = new Set<string>();
    const parent = post.referenced_tweets?.find((r) => r.type === 'replied_to');
    const parentPost = parent ? this.state.findPost(parent.id) : undefined;
    if (parentPost && parentPost.author_id !== post.author_id) {
      this.emit('post.reply.create', parentPost.author_id, { ...post, in_reply_to_tweet_id: parentPost.id }, includes);
    }
    const quoted = post.referenced_tweets?.find((r) => r.type === 'quoted');
    const quotedPost = quoted ? this.state.findPost(quoted.id) : undefined;
    if (quotedPost && quotedPost.author_id !== post.author_id) this.emit('post.quote.create', quotedPost.author_id, post, includes);
    for (const m of post.entities?.mentions ?? []) {
      if (m.id === post.author_id || notified.has(m.id) || !mentionsExplicitly(post, m.id)) continue;
      notified.add(m.id);
      this.emit('post.mention.create', m.id, post, includes);
    }
  }

  private onDm(event: XDmEvent): void {
    const payload = activityDmPayload(event, this.state);
    const recipient = event.participant_ids.find((id) => id !== event.sender_id);
    this.emit('dm.sent', event.sender_id, payload);
    if (recipient) this.emit('dm.received', recipient, payload);
  }

  private onChat(message: XChatMessage): void {
    const { plaintext: _hidden, recipient_id, ...visible } = message;
    const payload = {
      conversation_token: randomBytes(32).toString('base64url'),
      ...visible,
      conversation_key_version: '1',
      conversation_key_change_event: randomBytes(24).toString('base64'),
      message_event_signature: {
        public_key_version: '1',
        signature: randomBytes(64).toString('base64'),
        signature_version: '7',
        signing_public_key: randomBytes(65).toString('base64'),
      },
    };
    this.emit('chat.received', recipient_id, payload);
    this.emit('chat.sent', message.sender_id, payload);
  }

  private send(hook: XWebhook, meta: Pick<XDelivery, 'format' | 'eventType' | 'eventUuid'>, body: string): Promise<XDelivery> {
    const signature = webhookSignature(this.consumerSecret, body);
    if (meta.format === 'activity' && meta.eventUuid) this.usage.delivered(meta.eventType, meta.eventUuid);
    const attempt = callOut(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signature },
      body,
    }).then((res) => {
      const delivery: XDelivery = {
        webhookId: hook.id,
        url: hook.url,
        ...meta,
        body,
        signature,
        status: res.status,
        ...(res.error ? { error: res.error } : {}),
      };
      this.deliveries.push(delivery);
      return delivery;
    });
    this.inflight.add(attempt);
    void attempt.finally(() => this.inflight.delete(attempt));
    return attempt;
  }

  /** Sends the last Activity API delivery again, same `event_uuid` and bytes (X may duplicate). */
  async redeliverLast(): Promise<XDelivery> {
    await this.settled();
    const last = this.deliveries.filter((d) => d.format === 'activity').at(-1);
    const hook = last ? this.webhooks.get(last.webhookId) : undefined;
    if (!last || !hook) throw new Error('X test peer: nothing has been delivered yet to redeliver');
    return this.send(
      hook,
      { format: 'activity', eventType: last.eventType, ...(last.eventUuid ? { eventUuid: last.eventUuid } : {}) },
      last.body,
    );
  }

  /** Posts a deprecated Account Activity API body for a post or DM to one or every valid webhook. */
  deliverAccountActivity(kind: 'tweet' | 'dm', id: string, forUserId: string, webhookId?: string): Promise<XDelivery[]> {
    const hooks = webhookId ? [this.webhooks.get(webhookId)] : [...this.webhooks.values()].filter((w) => w.valid);
    let body: string;
    if (kind === 'tweet') {
      const post = this.state.findPost(id);
      if (!post) throw new Error(`X test peer: no post ${id}`);
      body = legacyJson(accountActivityTweet(forUserId, post, this.state));
    } else {
      const event = this.state.dms.find((e) => e.id === id);
      if (!event) throw new Error(`X test peer: no DM event ${id}`);
      body = legacyJson(accountActivityDm(forUserId, event, this.state));
    }
    const eventType = kind === 'tweet' ? 'tweet_create_events' : 'direct_message_events';
    return Promise.all(hooks.filter((h) => h !== undefined).map((h) => this.send(h, { format: 'account-activity', eventType }, body)));
  }

  /** Resolves once no delivery is in flight (including ones started while waiting). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Subscriptions in creation order. */
  listSubscriptions(): XSubscription[] {
    return [...this.subscriptions.values()].sort((a, b) => compareIds(a.subscription_id, b.subscription_id));
  }
}
