import { type MessageReceivedEvent, replaceUnsafeText } from '@centralita/core';
import { z } from 'zod';
import { type DmBatch, dmToEvent } from './dm.ts';
import { normaliseChatEvent, normaliseLegacyDms } from './dm-legacy.ts';
import { parseOrThrow } from './errors.ts';
import { eventFromPost, normaliseV2Post } from './post.ts';
import { type Brand, xId } from './users.ts';

/** What one X Activity API delivery holds for an account. */
export interface ActivityDelivery {
  /** X's id for this delivery: the idempotency key (a redelivery repeats it). */
  eventUuid: string;
  eventType: string;
  events: MessageReceivedEvent[];
  /** Why the delivery (or part of it) gave no event: an echo, another account, a type we skip. */
  ignored?: string;
  /** The user the subscription filters on (`filter.user_id`), when X names one. */
  forUserId?: string;
  /** `oauth.revoke`: who took the app's access away; the account must be connected again. */
  revoked?: { userId: string; appId?: string };
}

/**
 * The envelope X wraps every Activity API event in, on the stream and on webhooks alike. One
 * delivery carries one event; only `dm.*` payloads carry a list (`direct_message_events`).
 */
const envelope = z.object({
  data: z.object({
    // Documented as digits, sometimes negative ("-3577827201104920132"); any short token is kept.
    event_uuid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be a short token of letters, digits, - or _' }),
    event_type: z.string().regex(/^[a-z0-9_.]{1,64}$/, { error: 'must be an event type such as post.mention.create' }),
    filter: z
      .object({ user_id: xId.optional().catch(undefined) })
      .optional()
      .catch(undefined),
    payload: z.unknown(),
    includes: z.unknown().optional(),
  }),
});

const revoke = z.object({
  user_id: xId,
  app_id: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional()
    .catch(undefined),
});

/** Post events whose payload is a v2 post by someone else, addressed to the brand. */
const POST_EVENTS = new Set(['post.mention.create', 'post.reply.create', 'post.quote.create']);

/** Why a `dm.*` payload gave fewer events than it had DMs, in one line; undefined when nothing was left out. */
export function dmBatchNote(batch: DmBatch): string | undefined {
  const parts = [
    ...(batch.echoes.length > 0 ? [`${batch.echoes.length} DM(s) sent by this account (our own outbound)`] : []),
    ...batch.skipped.map((s) => s.reason),
  ];
  return parts.length > 0 ? `skipped: ${parts.slice(0, 10).join('; ')}` : undefined;
}

/**
 * The events of one X Activity API delivery (`{ data: { event_uuid, event_type, filter,
 * payload, includes } }`): mentions, replies and quotes of the brand as public messages, DMs as
 * private ones, encrypted DMs as a placeholder. The brand's own DMs, other accounts' deliveries,
 * revocations and event types the channel does not handle give no events and say why in
 * `ignored`. Throws PayloadError when the envelope or a payload we use is malformed.
 */
export function parseActivityDelivery(body: unknown, brand: Brand): ActivityDelivery {
  const { data } = parseOrThrow(envelope, body, '');
  const type = data.event_type;
  const base = {
    eventUuid: data.event_uuid,
    eventType: type,
    ...(data.filter?.user_id ? { forUserId: data.filter.user_id } : {}),
  };
  const none = (why: string): ActivityDelivery => ({ ...base, events: [], ignored: replaceUnsafeText(why) });
  if (data.filter?.user_id && data.filter.user_id !== brand.id) {
    return none(`the delivery is for X user ${data.filter.user_id}, not this account (${brand.id})`);
  }
  if (POST_EVENTS.has(type)) {
    const post = normaliseV2Post(data.payload, data.includes, 'data.payload');
    if (post.authorId === brand.id) return none(`${type}: post ${post.id} is this account's own`);
    if (post.repost) return none(`${type}: post ${post.id} is a repost, not a message`);
    return { ...base, events: [eventFromPost(post, brand, { source: 'webhook', quotesBrand: type === 'post.quote.create' })] };
  }
  switch (type) {
    case 'dm.received': {
      const batch = normaliseLegacyDms(data.payload, brand, 'data.payload');
      const note = dmBatchNote(batch);
      const events = batch.dms.map((dm) => dmToEvent(dm, brand, { source: 'webhook' }));
      return { ...base, events, ...(note ? { ignored: note } : {}) };
    }
    case 'dm.sent':
      return none('dm.sent: a DM this account sent (our own outbound)');
    case 'chat.received': {
      const dm = normaliseChatEvent(data.payload, brand, 'data.payload');
      if (dm.senderId === brand.id) return none('chat.received: an encrypted DM this account sent');
      return { ...base, events: [dmToEvent(dm, brand, { source: 'webhook' })] };
    }
    case 'chat.sent':
      return none('chat.sent: an encrypted DM this account sent (our own outbound)');
    case 'oauth.revoke': {
      const r = parseOrThrow(revoke, data.payload, 'data.payload');
      return {
        ...none(`oauth.revoke: X user ${r.user_id} revoked this app's access; connect the account again`),
        revoked: { userId: r.user_id, ...(r.app_id ? { appId: r.app_id } : {}) },
      };
    }
    default:
      return none(`${type}: not an event the X channel handles`);
  }
}
