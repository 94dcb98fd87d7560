import { type Kysely, sql } from 'kysely';

/**
 * The latest state each channel account's adapter reported (connecting, linking with a QR code,
 * ready, degraded, out of credits, logged out), with its sentence, its data and when it changed,
 * so the API and console say why an account is quiet. Kept beside the account, not in its row,
 * so the reports never look like a change of its settings.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE channel_account_states (
      channel_account_id uuid PRIMARY KEY REFERENCES channel_accounts(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      state text NOT NULL CHECK (state IN ('connecting', 'linking', 'ready', 'degraded', 'out_of_credits', 'logged_out')),
      detail text NOT NULL CHECK (length(detail) <= 500),
      data jsonb,
      changed_at timestamptz NOT NULL,
      reported_at timestamptz NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE channel_account_states;`.execute(db);
}
