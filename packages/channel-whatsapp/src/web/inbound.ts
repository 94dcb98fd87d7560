import { type Logger, PHONE_IDENTITY, toE164 } from '@centralita/channel-kit';
import type { DeliveryUpdatedEvent, InboundAttachment, InboundSender, MessageReceivedEvent, SenderIdentity } from '@centralita/core';
import { errorText } from './states.ts';
import { ACK, type WebClientLike, type WebMessageLike, WHATSAPP_LID_IDENTITY } from './types.ts';

/** The largest attachment kept by default, as the Cloud API mode's limit. */
export const DEFAULT_MAX_MEDIA_BYTES = 16 * 1024 * 1024;

/** How long a page call made for one message (a lid lookup, a quoted message) may take. */
const LOOKUP_TIMEOUT_MS = 5_000;

export interface InboundOptions {
  maxMediaBytes: number;
  logger: Logger;
}

/**
 * Whether a chat is one this mode answers: one person's chat, by phone (`<phone>@c.us`) or by
 * linked id (`<n>@lid`). Everything else is left alone: groups (`@g.us`) mix many customers in
 * one chat and the business never chose to serve them there, status updates (`status@broadcast`)
 * and broadcast lists are not addressed to the business, and channels (`@newsletter`) are
 * one-way.
 */
export function isCustomerChat(chatId: string): boolean {
  return /^[0-9]+@(c\.us|lid)$/.test(chatId);
}

/** Message types that are WhatsApp's own notices (encryption changes, calls, deletions), not something a person wrote. */
const NOTICES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'protocol',
  'call_log',
  'ciphertext',
  'revoked',
  'debug',
  'broadcast_notification',
  'reaction',
]);

/** Whether a `message` event is a customer's message: not ours, not a status, a group or a notice. */
export function isCustomerMessage(msg: WebMessageLike): boolean {
  return !msg.fromMe && !msg.id.fromMe && !msg.isStatus && isCustomerChat(msg.from) && !NOTICES.has(msg.type);
}

/** A customer's message as the host stores it, or null when it is not one (see `isCustomerMessage`). */
export async function toReceivedEvent(
  client: WebClientLike,
  msg: WebMessageLike,
  options: InboundOptions,
): Promise<MessageReceivedEvent | null> {
  if (!isCustomerMessage(msg)) return null;
  const [sender, content, quoted] = await Promise.all([
    senderOf(client, msg, options.logger),
    contentOf(msg, options),
    quotedId(msg, options.logger),
  ]);
  return {
    type: 'message.received',
    externalMessageId: msg.id._serialized,
    occurredAt: new Date(msg.timestamp * 1000),
    sender,
    text: content.text,
    visibility: 'private',
    thread: { contactThread: true, ...(quoted ? { inReplyTo: [quoted] } : {}) },
    ...(content.attachments.length > 0 ? { attachments: content.attachments } : {}),
    metadata: { mode: 'web', chatId: msg.from, type: msg.type },
  };
}

/**
 * Who wrote: WhatsApp proves the sender, so every identity is verified. A `@lid` sender is known
 * by its lid, with its phone beside it when WhatsApp Web already knows the mapping (a saved
 * contact, an earlier chat by phone); a `@c.us` sender by its phone, with its lid when known. A
 * later message that brings the missing one attaches it to the same contact.
 */
async function senderOf(client: WebClientLike, msg: WebMessageLike, logger: Logger): Promise<InboundSender> {
  const [mapping, displayName] = await Promise.all([lidAndPhone(client, msg.from, logger), nameOf(msg)]);
  const named = displayName ? { displayName } : {};
  if (msg.from.endsWith('@lid')) {
    const phone = mapping.pn ? toE164(digits(mapping.pn)) : null;
    return {
      kind: WHATSAPP_LID_IDENTITY,
      externalId: msg.from,
      verified: true,
      ...named,
      ...others(phone ? { kind: PHONE_IDENTITY, externalId: phone, verified: true } : null),
    };
  }
  const number = digits(msg.from);
  const lid = mapping.lid?.endsWith('@lid') ? mapping.lid : null;
  return {
    kind: PHONE_IDENTITY,
    externalId: toE164(number) ?? `+${number}`,
    verified: true,
    ...named,
    ...others(lid ? { kind: WHATSAPP_LID_IDENTITY, externalId: lid, verified: true } : null),
  };
}

function others(identity: SenderIdentity | null): { otherIdentities?: SenderIdentity[] } {
  return identity ? { otherIdentities: [identity] } : {};
}

async function lidAndPhone(client: WebClientLike, chatId: string, logger: Logger): Promise<{ lid?: string; pn?: string }> {
  try {
    const [found] = await within(client.getContactLidAndPhone([chatId]), LOOKUP_TIMEOUT_MS);
    return found ?? {};
  } catch (err) {
    logger.debug({ error: errorText(err) }, 'WhatsApp Web could not map the sender between lid and phone');
    return {};
  }
}

async function nameOf(msg: WebMessageLike): Promise<string | null> {
  const notified = msg._data?.notifyName?.trim();
  if (notified) return notified;
  try {
    const contact = await within(msg.getContact(), LOOKUP_TIMEOUT_MS);
    return contact.pushname?.trim() || contact.name?.trim() || null;
  } catch {
    return null;
  }
}

async function quotedId(msg: WebMessageLike, logger: Logger): Promise<string | null> {
  if (!msg.hasQuotedMsg) return null;
  try {
    return (await within(msg.getQuotedMessage(), LOOKUP_TIMEOUT_MS))?.id._serialized ?? null;
  } catch (err) {
    logger.debug({ error: errorText(err) }, 'WhatsApp Web could not load the quoted message');
    return null;
  }
}

/** The text and the attachment, with a line in the text for media that could not be kept. */
async function contentOf(msg: WebMessageLike, options: InboundOptions): Promise<{ text: string; attachments: InboundAttachment[] }> {
  // As the Cloud API mode: a message without words reads as what it is.
  const lines = [msg.body.trim().length > 0 ? msg.body : placeholder(msg)];
  const attachments: InboundAttachment[] = [];
  if (msg.hasMedia) {
    const kept = await mediaOf(msg, options);
    if (typeof kept === 'string') lines.push(kept);
    else attachments.push(kept);
  }
  return { text: lines.join('\n'), attachments };
}

const PLACEHOLDERS: Record<string, string> = {
  image: '[Image]',
  video: '[Video]',
  sticker: '[Sticker]',
  ptt: '[Voice message]',
  audio: '[Audio]',
  location: '[Location]',
  vcard: '[Contact card]',
  multi_vcard: '[Contact cards]',
  poll_creation: '[Poll]',
};

function placeholder(msg: WebMessageLike): string {
  if (msg.type === 'document') return msg._data?.filename ? `[Document: ${msg._data.filename}]` : '[Document]';
  return PLACEHOLDERS[msg.type] ?? `[${msg.type} message]`;
}

async function mediaOf(msg: WebMessageLike, options: InboundOptions): Promise<InboundAttachment | string> {
  const max = options.maxMediaBytes;
  const declared = msg._data?.size;
  const label = msg._data?.filename || msg.type;
  // The size is known before the download: a file over the limit is not fetched at all.
  if (typeof declared === 'number' && declared > max) return tooLarge(label, declared, max);
  let media: Awaited<ReturnType<WebMessageLike['downloadMedia']>>;
  try {
    media = await msg.downloadMedia();
  } catch (err) {
    options.logger.warn({ error: errorText(err), type: msg.type }, 'downloading a WhatsApp Web attachment failed');
    media = undefined;
  }
  if (!media) return `[Attachment could not be downloaded from WhatsApp: ${label}]`;
  const bytes = Buffer.from(media.data, 'base64');
  const filename = media.filename || `${msg.type}-${msg.id.id}.${extension(media.mimetype)}`;
  if (bytes.byteLength > max) return tooLarge(filename, bytes.byteLength, max);
  return {
    filename,
    contentType: media.mimetype,
    size: bytes.byteLength,
    content: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

function tooLarge(label: string, bytes: number, max: number): string {
  return `[Attachment too large: ${label}, ${size(bytes)}; this account keeps up to ${size(max)}]`;
}

/** A delivery update for one of our messages, from whatsapp-web.js's ack level; null for levels that say nothing new. */
export function ackEvent(msg: WebMessageLike, ack: number, now: Date): DeliveryUpdatedEvent | null {
  if (!msg.id.fromMe) return null;
  const state =
    ack === ACK.SERVER ? 'sent' : ack === ACK.DEVICE ? 'delivered' : ack >= ACK.READ ? 'read' : ack === ACK.ERROR ? 'failed' : null;
  if (!state) return null;
  return {
    type: 'delivery.updated',
    externalMessageId: msg.id._serialized,
    occurredAt: now,
    state,
    ...(state === 'failed' ? { reason: 'WhatsApp could not deliver the message (ack error).' } : {}),
  };
}

function digits(wid: string): string {
  return (wid.split('@')[0] ?? '').replace(/\D/g, '');
}

function extension(mimetype: string): string {
  const sub = mimetype.split(';')[0]?.split('/')[1]?.trim() ?? '';
  return /^[a-z0-9.+-]{1,10}$/i.test(sub) ? sub : 'bin';
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

/** Rejects when `promise` takes longer than `ms` (a page call stuck behind a reloading WhatsApp Web). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
