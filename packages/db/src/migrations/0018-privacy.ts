import { type Kysely, sql } from 'kysely';

/**
 * The privacy guard (docs/privacy.md):
 * - `users.permissions_granted` / `permissions_withheld`: per-user overrides of the role's
 *   default permissions (core's `permissionsOf`; today only `pii.view`). Both default to empty,
 *   so every existing user keeps exactly what their role gives; a constant default adds the
 *   columns without rewriting the table.
 * - `workspace_privacy`: the country the detectors assume (phone numbers without a prefix, the
 *   national ID formats) and the workspace's own patterns (customer and contract numbers). One
 *   row per workspace, written for every existing one here; a workspace without a row reads the
 *   defaults.
 * What the guard finds in a message is kept in the message's own `metadata.pii`, so messages get
 * no new column; messages stored before this migration were not scanned and stay unmasked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users
      ADD COLUMN permissions_granted text[] NOT NULL DEFAULT '{}' CHECK (cardinality(permissions_granted) <= 20),
      ADD COLUMN permissions_withheld text[] NOT NULL DEFAULT '{}' CHECK (cardinality(permissions_withheld) <= 20);

    CREATE TABLE workspace_privacy (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
      country text NOT NULL DEFAULT 'ES' CHECK (country ~ '^[A-Z]{2}$'),
      custom_patterns jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(custom_patterns) = 'array'),
      updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO workspace_privacy (workspace_id) SELECT id FROM workspaces ON CONFLICT DO NOTHING;
  `.execute(db);
}
