import type { MessageReceivedEvent } from '@centralita/core';
import type { ContentReader } from './content.ts';
import { mediaReaders } from './content-media.ts';
import { button, interactive, reaction, system, systemSenderBsuid, unsupported } from './content-reply.ts';
import { location, order, referredProduct, sharedContacts } from './content-rich.ts';
import { bool, id, isRecord, kindOf, list, longText, num, obj, own, str, unixTime, waDigits } from './read.ts';
import { type ContactIndex, senderOf } from './sender.ts';
import type { ParsedMessage } from './types.ts';

/** What every message of one change shares: the business number it came to, its contacts, the clock. */
export interface ChangeContext {
  phoneNumberId: string;
  displayPhoneNumber: string;
  contacts: ContactIndex;
  now: Date;
}

const text: ContentReader = (body) => ({ text: longText(body, 'body') ?? '[Empty message]' });

const READERS: Record<string, ContentReader> = {
  text,
  ...mediaReaders,
  location,
  contacts: sharedContacts,
  interactive,
  button,
  reaction,
  order,
  system,
  unsupported,
};

/** Message-level errors (131051 for a type Cloud API does not pass on), as plain facts. */
function messageErrors(message: unknown): Record<string, unknown>[] {
  return list(message, 'errors')
    .slice(0, 10)
    .filter(isRecord)
    .map((error) => {
      const code = num(error, 'code');
      const title = str(error, 'title', 300);
      const detail = str(error, 'message', 500);
      const details = str(obj(error, 'error_data'), 'details', 500);
      return {
        ...(code !== undefined ? { code } : {}),
        ...(title ? { title } : {}),
        ...(detail ? { message: detail } : {}),
        ...(details ? { details } : {}),
      };
    });
}

/** Where a click-to-WhatsApp ad brought the customer from. */
function referral(message: unknown): Record<string, string> | undefined {
  const ref = obj(message, 'referral');
  if (!ref) return undefined;
  const out: Record<string, string> = {};
  const sourceUrl = str(ref, 'source_url', 2_048);
  if (sourceUrl && /^https?:\/\/\S+$/i.test(sourceUrl)) out.sourceUrl = sourceUrl;
  for (const [key, name, max] of [
    ['source_type', 'sourceType', 40],
    ['source_id', 'sourceId', 100],
    ['headline', 'headline', 500],
    ['body', 'body', 2_000],
    ['media_type', 'mediaType', 40],
  ] as const) {
    const value = str(ref, key, max);
    if (value) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * One entry of `value.messages` as a message item, or the reason it is not one (`problem`).
 * `notes` are things worth logging about a message that is still stored.
 */
export function readMessage(raw: unknown, at: string, change: ChangeContext): { item?: ParsedMessage; problem?: string; note?: string } {
  if (!isRecord(raw)) return { problem: `${at}: is ${kindOf(raw)}, not a message object` };
  const messageId = id(raw, 'id');
  if (!messageId) return { problem: own(raw, 'id') === undefined ? `${at}: no id` : `${at}.id: is not a usable message id` };
  if (own(raw, 'group_id') !== undefined) return { problem: `${at}: is a message in a WhatsApp group; groups are not handled` };
  const type = str(raw, 'type', 60) ?? 'unknown';
  const body = own(raw, type);
  const reader = Object.hasOwn(READERS, type) ? (READERS[type] as ContentReader) : unsupported;
  const sender = senderOf(raw, change.contacts, type === 'system' ? systemSenderBsuid(body) : undefined);
  if (typeof sender === 'string') return { problem: `${at}: ${sender}` };
  const content = reader(body, raw);

  const context = obj(raw, 'context');
  const contextId = id(context, 'id');
  const inReplyTo = [...new Set([contextId, content.target].filter((v): v is string => !!v))];
  const metadata: Record<string, unknown> = { ...content.metadata };
  if (context) {
    const contextFrom = waDigits(context, 'from') ?? id(context, 'from');
    const product = referredProduct(context);
    if (contextId || product) {
      metadata.context = {
        ...(contextId ? { id: contextId } : {}),
        ...(contextFrom ? { from: contextFrom } : {}),
        ...(product ? { product } : {}),
      };
    }
    if (bool(context, 'forwarded') === true || bool(context, 'frequently_forwarded') === true) metadata.forwarded = true;
    if (bool(context, 'frequently_forwarded') === true) metadata.frequentlyForwarded = true;
  }
  const ad = referral(raw);
  if (ad) metadata.referral = ad;
  const errors = messageErrors(raw);
  if (errors.length > 0) metadata.errors = errors;
  Object.assign(metadata, {
    phoneNumberId: change.phoneNumberId,
    displayPhoneNumber: change.displayPhoneNumber,
    type,
    ...(sender.waId ? { waId: sender.waId } : {}),
    ...(sender.bsuid ? { bsuid: sender.bsuid } : {}),
    ...(sender.parentBsuid ? { parentBsuid: sender.parentBsuid } : {}),
    ...(sender.username ? { username: sender.username } : {}),
  });

  const event: MessageReceivedEvent = {
    type: 'message.received',
    externalMessageId: messageId,
    occurredAt: unixTime(raw, 'timestamp', change.now) ?? change.now,
    sender: sender.sender,
    text: content.text,
    visibility: 'private',
    thread: { contactThread: true, ...(inReplyTo.length > 0 ? { inReplyTo } : {}) },
    metadata,
    // WhatsApp wrote it, not the customer (a changed number): kept in the thread, but it opens no
    // 24-hour window and is never the message a reply answers or addresses.
    ...(type === 'system' ? { automated: 'auto_reply' as const } : {}),
  };
  const item: ParsedMessage = {
    kind: 'message',
    phoneNumberId: change.phoneNumberId,
    displayPhoneNumber: change.displayPhoneNumber,
    event,
    media: content.media ?? null,
  };
  return content.problem ? { item, note: `${at}.${type}: ${content.problem}` } : { item };
}
