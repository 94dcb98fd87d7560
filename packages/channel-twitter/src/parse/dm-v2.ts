import { replaceUnsafeText } from '@centralita/core';
import { z } from 'zod';
import { conversationKey, type DmAttachment, type DmBatch, dmSenderProfile, dmText, type NormalisedDm, sortDm } from './dm.ts';
import { PayloadError, parseOrReason } from './errors.ts';
import { parseXTime, snowflakeTime } from './text.ts';
import { type Brand, isRecord, rawId, usersById, type XProfile, xId } from './users.ts';

const link = z.object({
  url: z.string().optional().catch(undefined),
  expanded_url: z.string().nullable().optional().catch(undefined),
});

const eventType = z.object({ event_type: z.string().max(40) });

/** A v2 `MessageCreate` DM event (`GET /2/dm_events`). */
const v2Message = z.object({
  id: xId,
  text: z.string(),
  sender_id: xId,
  dm_conversation_id: z.string().max(100),
  created_at: z.string().optional(),
  attachments: z
    .object({ media_keys: z.array(z.string().max(100)).max(100).optional().catch(undefined) })
    .optional()
    .catch(undefined),
  entities: z
    .object({ urls: z.array(link).max(1_000).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

const v2Media = z.object({
  media_key: z.string().max(100),
  type: z.string().max(40).optional().catch(undefined),
  url: z.string().max(2_048).optional().catch(undefined),
  preview_image_url: z.string().max(2_048).optional().catch(undefined),
});

/** The media of `includes.media`, by key, as attachments. */
function mediaByKey(raw: unknown): Map<string, DmAttachment> {
  const out = new Map<string, DmAttachment>();
  if (!Array.isArray(raw)) return out;
  for (const value of raw.slice(0, 1_000)) {
    const media = v2Media.safeParse(value);
    const url = media.success ? (media.data.url ?? media.data.preview_image_url) : undefined;
    if (media.success && url && /^https:\/\//.test(url)) out.set(media.data.media_key, { type: media.data.type ?? 'media', url });
  }
  return out;
}

const PAIR = /^(\d{1,20})-(\d{1,20})$/;

/** One v2 DM event as a DM, or the reason it is not one. */
function readEvent(raw: unknown, at: string, users: Map<string, XProfile>, media: Map<string, DmAttachment>): NormalisedDm | string {
  const kind = parseOrReason(eventType, raw, at);
  if (!kind.ok) return kind.reason;
  if (kind.value.event_type !== 'MessageCreate') return `${at} is a ${kind.value.event_type} event, not a message`;
  const parsed = parseOrReason(v2Message, raw, at);
  if (!parsed.ok) return parsed.reason;
  const dm = parsed.value;
  const pair = PAIR.exec(dm.dm_conversation_id);
  if (!pair?.[1] || !pair[2] || (pair[1] !== dm.sender_id && pair[2] !== dm.sender_id)) {
    return `${at} is in group conversation ${dm.dm_conversation_id}; only one-to-one DMs are handled`;
  }
  const time = dm.created_at === undefined ? snowflakeTime(dm.id) : parseXTime(dm.created_at);
  if (!time) return `${at}.created_at is not a date X would send`;
  const attachments = (dm.attachments?.media_keys ?? []).map((k) => media.get(k)).filter((m): m is DmAttachment => !!m);
  const sender = dmSenderProfile(users.get(dm.sender_id));
  return {
    id: dm.id,
    senderId: dm.sender_id,
    recipientId: pair[1] === dm.sender_id ? pair[2] : pair[1],
    ...dmText(dm.text, dm.entities?.urls ?? []),
    createdAt: time,
    conversationKey: conversationKey(pair[1], pair[2]),
    ...(sender ? { sender } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    encrypted: false,
  };
}

/**
 * The DMs of a `GET /2/dm_events` answer (`data`, `includes.users`, `includes.media`). Only
 * one-to-one `MessageCreate` events become DMs; joins, leaves, group conversations and events
 * missing a field are skipped with the reason. Throws PayloadError when the answer itself is
 * not an object or `data` is not a list.
 */
export function normaliseV2DmEvents(response: unknown, brand: Brand, where = 'response'): DmBatch {
  if (!isRecord(response)) throw PayloadError.at(where, 'must be an object');
  const batch: DmBatch = { dms: [], echoes: [], skipped: [] };
  if (response.data === undefined) return batch;
  if (!Array.isArray(response.data)) throw PayloadError.at(`${where}.data`, 'must be a list of DM events');
  const includes = isRecord(response.includes) ? response.includes : {};
  const users = usersById(includes.users);
  const media = mediaByKey(includes.media);
  for (const [i, raw] of response.data.entries()) {
    const dm = readEvent(raw, `${where}.data[${i}]`, users, media);
    if (typeof dm !== 'string') sortDm(dm, brand, batch);
    else batch.skipped.push({ ...rawId(raw), reason: replaceUnsafeText(dm) });
  }
  return batch;
}
