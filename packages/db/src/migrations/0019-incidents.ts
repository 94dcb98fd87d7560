import { type Kysely, sql } from 'kysely';

/**
 * Mass incidents (docs/incidents.md):
 * - `incident_settings`: per workspace, its service labels with the words that name each, and the
 *   spike detector's and the matcher's tuning (JSON, defaults in core when a key is missing).
 * - `incidents`: proposed by the detector (with its evidence and a `signature`, so a dismissed
 *   false alarm is remembered) or declared by a supervisor; active until resolved.
 * - `incident_links`: which conversations belong to which incident, how (auto or by a person),
 *   and why. An unlink is kept (unlinked_at), so automatic linking never undoes a person's
 *   decision; `keep_open` opts a conversation out of being resolved with the incident.
 *   `conversations.incident_id` stays the one incident a conversation belongs to now.
 * - `inbound_buckets`: inbound counts per key (region, term, channel, post, all) per time
 *   bucket, kept in PostgreSQL so every node's detector reads the same numbers.
 * - `incident_broadcasts` and `broadcast_recipients`: one status update and who it goes to. A
 *   recipient row is unique per (broadcast, conversation) and gets its outbound message in the
 *   same transaction that creates it, so a broadcast reaches each conversation at most once.
 * - `conversations.first_response_kind`: who answered first (`agent` or `broadcast`), so reports
 *   tell broadcast answers apart from human ones.
 * - `incident_events`: the incident's own append-only log (proposed, declared, dismissed,
 *   updated, broadcast, resolved), as `channel_account_events` is an account's; what happens to
 *   one conversation (linked, unlinked, acknowledged) goes to that conversation's `events`.
 * - `worker_nodes`: each node's job-worker ids and heartbeat, so a live node can release the jobs
 *   a dead one held (graphile-worker alone waits four hours).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE incident_settings (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      services jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(services) = 'array'),
      detector jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detector) = 'object'),
      matching jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(matching) = 'object'),
      updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      number integer NOT NULL,
      status text NOT NULL CHECK (status IN ('proposed', 'active', 'resolved', 'dismissed')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      status_text text NOT NULL DEFAULT '' CHECK (length(status_text) <= 2000),
      regions text[] NOT NULL DEFAULT '{}' CHECK (cardinality(regions) <= 100),
      services text[] NOT NULL DEFAULT '{}' CHECK (cardinality(services) <= 50),
      keywords text[] NOT NULL DEFAULT '{}' CHECK (cardinality(keywords) <= 100),
      languages text[] NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 20),
      matching jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(matching) = 'object'),
      starts_at timestamptz NOT NULL,
      evidence jsonb,
      signature text,
      proposed_at timestamptz,
      declared_at timestamptz,
      declared_by uuid REFERENCES users(id) ON DELETE SET NULL,
      dismissed_at timestamptz,
      dismissed_by uuid REFERENCES users(id) ON DELETE SET NULL,
      dismiss_reason text CHECK (length(dismiss_reason) <= 500),
      resolved_at timestamptz,
      resolved_by uuid REFERENCES users(id) ON DELETE SET NULL,
      first_update_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, number)
    );
    CREATE INDEX incidents_by_status ON incidents (workspace_id, status, created_at DESC);
    CREATE INDEX incidents_by_signature ON incidents (workspace_id, signature) WHERE signature IS NOT NULL;

    CREATE TABLE incident_links (
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      linked_by text NOT NULL CHECK (linked_by IN ('auto', 'user')),
      linked_by_user uuid REFERENCES users(id) ON DELETE SET NULL,
      linked_at timestamptz NOT NULL,
      reasons jsonb NOT NULL DEFAULT '{}',
      unlinked_at timestamptz,
      unlinked_by uuid REFERENCES users(id) ON DELETE SET NULL,
      keep_open boolean NOT NULL DEFAULT false,
      first_update_at timestamptz,
      PRIMARY KEY (incident_id, conversation_id)
    );
    CREATE INDEX incident_links_by_conversation ON incident_links (conversation_id);
    CREATE INDEX incident_links_live ON incident_links (incident_id, linked_at) WHERE unlinked_at IS NULL;

    ALTER TABLE conversations
      ADD CONSTRAINT conversations_incident_fk FOREIGN KEY (incident_id) REFERENCES incidents(id) ON DELETE SET NULL NOT VALID,
      ADD COLUMN first_response_kind text CHECK (first_response_kind IN ('agent', 'broadcast'));
    CREATE INDEX conversations_by_incident ON conversations (incident_id) WHERE incident_id IS NOT NULL;
    -- Declaring an incident scans the conversations customers wrote to since just before it began.
    CREATE INDEX conversations_recent_unresolved ON conversations (workspace_id, last_inbound_at) WHERE status <> 'resolved';

    CREATE TABLE inbound_buckets (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      key_kind text NOT NULL CHECK (key_kind IN ('all', 'region', 'term', 'channel', 'post')),
      key text NOT NULL CHECK (length(key) <= 200),
      bucket_start timestamptz NOT NULL,
      count integer NOT NULL CHECK (count >= 0),
      PRIMARY KEY (workspace_id, key_kind, key, bucket_start)
    );
    CREATE INDEX inbound_buckets_by_time ON inbound_buckets (workspace_id, bucket_start);

    CREATE TABLE incident_broadcasts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('update', 'closing')),
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
      variants jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(variants) = 'array'),
      options jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
      state text NOT NULL CHECK (state IN ('fanning_out', 'sending', 'done', 'cancelled')),
      recipients integer NOT NULL DEFAULT 0,
      estimate jsonb,
      public_post jsonb,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    );
    CREATE INDEX incident_broadcasts_by_incident ON incident_broadcasts (incident_id, created_at);

    CREATE TABLE broadcast_recipients (
      broadcast_id uuid NOT NULL REFERENCES incident_broadcasts(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      state text NOT NULL CHECK (state IN ('pending', 'queued', 'skipped')),
      priority integer NOT NULL DEFAULT 0,
      channel_account_id uuid REFERENCES channel_accounts(id) ON DELETE SET NULL,
      channel_kind text,
      visibility text CHECK (visibility IN ('public', 'private')),
      message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
      skip_reason text,
      PRIMARY KEY (broadcast_id, conversation_id)
    );
    CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (broadcast_id, priority DESC) WHERE state = 'pending';
    CREATE INDEX broadcast_recipients_by_message ON broadcast_recipients (message_id) WHERE message_id IS NOT NULL;

    CREATE TABLE incident_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_token', 'system')),
      actor_id uuid,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX incident_events_by_incident ON incident_events (incident_id, seq);

    CREATE TABLE worker_nodes (
      node_id text PRIMARY KEY CHECK (length(node_id) <= 100),
      worker_ids text[] NOT NULL DEFAULT '{}',
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
