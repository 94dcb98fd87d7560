import type { Visibility } from '@centralita/core';

/**
 * What a channel can do. Adapters declare only what differs from the defaults
 * (`defineCapabilities`), so a flag added later breaks no existing adapter.
 */
export interface ChannelCapabilities {
  /** Inbound by webhook (push) and/or by a long-lived connection or polling (pull). */
  inbound: { push: boolean; pull: boolean };
  /** Webhook deliveries carry a signature the adapter verifies (conformance checks a forged one). */
  signedWebhooks: boolean;
  /** Visibilities a reply can have on this channel (a tweet is public, a DM private). */
  visibilities: readonly Visibility[];
  /** Longest text one outbound message may carry, in `measureText` units; null for no limit. */
  maxTextLength: number | null;
  /**
   * Limits that differ by visibility (X: a public post 280, a direct message 10,000); a visibility
   * not listed here has `maxTextLength`. Read them with `textLimitFor(caps, visibility)`.
   */
  maxTextLengthByVisibility: Readonly<Partial<Record<Visibility, number | null>>>;
  /** Whether a longer text may be sent as several numbered parts when the agent asks. */
  splitLongText: boolean;
  /**
   * How follow-ups find their thread: `reply_to` (the channel names the message replied to),
   * `external_thread` (a thread id), `contact` (one running thread per person) or `host` (only
   * through Centralita's own customer page, as a web form).
   */
  threading: 'reply_to' | 'external_thread' | 'contact' | 'host';
  attachments: boolean;
  /** Hours after the customer's last message in which free-form replies are allowed (WhatsApp: 24). */
  replyWindowHours: number | null;
  /** The channel reports delivered/read. */
  deliveryReceipts: boolean;
  /** Customers get a private link to Centralita's conversation page (web form). */
  customerPortal: boolean;
  /** The channel proves who the sender is (X, WhatsApp), so identities it reports are verified. */
  verifiedSenders: boolean;
  /**
   * The adapter runs the account's saved searches (`ctx.listening`) and emits what they find
   * with `origin: 'proactive'` (X's recent search). Supervisors may save searches only where this
   * is true.
   */
  listening: boolean;
  /** A reply can quote one of the customer's messages, shown above it (WhatsApp): `OutboundMessage.quotedExternalId`. */
  quotes: boolean;
}

/** The defaults every adapter starts from. */
export const DEFAULT_CAPABILITIES: ChannelCapabilities = Object.freeze({
  inbound: { push: false, pull: false },
  signedWebhooks: false,
  visibilities: ['private'] as const,
  maxTextLength: null,
  maxTextLengthByVisibility: {},
  splitLongText: false,
  threading: 'contact',
  attachments: false,
  replyWindowHours: null,
  deliveryReceipts: false,
  customerPortal: false,
  verifiedSenders: false,
  listening: false,
  quotes: false,
});

/** Fills in the defaults for every capability an adapter does not mention. */
export function defineCapabilities(partial: Partial<ChannelCapabilities>): ChannelCapabilities {
  return Object.freeze({ ...DEFAULT_CAPABILITIES, ...partial });
}

/**
 * The longest text a reply of this visibility may carry, in `measureText` units (null: no limit):
 * the visibility's own limit when the channel declares one, else `maxTextLength`.
 */
export function textLimitFor(caps: ChannelCapabilities, visibility: Visibility): number | null {
  const own = caps.maxTextLengthByVisibility?.[visibility];
  return own === undefined ? caps.maxTextLength : own;
}
