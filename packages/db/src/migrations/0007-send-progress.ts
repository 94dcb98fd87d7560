import { type Kysely, sql } from 'kysely';

/**
 * A reply split into parts on a channel without idempotency keys (X, WhatsApp) is sent part by
 * part; each part that went out is recorded here before the next is sent, so a retry after a
 * failure part-way sends only the rest. The row is removed once the reply is marked sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE send_progress (
      message_id uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      parts text[] NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE send_progress;`.execute(db);
}
