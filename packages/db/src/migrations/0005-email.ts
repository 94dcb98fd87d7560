import { type Kysely, sql } from 'kysely';

/**
 * What email needs from the model:
 * - a conversation's normalised subject, so a reply that lost its headers still finds its thread
 *   (same contact, same subject, recently active), looked up by index;
 * - a message's sanitised HTML and, where the visible text was trimmed of quotes and signature,
 *   the full original text;
 * - attachments: one row per file on a message, its bytes behind a storage key. The default store
 *   keeps bytes in `attachment_blobs`, addressed by their SHA-256 within a workspace, so a retried
 *   delivery writes nothing twice and nodes stay stateless.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE conversations ADD COLUMN subject_key text;
    CREATE INDEX conversations_subject_idx ON conversations (workspace_id, contact_id, subject_key, last_message_at DESC)
      WHERE subject_key IS NOT NULL;

    ALTER TABLE messages ADD COLUMN html text;
    ALTER TABLE messages ADD COLUMN full_text text;
    ALTER TABLE messages ADD COLUMN automated text CHECK (automated IN ('auto_reply', 'bounce'));

    CREATE TABLE attachment_blobs (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      key text NOT NULL,
      data bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, key)
    );

    CREATE TABLE attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      filename text NOT NULL,
      content_type text NOT NULL,
      size integer NOT NULL CHECK (size >= 0),
      inline boolean NOT NULL DEFAULT false,
      content_id text,
      storage_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX attachments_message_idx ON attachments (message_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE attachments;
    DROP TABLE attachment_blobs;
    ALTER TABLE messages DROP COLUMN automated;
    ALTER TABLE messages DROP COLUMN full_text;
    ALTER TABLE messages DROP COLUMN html;
    DROP INDEX conversations_subject_idx;
    ALTER TABLE conversations DROP COLUMN subject_key;
  `.execute(db);
}
