import type { ConversationStatus, MessageReceivedEvent, ThreadRule } from '@centralita/core';
import type { HandoffLookups, HandoffOutcome, SuggestionWrite } from './ingest-handoff.ts';
import type { IdentityWrite } from './ingest-identity.ts';
import type { NewEvent } from './repos/events.ts';

// The shapes batched ingest passes between its halves: what the lookups read, what the plan
// decides and what the write half stores (see ingest-plan.ts).

export interface IngestItem {
  event: MessageReceivedEvent;
  /** A conversation the host already knows the message belongs to (the customer's own page). */
  conversationId?: string;
}

/** A conversation as threading needs it, from the database or started earlier in the batch. */
export interface KnownConversation {
  id: string;
  status: ConversationStatus;
  resolvedAt: Date | null;
  contactId: string;
  channelAccountId: string;
  subjectKey: string | null;
  lastMessageAt: Date;
  createdAt: Date;
}

/** What the database said, read before planning (see ingest-lookup.ts). */
export interface Lookups {
  /** Messages of this account already stored, by external id. */
  stored: Map<string, { id: string; conversationId: string }>;
  /** Verified identities, by `identityKey`. */
  identities: Map<string, { contactId: string }>;
  /** The kinds of verified identity each of those identities' contacts has. */
  contactKinds: Map<string, Set<string>>;
  /** Every conversation a rule could pick, locked, with its current status. */
  conversations: Map<string, KnownConversation>;
  /**
   * The newest stored message per external id an item answers; `viaPart` when only the second or
   * later part of a split reply carries that id (used only when no message matches directly).
   */
  replyTargets: Map<string, ReplyTarget>;
  /** Thread keys of this account (channel thread ids and reply tokens) to their conversation. */
  threadKeys: Map<string, string>;
  /**
   * For each conversation read, which of the batch's sender identities took part in it, on which
   * account (`linkKey(account, identityKey)`): what the rules that trust the sender go by.
   */
  links: Map<string, Set<string>>;
  handoffs: HandoffLookups;
}

/** A `conversation_identities` row a batch writes. */
export interface LinkWrite {
  conversationId: string;
  kind: string;
  externalId: string;
}

export interface ReplyTarget {
  conversationId: string;
  createdAt: Date;
  viaPart: boolean;
}

export interface ContactWrite {
  id: string;
  name: string | null;
  locale: string | null;
  country: string | null;
  timezone: string | null;
  signals: Record<string, unknown>;
}

export interface ConversationWrite {
  id: string;
  contactId: string;
  /** The creating message's origin: later messages never change it. */
  origin: 'customer' | 'proactive';
  subject: string | null;
  subjectKey: string | null;
  language: string | null;
  region: string | null;
  previousConversationId: string | null;
  createdAt: string;
  lastMessageAt: string;
  lastInboundAt: string | null;
  awaitingReplySince: string | null;
}

/** How a conversation already stored changes: the union of what its messages in the batch did. */
export interface ConversationTouch {
  id: string;
  lastMessageAt: string;
  /** The latest message from the customer (not automated), if any. */
  lastInboundAt: string | null;
  /** The first message from the customer, where the wait for an answer starts if none was running. */
  firstInboundAt: string | null;
  /** Set when a message reopened or woke it. */
  reopenedAt: string | null;
  /** Where the sender is, for a conversation that did not know yet (see `InboundSender.region`). */
  region: string | null;
}

export interface MessageWrite {
  id: string;
  conversationId: string;
  contactId: string;
  item: IngestItem;
  threadRule: ThreadRule | null;
  createdAt: string;
}

export type PlannedOutcome =
  | { kind: 'duplicate'; messageId: string; conversationId: string }
  | {
      kind: 'stored';
      messageId: string;
      conversationId: string;
      created: boolean;
      reopened: boolean;
      threadRule: ThreadRule | null;
      handoff: HandoffOutcome | null;
    };

export interface BatchPlan {
  outcomes: PlannedOutcome[];
  newContacts: ContactWrite[];
  newIdentities: IdentityWrite[];
  /** Profile gaps to fill on existing contacts (COALESCE: stored values win) and signals to merge. */
  contactUpdates: ContactWrite[];
  newConversations: ConversationWrite[];
  touched: ConversationTouch[];
  /** Last writer wins within the batch, as the one-by-one upserts did. */
  threadKeys: Map<string, string>;
  messages: MessageWrite[];
  events: NewEvent[];
  /** Identities that took part in a conversation on this account for the first time. */
  links: LinkWrite[];
  /** Handoffs a message of the batch answered, joining their conversation. */
  handoffJoins: { handoffId: string; messageId: string; at: string }[];
  /** Contacts a person should look at: a handoff answered by someone else, or too late. */
  suggestions: SuggestionWrite[];
}
