import { type Kysely, sql } from 'kysely';

/**
 * What the console keeps on the server rather than in a browser (docs/decisions/0017):
 * - each user's read mark per conversation, a time (the newest message they had when they read
 *   it), so "unread" is one comparison with conversations.last_inbound_at in the inbox query;
 * - each user's unsent draft per conversation, one per user and conversation;
 * - notes about a contact, and the contact's own event log (edits, notes), since the
 *   conversation event log needs a conversation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE conversation_reads (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      read_up_to timestamptz NOT NULL,
      message_id uuid REFERENCES messages(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, conversation_id)
    );
    -- For the cascade when a conversation goes; the inbox reads by the primary key.
    CREATE INDEX conversation_reads_conversation_idx ON conversation_reads (conversation_id);

    CREATE TABLE conversation_drafts (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('reply', 'note')),
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
      visibility text CHECK (visibility IN ('public', 'private')),
      allow_split boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, conversation_id)
    );
    CREATE INDEX conversation_drafts_conversation_idx ON conversation_drafts (conversation_id);

    CREATE TABLE contact_notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      author_type text NOT NULL CHECK (author_type IN ('user', 'api_token')),
      author_id uuid,
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX contact_notes_contact_idx ON contact_notes (contact_id, created_at);

    CREATE TABLE contact_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('contact', 'user', 'api_token', 'system')),
      actor_id uuid,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX contact_events_contact_idx ON contact_events (contact_id, seq);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE contact_events, contact_notes, conversation_drafts, conversation_reads;`.execute(db);
}
