import { type Kysely, sql } from 'kysely';

/**
 * Files an agent uploaded for a reply they have not sent yet. Each row belongs to whoever
 * uploaded it (a user, or an API token: the id a message's author would carry) and moves to
 * `attachments` when a message names it; what is never sent is deleted by an hourly job after a
 * day. The bytes sit in the same attachment storage inbound files use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE pending_uploads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      owner_id uuid NOT NULL,
      filename text NOT NULL,
      content_type text NOT NULL,
      size integer NOT NULL CHECK (size >= 0),
      storage_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX pending_uploads_created_idx ON pending_uploads (created_at);
    -- The cleanup asks whether a blob is still used by any attachment.
    CREATE INDEX attachments_storage_key_idx ON attachments (workspace_id, storage_key);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX attachments_storage_key_idx;
    DROP TABLE pending_uploads;
  `.execute(db);
}
