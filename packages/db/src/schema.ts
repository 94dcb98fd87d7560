import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from './schema-columns.ts';
import type {
  CannedResponsesTable,
  ContactEventsTable,
  ContactNotesTable,
  ConversationDraftsTable,
  ConversationReadsTable,
} from './schema-console.ts';
import type { HandoffsTable } from './schema-handoff.ts';
import type { ContactMergesTable, MergeSuggestionsTable } from './schema-identity.ts';
import type { ConversationIdentitiesTable } from './schema-identity-links.ts';
import type {
  BroadcastRecipientsTable,
  InboundBucketsTable,
  IncidentBroadcastsTable,
  IncidentEventsTable,
  IncidentLinksTable,
  IncidentSettingsTable,
  IncidentsTable,
  WorkerNodesTable,
} from './schema-incidents.ts';
import type { SavedSearchesTable } from './schema-listening.ts';
import type { WorkspacePrivacyTable } from './schema-privacy.ts';
import type {
  ChannelAccountBudgetsTable,
  ChannelAccountEventsTable,
  ChannelBlobsTable,
  ChannelUsageMonthsTable,
  ChannelUsageTable,
  ConversationUsageTable,
} from './schema-usage.ts';

/** Kysely's view of our tables. Every table carries `workspace_id` (workspaces is keyed by it). */

export interface WorkspacesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  reopen_window_minutes: Generated<number>;
  timezone: Generated<string>;
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  password_hash: string | null;
  active: Generated<boolean>;
  signature: string | null;
  created_at: Generated<Date>;
  /** Permissions added to and removed from the role's defaults for this user (0018). */
  permissions_granted: Generated<string[]>;
  permissions_withheld: Generated<string[]>;
}

export interface TeamsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  timezone: Generated<string>;
  /** A routing Schedule (shifts + holidays) or null for always open. */
  business_hours: ColumnType<unknown | null, string | null | undefined, string | null>;
  assignment: Generated<'direct' | 'offer'>;
  offer_timeout_seconds: Generated<number>;
  reassign_unanswered_minutes: number | null;
  reroute_when_unavailable: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface AgentProfilesTable {
  user_id: string;
  workspace_id: string;
  status: Generated<'online' | 'away' | 'offline'>;
  status_changed_at: Generated<Date>;
  timezone: Generated<string>;
  skills: ColumnType<Record<string, number>, string | undefined, string>;
  languages: Generated<string[]>;
  regions: Generated<string[]>;
  schedule: ColumnType<unknown | null, string | null | undefined, string | null>;
  capacity_total: Generated<number>;
  capacity_channels: ColumnType<Record<string, number>, string | undefined, string>;
  last_assigned_at: NullableTimestamp;
  /** Kept by a trigger on conversations: open or pending conversations held or offered. */
  load_total: Generated<number>;
  load_channels: ColumnType<Record<string, number>, string | undefined, string>;
  updated_at: Generated<Date>;
}

export interface RoutingRuleSetsTable {
  id: Generated<string>;
  workspace_id: string;
  version: number | null;
  status: 'draft' | 'published' | 'retired';
  document: ColumnType<unknown, string, string>;
  note: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  published_by: string | null;
  published_at: NullableTimestamp;
}

export interface SlaPoliciesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  team_id: string | null;
  min_priority: Generated<number>;
  first_response_minutes: number;
  next_response_minutes: number | null;
  business_hours: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TeamMembersTable {
  workspace_id: string;
  team_id: string;
  user_id: string;
}

export interface SessionsTable {
  id: Generated<string>;
  workspace_id: string;
  user_id: string;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  token_hash: string;
  role: 'agent' | 'supervisor' | 'admin';
  created_by: string | null;
  created_at: Generated<Date>;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface RateLimitsTable {
  workspace_id: string | null;
  key: string;
  window_start: Timestamp;
  hits: number;
}

export interface ContactsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string | null;
  locale: string | null;
  country: string | null;
  timezone: string | null;
  signals: Json<{ followers?: number; verified?: boolean }>;
  created_at: Generated<Date>;
  /** Set when merged into another contact (0016): the tombstone says where it went. */
  merged_into: Generated<string | null>;
}

export interface IdentitiesTable {
  id: Generated<string>;
  workspace_id: string;
  contact_id: string;
  kind: string;
  external_id: string;
  verified: boolean;
  display_name: string | null;
  created_at: Generated<Date>;
}

export interface ChannelAccountsTable {
  id: Generated<string>;
  workspace_id: string;
  kind: string;
  name: string;
  settings: Json<Record<string, unknown>>;
  secrets_encrypted: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

/** The latest state an account's adapter reported. */
export interface ChannelAccountStatesTable {
  channel_account_id: string;
  workspace_id: string;
  state: string;
  detail: string;
  data: JSONColumnType<Record<string, string | number | boolean | null> | null, string | null, string | null>;
  changed_at: Timestamp;
  reported_at: Timestamp;
}

export interface ConversationsTable {
  id: Generated<string>;
  workspace_id: string;
  contact_id: string;
  channel_account_id: string;
  status: 'open' | 'pending' | 'snoozed' | 'resolved';
  snoozed_until: NullableTimestamp;
  priority: Generated<number>;
  subject: string | null;
  language: string | null;
  region: string | null;
  team_id: string | null;
  assignee_id: string | null;
  tags: Generated<string[]>;
  previous_conversation_id: string | null;
  last_message_at: Timestamp;
  last_inbound_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  created_at: Generated<Date>;
  /** Kind of the latest inbound message's channel: the capacity it counts against. */
  channel_kind: string | null;
  incident_id: string | null;
  /** Set by a trigger exactly while open with nobody assigned (offered or not). */
  waiting_since: NullableTimestamp;
  /** Queue order while waiting: an effective deadline (see queueKey in the routing package). */
  queue_key: NullableTimestamp;
  /** Priority set by a person or integration: a floor for routing's own, and what conditions see. */
  requested_priority: number | null;
  routed_at: NullableTimestamp;
  routing_rule: string | null;
  routing_explanation: ColumnType<unknown | null, string | null | undefined, string | null>;
  escalation_level: Generated<number>;
  /** Transferred to this team by hand: routing keeps it there. */
  team_pinned: Generated<boolean>;
  declined_by: Generated<string[]>;
  offered_to: string | null;
  offer_expires_at: NullableTimestamp;
  assigned_at: NullableTimestamp;
  awaiting_reply_since: NullableTimestamp;
  first_responded_at: NullableTimestamp;
  first_response_due_at: NullableTimestamp;
  next_response_due_at: NullableTimestamp;
  sla_breached: Generated<string[]>;
  /** Normalised subject (no Re:/Fwd:, case or spacing) for threading replies that lost their headers. */
  subject_key: string | null;
  /** How it began: a customer wrote, or a saved search found the post (0013). Set once, at creation. */
  origin: Generated<'customer' | 'proactive'>;
  /** Who answered first: a person, or an incident's broadcast (0019); null until answered. */
  first_response_kind: 'agent' | 'broadcast' | null;
}

export interface ConversationThreadsTable {
  workspace_id: string;
  channel_account_id: string;
  external_thread_id: string;
  conversation_id: string;
}

export interface MessagesTable {
  id: Generated<string>;
  workspace_id: string;
  conversation_id: string;
  channel_account_id: string;
  direction: 'inbound' | 'outbound' | 'note';
  visibility: 'public' | 'private';
  author_type: 'contact' | 'agent' | 'bot' | 'system';
  author_id: string | null;
  text: string;
  subject: string | null;
  external_id: string | null;
  thread_rule: string | null;
  delivery_state: 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  failure_reason: string | null;
  idempotency_key: string | null;
  metadata: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  /** Sanitised HTML body (email). */
  html: string | null;
  /** The whole original text when `text` was trimmed of quotes and signature. */
  full_text: string | null;
  automated: 'auto_reply' | 'bounce' | null;
  /** Why a queued reply waits instead of failing (a spent budget, a channel out of credits); null when not held (0012). */
  hold_reason: Generated<string | null>;
}

export interface AttachmentBlobsTable {
  workspace_id: string;
  key: string;
  data: Buffer;
  created_at: Generated<Date>;
}

export interface AttachmentsTable {
  id: Generated<string>;
  workspace_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: number;
  inline: Generated<boolean>;
  content_id: string | null;
  storage_key: string;
  created_at: Generated<Date>;
}

export interface PendingUploadsTable {
  id: Generated<string>;
  workspace_id: string;
  owner_id: string;
  filename: string;
  content_type: string;
  size: number;
  storage_key: string;
  created_at: Generated<Date>;
}

export interface MessagePartsTable {
  workspace_id: string;
  channel_account_id: string;
  external_id: string;
  message_id: string;
  part: number;
}

/** The parts of a split reply already delivered, in order, while its send is not finished. */
export interface SendProgressTable {
  message_id: string;
  workspace_id: string;
  parts: string[];
  updated_at: Generated<Date>;
}

export interface EventsTable {
  id: Generated<string>;
  seq: Generated<string>;
  workspace_id: string;
  conversation_id: string;
  type: string;
  actor_type: 'contact' | 'user' | 'api_token' | 'system';
  actor_id: string | null;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface ChannelCursorsTable {
  workspace_id: string;
  channel_account_id: string;
  key: string;
  value: string;
  updated_at: Generated<Date>;
}

export interface ChannelStateTable {
  workspace_id: string;
  channel_account_id: string;
  key: string;
  value: string;
  expires_at: Timestamp;
}

export interface PortalTokensTable {
  id: Generated<string>;
  workspace_id: string;
  conversation_id: string;
  token_hash: string;
  expires_at: Timestamp;
  created_at: Generated<Date>;
  /** The web-form account the page writes to, when not the conversation's own (a handoff, 0017). */
  channel_account_id: Generated<string | null>;
  handoff_id: Generated<string | null>;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  agent_profiles: AgentProfilesTable;
  routing_rule_sets: RoutingRuleSetsTable;
  sla_policies: SlaPoliciesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  rate_limits: RateLimitsTable;
  contacts: ContactsTable;
  identities: IdentitiesTable;
  channel_accounts: ChannelAccountsTable;
  channel_account_states: ChannelAccountStatesTable;
  conversations: ConversationsTable;
  conversation_threads: ConversationThreadsTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  pending_uploads: PendingUploadsTable;
  canned_responses: CannedResponsesTable;
  attachment_blobs: AttachmentBlobsTable;
  message_parts: MessagePartsTable;
  send_progress: SendProgressTable;
  events: EventsTable;
  channel_cursors: ChannelCursorsTable;
  channel_state: ChannelStateTable;
  portal_tokens: PortalTokensTable;
  conversation_reads: ConversationReadsTable;
  conversation_drafts: ConversationDraftsTable;
  contact_notes: ContactNotesTable;
  contact_events: ContactEventsTable;
  channel_usage: ChannelUsageTable;
  channel_usage_months: ChannelUsageMonthsTable;
  channel_account_budgets: ChannelAccountBudgetsTable;
  channel_account_events: ChannelAccountEventsTable;
  saved_searches: SavedSearchesTable;
  channel_blobs: ChannelBlobsTable;
  conversation_usage: ConversationUsageTable;
  workspace_privacy: WorkspacePrivacyTable;
  conversation_identities: ConversationIdentitiesTable;
  handoffs: HandoffsTable;
  contact_merges: ContactMergesTable;
  merge_suggestions: MergeSuggestionsTable;
  incident_settings: IncidentSettingsTable;
  incidents: IncidentsTable;
  incident_links: IncidentLinksTable;
  inbound_buckets: InboundBucketsTable;
  incident_broadcasts: IncidentBroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  incident_events: IncidentEventsTable;
  worker_nodes: WorkerNodesTable;
}
