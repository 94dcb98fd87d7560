import type { DeliveryUpdatedEvent, MessageReceivedEvent } from '@centralita/core';

/** Identity kind of WhatsApp's business-scoped user id (`ES.1234...`), scoped to one business portfolio. */
export const BSUID_IDENTITY = 'whatsapp_bsuid';

/** The kinds of media a message can carry; each is downloaded through the Graph API by `id`. */
export type MediaKind = 'image' | 'document' | 'audio' | 'video' | 'sticker';

/** A media object of an inbound message: what the adapter needs to download it and name the file. */
export interface MediaRef {
  /** The Graph API media id (`GET /{id}` gives a short-lived URL). */
  id: string;
  /** As Meta declares it; `application/octet-stream` when it declares none. */
  mimeType: string;
  sha256: string | null;
  /** The document's own file name (documents only), made safe to use as a name. */
  filename: string | null;
  kind: MediaKind;
  /** An audio recorded in WhatsApp as a voice note (audio only). */
  voice?: boolean;
}

/** A customer's message, with the business number it was written to. */
export interface ParsedMessage {
  kind: 'message';
  /** The business number's id; replies go from it. */
  phoneNumberId: string;
  /** The business number as WhatsApp shows it (digits); empty when Meta did not send it. */
  displayPhoneNumber: string;
  event: MessageReceivedEvent;
  media: MediaRef | null;
}

/** A status of a message the business sent. */
export interface ParsedStatus {
  kind: 'status';
  phoneNumberId: string;
  event: DeliveryUpdatedEvent;
  /** What Meta charges for the message (category lower-case), when the status says. */
  pricing: { category: string; billable: boolean } | null;
  /** Who the message went to: the BSUID and the phone (E.164), each when the status names it. */
  recipient: { bsuid: string | null; phone: string | null };
  /** The conversation's origin type of the older per-conversation pricing, when present. */
  conversationCategory?: string;
  /** The first error code of a failed status (131047, 131026...), for the adapter's mapping. */
  errorCode?: number;
}

/**
 * A change of another webhook field (`message_template_status_update`, `account_update`...),
 * passed on for whoever handles it. `value` is a storable copy: unsafe characters replaced,
 * nesting below 32 levels dropped.
 */
export interface ParsedNotice {
  kind: 'notice';
  field: string;
  value: unknown;
}

export type ParsedItem = ParsedMessage | ParsedStatus | ParsedNotice;

/** What one webhook delivery holds, in order, and what in it could not be read (one sentence each). */
export interface ParsedDelivery {
  items: ParsedItem[];
  problems: string[];
}

export interface ParseOptions {
  /** The time a message without a usable timestamp is given. */
  now: Date;
}
