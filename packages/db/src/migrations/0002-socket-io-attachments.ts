import { type Kysely, sql } from 'kysely';

/**
 * socket.io's PostgreSQL adapter fans events out to every node with NOTIFY; payloads over 8 KB go
 * through this table (its own transport, so no workspace_id). The adapter deletes old rows itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE socket_io_attachments (
      id bigserial UNIQUE,
      created_at timestamptz DEFAULT now(),
      payload bytea
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE socket_io_attachments`.execute(db);
}
