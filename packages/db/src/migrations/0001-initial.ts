import { type Kysely, sql } from 'kysely';

/**
 * The first schema. Plain SQL so a DBA can read it. Every table carries workspace_id so the data
 * can later be distributed by workspace (Citus) without reshaping keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE workspaces (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      name text NOT NULL,
      reopen_window_minutes integer NOT NULL DEFAULT 10080 CHECK (reopen_window_minutes >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
      password_hash text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (workspace_id, lower(email));
    CREATE INDEX users_login_idx ON users (lower(email));

    CREATE TABLE teams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, name)
    );

    CREATE TABLE team_members (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      team_id uuid NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      PRIMARY KEY (team_id, user_id)
    );
    CREATE INDEX team_members_user_idx ON team_members (user_id);

    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      role text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    );

    -- Fixed-window counters shared by every node (login throttling, public form limits).
    -- workspace_id is null for limits that apply before a workspace is known (login by email).
    CREATE UNLOGGED TABLE rate_limits (
      workspace_id uuid,
      key text PRIMARY KEY,
      window_start timestamptz NOT NULL,
      hits integer NOT NULL
    );

    CREATE TABLE contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text,
      locale text,
      country text,
      timezone text,
      signals jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE identities (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      kind text NOT NULL,
      external_id text NOT NULL,
      verified boolean NOT NULL,
      display_name text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- Only channel-proven identities are unique: a typed-in address may be claimed by anyone.
    CREATE UNIQUE INDEX identities_verified_key ON identities (workspace_id, kind, external_id)
      WHERE verified;
    CREATE INDEX identities_contact_idx ON identities (contact_id);
    CREATE INDEX identities_lookup_idx ON identities (workspace_id, kind, external_id);

    CREATE TABLE channel_accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      kind text NOT NULL,
      name text NOT NULL,
      settings jsonb NOT NULL DEFAULT '{}',
      secrets_encrypted text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX channel_accounts_workspace_idx ON channel_accounts (workspace_id);

    CREATE TABLE conversations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      contact_id uuid NOT NULL REFERENCES contacts(id),
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
      status text NOT NULL CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
      snoozed_until timestamptz,
      priority integer NOT NULL DEFAULT 0,
      subject text,
      language text,
      region text,
      team_id uuid REFERENCES teams(id) ON DELETE SET NULL,
      assignee_id uuid REFERENCES users(id) ON DELETE SET NULL,
      tags text[] NOT NULL DEFAULT '{}',
      previous_conversation_id uuid REFERENCES conversations(id),
      last_message_at timestamptz NOT NULL,
      last_inbound_at timestamptz,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'snoozed') = (snoozed_until IS NOT NULL)),
      CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
    );
    CREATE INDEX conversations_list_idx ON conversations (workspace_id, last_message_at DESC, id DESC);
    CREATE INDEX conversations_status_idx ON conversations (workspace_id, status, last_message_at DESC);
    CREATE INDEX conversations_assignee_idx ON conversations (workspace_id, assignee_id, status);
    CREATE INDEX conversations_contact_idx ON conversations (contact_id, channel_account_id, created_at DESC);

    CREATE TABLE conversation_threads (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      external_thread_id text NOT NULL,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      PRIMARY KEY (channel_account_id, external_thread_id)
    );

    CREATE TABLE messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note')),
      visibility text NOT NULL CHECK (visibility IN ('public', 'private')),
      author_type text NOT NULL CHECK (author_type IN ('contact', 'agent', 'bot', 'system')),
      author_id uuid,
      text text NOT NULL,
      subject text,
      external_id text,
      thread_rule text,
      delivery_state text NOT NULL
        CHECK (delivery_state IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
      failure_reason text,
      idempotency_key text,
      metadata jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- Exactly-once ingest: a webhook delivered twice or a mailbox re-read stores one message.
    CREATE UNIQUE INDEX messages_external_key ON messages (channel_account_id, external_id)
      WHERE external_id IS NOT NULL;
    -- A double-clicked "send" stores one reply.
    CREATE UNIQUE INDEX messages_idempotency_key ON messages (workspace_id, author_id, idempotency_key)
      WHERE idempotency_key IS NOT NULL;
    CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at, id);

    CREATE TABLE events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('contact', 'user', 'api_token', 'system')),
      actor_id uuid,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX events_conversation_idx ON events (conversation_id, seq);

    CREATE TABLE channel_cursors (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      key text NOT NULL,
      value text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel_account_id, key)
    );

    CREATE TABLE channel_state (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      key text NOT NULL,
      value text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (channel_account_id, key)
    );

    CREATE TABLE portal_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE portal_tokens, channel_state, channel_cursors, events, messages,
      conversation_threads, conversations, channel_accounts, identities, contacts, rate_limits,
      api_tokens, sessions, team_members, teams, users, workspaces CASCADE;
  `.execute(db);
}
