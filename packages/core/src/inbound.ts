import type { ContactSignals, Visibility } from './model.ts';

/**
 * What a channel knows about who sent a message. The pair (kind, externalId) identifies the
 * person on that channel; `verified` says the channel proved it.
 */
export interface InboundSender {
  kind: string;
  externalId: string;
  verified: boolean;
  displayName?: string;
  locale?: string;
  country?: string;
  timezone?: string;
  signals?: ContactSignals;
}

/**
 * How an adapter says which thread a message belongs to. Rules are tried in this order:
 * `externalThreadId` (a thread the channel names: a web-form submission, an X conversation id),
 * `inReplyTo` (external ids of earlier messages: email References, a tweet replied to),
 * `contactThread` (one running thread per contact on this account: WhatsApp, DMs).
 */
export interface ThreadHints {
  externalThreadId?: string;
  inReplyTo?: string[];
  contactThread?: boolean;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content?: Uint8Array;
}

/** A message that arrived on a channel, as an adapter reports it. */
export interface MessageReceivedEvent {
  type: 'message.received';
  /** The channel's own id for this message; with the account it is the dedupe key. */
  externalMessageId: string;
  occurredAt: Date;
  sender: InboundSender;
  text: string;
  subject?: string;
  visibility: Visibility;
  thread: ThreadHints;
  attachments?: InboundAttachment[];
  /** Channel-specific extras kept with the message (never secrets). */
  metadata?: Record<string, unknown>;
}

/** A change in the delivery of a message we sent (delivered, read, failed). */
export interface DeliveryUpdatedEvent {
  type: 'delivery.updated';
  externalMessageId: string;
  occurredAt: Date;
  state: 'sent' | 'delivered' | 'read' | 'failed';
  reason?: string;
}

export type InboundEvent = MessageReceivedEvent | DeliveryUpdatedEvent;
