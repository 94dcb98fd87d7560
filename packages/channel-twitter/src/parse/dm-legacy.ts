import { replaceUnsafeText } from '@centralita/core';
import { z } from 'zod';
import {
  conversationKey,
  type DmAttachment,
  type DmBatch,
  dmSenderProfile,
  dmText,
  ENCRYPTED_DM_TEXT,
  type NormalisedDm,
  sortDm,
} from './dm.ts';
import { PayloadError, parseOrReason, parseOrThrow } from './errors.ts';
import { parseXTime, snowflakeTime } from './text.ts';
import { type Brand, isRecord, rawId, usersById, type XProfile, xId } from './users.ts';

const link = z.object({
  url: z.string().optional().catch(undefined),
  expanded_url: z.string().nullable().optional().catch(undefined),
});

const eventType = z.object({ type: z.string().max(40) });

/** A legacy `message_create` DM event (Activity API `dm.*` payloads, Account Activity API). */
const legacyMessage = z.object({
  id: xId,
  created_timestamp: z
    .string()
    .regex(/^\d{1,16}$/, { error: 'must be milliseconds as digits' })
    .optional(),
  message_create: z.object({
    target: z.object({ recipient_id: xId }),
    sender_id: xId,
    message_data: z.object({
      text: z.string(),
      entities: z
        .object({ urls: z.array(link).max(1_000).optional().catch(undefined) })
        .optional()
        .catch(undefined),
      // Only the links matter here: they become metadata, the media is never fetched.
      attachment: z
        .object({
          type: z.string().max(40).optional().catch(undefined),
          media: z
            .object({
              url: z.string().max(100).optional().catch(undefined),
              media_url_https: z.string().max(2_048).optional().catch(undefined),
              type: z.string().max(40).optional().catch(undefined),
            })
            .optional()
            .catch(undefined),
        })
        .optional()
        .catch(undefined),
    }),
  }),
});

/** One legacy DM event as a DM, or the reason it is not one. */
function readEvent(raw: unknown, at: string, users: Map<string, XProfile>): NormalisedDm | string {
  const kind = parseOrReason(eventType, raw, at);
  if (!kind.ok) return kind.reason;
  if (kind.value.type !== 'message_create') return `${at} is a ${kind.value.type} event, not a message`;
  const parsed = parseOrReason(legacyMessage, raw, at);
  if (!parsed.ok) return parsed.reason;
  const { id, created_timestamp: stamp, message_create: mc } = parsed.value;
  const time = stamp === undefined ? snowflakeTime(id) : parseXTime(stamp);
  if (!time) return `${at}.created_timestamp is not a time X would send`;
  const media = mc.message_data.attachment?.media;
  const attachments: DmAttachment[] =
    media?.media_url_https && /^https:\/\//.test(media.media_url_https)
      ? [{ type: media.type ?? 'media', url: media.media_url_https }]
      : [];
  const sender = dmSenderProfile(users.get(mc.sender_id));
  return {
    id,
    senderId: mc.sender_id,
    recipientId: mc.target.recipient_id,
    ...dmText(mc.message_data.text, mc.message_data.entities?.urls ?? [], media?.url ? [media.url] : []),
    createdAt: time,
    conversationKey: conversationKey(mc.sender_id, mc.target.recipient_id),
    ...(sender ? { sender } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    encrypted: false,
  };
}

/**
 * The DMs of a legacy body: `{ direct_message_events: [...], users: { id: user } }`, as the
 * Activity API's `dm.received`/`dm.sent` payloads (users wrapped in `data`) and the Account
 * Activity API (v1.1 users) send it. DMs the brand sent come back as echoes; other event types
 * and malformed events are skipped with the reason. Throws PayloadError when the list is missing.
 */
export function normaliseLegacyDms(body: unknown, brand: Brand, where = 'body'): DmBatch {
  if (!isRecord(body)) throw PayloadError.at(where, 'must be an object');
  const list = body.direct_message_events;
  if (list === undefined) throw PayloadError.at(`${where}.direct_message_events`, 'is missing');
  if (!Array.isArray(list)) throw PayloadError.at(`${where}.direct_message_events`, 'must be a list of DM events');
  const users = usersById(body.users);
  const batch: DmBatch = { dms: [], echoes: [], skipped: [] };
  for (const [i, raw] of list.entries()) {
    const dm = readEvent(raw, `${where}.direct_message_events[${i}]`, users);
    if (typeof dm !== 'string') sortDm(dm, brand, batch);
    else batch.skipped.push({ ...rawId(raw), reason: replaceUnsafeText(dm) });
  }
  return batch;
}

/** An XChat event (`chat.received`): identities and ciphertext only. */
const chatEvent = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an XChat event id' }),
  sender_id: xId,
  conversation_id: z.string().max(100).optional(),
  created_at_msec: z
    .string()
    .regex(/^\d{1,16}$/, { error: 'must be milliseconds as digits' })
    .optional(),
});

const CHAT_PAIR = /^(\d{1,20}):(\d{1,20})$/;

/**
 * An encrypted DM (XChat) as a DM whose text is the placeholder: we cannot read it, but the
 * agent must see that the customer wrote, in the same thread as their plain DMs. Throws
 * PayloadError when the identities are missing.
 */
export function normaliseChatEvent(payload: unknown, brand: Brand, where = 'payload'): NormalisedDm {
  const chat = parseOrThrow(chatEvent, payload, where);
  const pair = chat.conversation_id ? CHAT_PAIR.exec(chat.conversation_id) : null;
  const other = pair?.[1] === chat.sender_id ? pair[2] : pair?.[2] === chat.sender_id ? pair[1] : undefined;
  // XChat names the conversation `a:b`; without it, a DM to us is between the sender and us.
  const recipientId = other ?? brand.id;
  const time = chat.created_at_msec ? parseXTime(chat.created_at_msec) : null;
  if (!time) throw PayloadError.at(`${where}.created_at_msec`, chat.created_at_msec ? 'is not a time X would send' : 'is missing');
  return {
    id: chat.id,
    senderId: chat.sender_id,
    recipientId,
    text: ENCRYPTED_DM_TEXT,
    createdAt: time,
    conversationKey: conversationKey(chat.sender_id, recipientId),
    encrypted: true,
  };
}
