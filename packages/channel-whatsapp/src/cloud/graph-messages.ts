import type { TemplateChoice } from '@centralita/channel-kit';

/**
 * Request bodies for `POST /{version}/{phone-number-id}/messages`, as pure functions: the adapter
 * builds one, the client sends it, and a test can compare it with what the peer recorded.
 */

/**
 * Whom a message goes to. Since 2026 a user may be known only by the business-scoped user id
 * (BSUID, `ES.1234...`); the phone, when known, is preferred because Meta keeps putting the phone
 * in the webhooks of users reached by phone.
 */
export interface Recipient {
  /** E.164 (`+34600123456`) or WhatsApp's digits (`34600123456`). */
  phone?: string;
  bsuid?: string;
}

/**
 * Where a BSUID goes when there is no phone. Meta's 2026 documentation adds a `recipient` field
 * (`to` keeps phones, and wins when both are present); some providers' docs put the BSUID in `to`.
 * Both are kept possible so an account can switch without a release.
 */
export type RecipientField = 'to' | 'recipient';

export interface Addressed {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to?: string;
  recipient?: string;
}

export type MediaKind = 'image' | 'document' | 'audio' | 'video' | 'sticker';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'document', 'audio', 'video', 'sticker'];

/** The media kinds WhatsApp shows a caption under; audio and stickers have none. */
export const CAPTION_KINDS: ReadonlySet<MediaKind> = new Set(['image', 'document', 'video']);

/** An uploaded media id (`POST /{phone}/media`) or a public HTTPS link Meta fetches itself. */
export type MediaSource = { id: string } | { link: string };

export interface MediaObject {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}

export interface TemplateParameterObject {
  type: 'text';
  text: string;
  /** Only for templates whose parameter format is NAMED (`{{first_name}}`). */
  parameter_name?: string;
}

export interface TemplateComponentObject {
  type: 'header' | 'body';
  parameters: TemplateParameterObject[];
}

export interface TemplateObject {
  name: string;
  language: { code: string };
  components?: TemplateComponentObject[];
}

/** What a message says, without its addressing. */
export type MessageContent =
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
  | { type: 'image'; image: MediaObject }
  | { type: 'document'; document: MediaObject }
  | { type: 'audio'; audio: MediaObject }
  | { type: 'video'; video: MediaObject }
  | { type: 'sticker'; sticker: MediaObject }
  | { type: 'template'; template: TemplateObject };

export type MessageBody = Addressed & MessageContent & { context?: { message_id: string } };

export interface ReadReceiptBody {
  messaging_product: 'whatsapp';
  status: 'read';
  message_id: string;
}

/** WhatsApp's digits for a phone: no '+', no spaces, no dashes. */
export function phoneDigits(phone: string): string {
  return phone.replace(/[^0-9]/g, '');
}

/** The addressing part of a body: a phone in `to`; a BSUID alone in `recipient` (or `to`). */
export function addressed(to: Recipient, recipientField: RecipientField = 'recipient'): Addressed {
  const base = { messaging_product: 'whatsapp', recipient_type: 'individual' } as const;
  if (to.phone) {
    const digits = phoneDigits(to.phone);
    if (digits.length === 0) throw new TypeError(`not a phone number: ${to.phone}`);
    return { ...base, to: digits };
  }
  if (to.bsuid) return recipientField === 'to' ? { ...base, to: to.bsuid } : { ...base, recipient: to.bsuid };
  throw new TypeError('a WhatsApp recipient needs a phone or a business-scoped user id');
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s]+|\bwww\.[^\s]+\.[^\s]+/i;

/** Text, with a link preview asked for when the text has a URL (WhatsApp previews the first one). */
export function textContent(text: string): MessageContent {
  return { type: 'text', text: URL_IN_TEXT.test(text) ? { preview_url: true, body: text } : { body: text } };
}

/**
 * Media by uploaded id or link. A caption on audio or a sticker throws rather than vanishing:
 * the caller then sends the words as their own text message.
 */
export function mediaContent(kind: MediaKind, source: MediaSource, options: { caption?: string; filename?: string } = {}): MessageContent {
  const media: MediaObject = 'id' in source ? { id: source.id } : { link: source.link };
  if (options.caption !== undefined && options.caption.length > 0) {
    if (!CAPTION_KINDS.has(kind)) throw new TypeError(`WhatsApp shows no caption on ${kind} messages; send the text separately`);
    media.caption = options.caption;
  }
  if (options.filename !== undefined && kind === 'document') media.filename = options.filename;
  switch (kind) {
    case 'image':
      return { type: 'image', image: media };
    case 'document':
      return { type: 'document', document: media };
    case 'audio':
      return { type: 'audio', audio: media };
    case 'video':
      return { type: 'video', video: media };
    case 'sticker':
      return { type: 'sticker', sticker: media };
  }
}

function parameterOrder(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : Number.NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return 0; // named parameters keep the order they were given in
}

function componentParameters(part: 'header' | 'body', values: Record<string, string>): TemplateParameterObject[] {
  const prefix = `${part}.`;
  const names = Object.keys(values)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
  names.sort(parameterOrder);
  return names.map((name) => {
    const text = values[`${prefix}${name}`] ?? '';
    return /^\d+$/.test(name) ? { type: 'text', text } : { type: 'text', parameter_name: name, text };
  });
}

/**
 * A template from the agent's choice. Keys are `header.<n|name>` and `body.<n|name>`: positional
 * values go in the order of their numbers (Meta matches them by position), named ones carry
 * `parameter_name` (Meta matches them by name).
 */
export function templateContent(choice: TemplateChoice): MessageContent {
  const components: TemplateComponentObject[] = [];
  for (const part of ['header', 'body'] as const) {
    const parameters = componentParameters(part, choice.parameters);
    if (parameters.length > 0) components.push({ type: part, parameters });
  }
  const template: TemplateObject = { name: choice.name, language: { code: choice.language } };
  if (components.length > 0) template.components = components;
  return { type: 'template', template };
}

/** A whole message body: addressing, content and, for a quoted reply, the quoted message's wamid. */
export function messageBody(
  to: Recipient,
  content: MessageContent,
  options: { replyTo?: string | null; recipientField?: RecipientField } = {},
): MessageBody {
  const body: MessageBody = { ...addressed(to, options.recipientField), ...content };
  if (options.replyTo) body.context = { message_id: options.replyTo };
  return body;
}

/** Marks a customer's message read (the blue ticks); the same endpoint, another body. */
export function readReceiptBody(messageId: string): ReadReceiptBody {
  return { messaging_product: 'whatsapp', status: 'read', message_id: messageId };
}
