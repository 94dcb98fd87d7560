import { type Kysely, sql } from 'kysely';

/**
 * A reply split into several posts (a long answer on X) has one id per part, and the customer may
 * answer any of them: every part id after the first is kept here so that answer threads. The first
 * stays in messages.external_id. Replies are looked up by id within a workspace, so both places get
 * an index on (workspace_id, external_id): without it, threading scanned every message.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE message_parts (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
      external_id text NOT NULL,
      message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      part integer NOT NULL CHECK (part >= 1),
      PRIMARY KEY (channel_account_id, external_id)
    );
    CREATE INDEX message_parts_lookup_idx ON message_parts (workspace_id, external_id);
    CREATE INDEX message_parts_message_idx ON message_parts (message_id);
    CREATE INDEX messages_workspace_external_idx ON messages (workspace_id, external_id) WHERE external_id IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX messages_workspace_external_idx;
    DROP TABLE message_parts;
  `.execute(db);
}
