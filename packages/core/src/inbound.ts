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
  /**
   * Where the sender is, as an ISO 3166-2 subdivision (`ES-MD`) when the channel knows one (a
   * web form's field, an X profile's location); a new conversation's region is this, else the
   * country. Incidents link and the spike detector counts by it.
   */
  region?: string;
  timezone?: string;
  signals?: ContactSignals;
  /**
   * More identities the channel proved belong to this same sender, beside (kind, externalId): a
   * WhatsApp sender's phone in E.164 beside its business-scoped user id. A message from any of
   * them finds the contact; the ones the contact lacks are added to it. An identity that already
   * belongs to another contact stays there (merging is a person's decision).
   */
  otherIdentities?: SenderIdentity[];
}

/** One identity of a sender: its kind (`phone`, `whatsapp_bsuid`) and its id on that kind. */
export interface SenderIdentity {
  kind: string;
  externalId: string;
  verified: boolean;
}

/**
 * How an adapter says which thread a message belongs to. Rules are tried in this order, the most
 * specific first: `inReplyTo` (external ids of earlier messages: email References, a tweet
 * replied to), `externalThreadId` (a thread the channel names: a web-form submission, an X
 * conversation id), `replyToken` (a token Centralita put on its own outgoing message: an email's
 * reply address or subject tag), `subject` (the same contact's conversation with the same
 * normalised subject, recently active), `contactThread` (one running thread per contact on this
 * account: WhatsApp, DMs).
 */
export interface ThreadHints {
  inReplyTo?: string[];
  externalThreadId?: string;
  replyToken?: string;
  subject?: { key: string; windowMinutes: number };
  contactThread?: boolean;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content?: Uint8Array;
  /** Shown inside the body (an email's `cid:` image) rather than listed. */
  inline?: boolean;
  /** The id an HTML body refers to it by (`cid:...`), without angle brackets. */
  contentId?: string;
}

/**
 * A message no person wrote (an out-of-office, a delivery failure report). It is kept in its
 * thread but never reopens, wakes or re-queues a conversation, never starts a first-response
 * clock and is never answered automatically.
 */
export type AutomatedKind = 'auto_reply' | 'bounce';

/** A message that arrived on a channel, as an adapter reports it. */
export interface MessageReceivedEvent {
  type: 'message.received';
  /** The channel's own id for this message; with the account it is the dedupe key. */
  externalMessageId: string;
  occurredAt: Date;
  sender: InboundSender;
  /** What the conversation view shows: for email, the new text with quotes and signature trimmed. */
  text: string;
  /** The whole original text, when `text` is a trimmed version of it. */
  fullText?: string;
  /** Sanitised HTML (no scripts, no handlers, remote images held back), for channels that have it. */
  html?: string;
  subject?: string;
  visibility: Visibility;
  automated?: AutomatedKind;
  thread: ThreadHints;
  attachments?: InboundAttachment[];
  /** Channel-specific extras kept with the message (never secrets). */
  metadata?: Record<string, unknown>;
  /**
   * Why this message is here: a customer wrote to the brand (default), or the brand found it by
   * listening (a saved search matched a post that does not address the brand). A conversation
   * this message starts has this origin for good; see `Conversation.origin`.
   */
  origin?: 'proactive';
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
