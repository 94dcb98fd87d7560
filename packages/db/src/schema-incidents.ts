import type { Generated } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from './schema-columns.ts';

// Mass incidents (0019), apart from the conversation model in schema.ts. See docs/incidents.md.

/** One of the workspace's own service labels ("fibra") and the words that name it. */
export interface StoredService {
  label: string;
  terms: string[];
}

export interface IncidentSettingsTable {
  workspace_id: string;
  services: Json<StoredService[]>;
  /** The spike detector's tuning; a key left out takes core's default. */
  detector: Json<Record<string, unknown>>;
  /** The automatic linking's tuning; a key left out takes core's default. */
  matching: Json<Record<string, unknown>>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface IncidentsTable {
  id: Generated<string>;
  workspace_id: string;
  /** Shown as INC-<number>; one sequence per workspace. */
  number: number;
  status: 'proposed' | 'active' | 'resolved' | 'dismissed';
  title: string;
  status_text: Generated<string>;
  regions: Generated<string[]>;
  services: Generated<string[]>;
  keywords: Generated<string[]>;
  languages: Generated<string[]>;
  /** This incident's own linking tuning over the workspace's. */
  matching: Json<Record<string, unknown>>;
  starts_at: Timestamp;
  /** What the detector saw (terms, regions, counts over time); null when declared by hand. */
  evidence: Json<Record<string, unknown> | null> | null;
  /** The detector's key for "the same alarm": a dismissed one is not proposed again. */
  signature: string | null;
  proposed_at: NullableTimestamp;
  declared_at: NullableTimestamp;
  declared_by: string | null;
  dismissed_at: NullableTimestamp;
  dismissed_by: string | null;
  dismiss_reason: string | null;
  resolved_at: NullableTimestamp;
  resolved_by: string | null;
  first_update_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IncidentLinksTable {
  incident_id: string;
  conversation_id: string;
  workspace_id: string;
  linked_by: 'auto' | 'user';
  linked_by_user: string | null;
  linked_at: Timestamp;
  reasons: Json<Record<string, unknown>>;
  unlinked_at: NullableTimestamp;
  unlinked_by: string | null;
  keep_open: Generated<boolean>;
  first_update_at: NullableTimestamp;
}

export interface InboundBucketsTable {
  workspace_id: string;
  key_kind: 'all' | 'region' | 'term' | 'channel' | 'post';
  key: string;
  bucket_start: Timestamp;
  count: number;
}

export interface IncidentBroadcastsTable {
  id: Generated<string>;
  workspace_id: string;
  incident_id: string;
  kind: 'update' | 'closing';
  text: string;
  variants: Json<string[]>;
  options: Json<Record<string, unknown>>;
  state: 'fanning_out' | 'sending' | 'done' | 'cancelled';
  recipients: Generated<number>;
  estimate: Json<Record<string, unknown> | null> | null;
  public_post: Json<Record<string, unknown> | null> | null;
  created_by: string | null;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export interface BroadcastRecipientsTable {
  broadcast_id: string;
  conversation_id: string;
  workspace_id: string;
  state: 'pending' | 'queued' | 'skipped';
  priority: Generated<number>;
  channel_account_id: string | null;
  channel_kind: string | null;
  visibility: 'public' | 'private' | null;
  message_id: string | null;
  skip_reason: string | null;
}

/** The incident's own log; a conversation's part in it goes to that conversation's events. */
export interface IncidentEventsTable {
  id: Generated<string>;
  seq: Generated<string>;
  workspace_id: string;
  incident_id: string;
  type: string;
  actor_type: 'user' | 'api_token' | 'system';
  actor_id: string | null;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface WorkerNodesTable {
  node_id: string;
  worker_ids: Generated<string[]>;
  started_at: Generated<Date>;
  heartbeat_at: Generated<Date>;
}
