/**
 * The one conversation model every channel maps into. Ids are UUIDs assigned by the database;
 * every record belongs to exactly one workspace.
 */

/** A role decides what a user may do: agents answer, supervisors also manage, admins also configure. */
export type Role = 'agent' | 'supervisor' | 'admin';

/** Roles in increasing order of power, so `hasRole` can compare them. */
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];

/** True when `role` is at least as powerful as `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** One company or brand. Every other record is scoped by its id. */
export interface Workspace {
  id: string;
  name: string;
  /** Window after resolution in which a new inbound message reopens the old conversation. */
  reopenWindowMinutes: number;
  createdAt: Date;
}

export interface User {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: Date;
}

export interface Team {
  id: string;
  workspaceId: string;
  name: string;
  memberIds: string[];
}

/** Public signals a channel can tell about a person (X followers, verified badge). */
export interface ContactSignals {
  followers?: number;
  verified?: boolean;
}

export interface Contact {
  id: string;
  workspaceId: string;
  name: string | null;
  locale: string | null;
  country: string | null;
  timezone: string | null;
  signals: ContactSignals;
  createdAt: Date;
}

/**
 * A way to reach a contact on one kind of channel: an X user id, an E.164 phone number, an email
 * address. `verified` is true only when the channel proved it (X, WhatsApp, a clicked link), never
 * for an address typed into a form.
 */
export interface Identity {
  id: string;
  workspaceId: string;
  contactId: string;
  kind: string;
  externalId: string;
  verified: boolean;
  displayName: string | null;
}

/** One configured endpoint of a channel: a mailbox, an X account, a web form. */
export interface ChannelAccount {
  id: string;
  workspaceId: string;
  kind: string;
  name: string;
  /** Non-secret settings; secrets live encrypted beside them and never leave the server. */
  settings: Record<string, unknown>;
  active: boolean;
  createdAt: Date;
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';

/**
 * How a conversation began: a customer wrote to the brand, or the brand found the customer's
 * post by listening (a saved search) and may reach out first. Set when the conversation is
 * created and never changed by later messages.
 */
export type ConversationOrigin = 'customer' | 'proactive';

export type Priority = 0 | 1 | 2 | 3 | 4;

export interface Conversation {
  id: string;
  workspaceId: string;
  contactId: string;
  /** The account the conversation started on; later messages may come on others (handoff). */
  channelAccountId: string;
  status: ConversationStatus;
  snoozedUntil: Date | null;
  priority: number;
  subject: string | null;
  language: string | null;
  region: string | null;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  resolvedAt: Date | null;
  createdAt: Date;
  /** Whether a customer wrote first or a saved search found them (see `ConversationOrigin`). */
  origin: ConversationOrigin;
  routing: ConversationRouting;
}

/** Where routing has the conversation: waiting, offered or assigned, and the clocks running on it. */
export interface ConversationRouting {
  /** Kind of the channel the customer last wrote on (the capacity it uses). */
  channelKind: string | null;
  /** Set while open with nobody assigned (an offer does not stop the wait). */
  waitingSince: Date | null;
  offeredTo: string | null;
  offerExpiresAt: Date | null;
  assignedAt: Date | null;
  rule: string | null;
  escalationLevel: number;
  /** Priority set by a person or integration (routing never goes below it), or null. */
  requestedPriority: number | null;
  /** The compact explanation of the latest routing decision. */
  explanation: unknown;
  awaitingReplySince: Date | null;
  firstRespondedAt: Date | null;
  firstResponseDueAt: Date | null;
  nextResponseDueAt: Date | null;
  slaBreached: string[];
  incidentId: string | null;
}

export type MessageDirection = 'inbound' | 'outbound' | 'note';
export type Visibility = 'public' | 'private';
export type AuthorType = 'contact' | 'agent' | 'bot' | 'system';
export type DeliveryState = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Message {
  id: string;
  workspaceId: string;
  conversationId: string;
  channelAccountId: string;
  direction: MessageDirection;
  visibility: Visibility;
  authorType: AuthorType;
  authorId: string | null;
  text: string;
  externalId: string | null;
  deliveryState: DeliveryState;
  failureReason: string | null;
  createdAt: Date;
}
