// Pure parsers: X payloads in, Centralita events out. No I/O, no clock; every input is validated.
export { type AccountActivityDelivery, parseAccountActivity } from './account-activity.ts';
export { type ActivityDelivery, parseActivityDelivery } from './activity.ts';
export { type ActivityEnvelope, type DeliveryShape, deliveryUserId, detectDeliveryShape, isActivityEnvelope } from './detect.ts';
export {
  conversationKey,
  type DmAttachment,
  type DmBatch,
  type DmSenderProfile,
  type DmSource,
  dmToEvent,
  ENCRYPTED_DM_TEXT,
  type NormalisedDm,
} from './dm.ts';
export { normaliseChatEvent, normaliseLegacyDms } from './dm-legacy.ts';
export { normaliseV2DmEvents } from './dm-v2.ts';
export { PayloadError } from './errors.ts';
export { isRepost, type PostEventOptions, PostIncludes, type PostSource, postToEvent } from './post.ts';
export { localeFromLang, MAX_TEXT_LENGTH } from './text.ts';
export type { Brand } from './users.ts';
