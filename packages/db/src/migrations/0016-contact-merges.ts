import { type Kysely, sql } from 'kysely';

/**
 * Merging contacts, suggesting merges, and undoing them (docs/identity.md):
 * - `contacts.merged_into`: a merged-away contact stays as a tombstone that says where it went,
 *   so links, API clients and old events that hold its id still lead somewhere. A nullable column
 *   without a default: no table rewrite.
 * - `contact_merges`: who merged which contact into which, when, and exactly the rows that moved,
 *   so an undo moves back those rows and no others.
 * - `merge_suggestions`: a possible match with its evidence, decided by a person. One open
 *   suggestion per pair and reason; a dismissed one stays, so the pair is never suggested again
 *   for that reason (the partial unique index covers both states).
 * Nothing existing needs backfilling: no contact has been merged before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE contacts ADD COLUMN merged_into uuid REFERENCES contacts(id);

    CREATE TABLE merge_suggestions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      other_contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      -- The pair in a fixed order, so (a, b) and (b, a) are one pair.
      pair_low uuid GENERATED ALWAYS AS (LEAST(contact_id, other_contact_id)) STORED,
      pair_high uuid GENERATED ALWAYS AS (GREATEST(contact_id, other_contact_id)) STORED,
      reason text NOT NULL CHECK (reason IN ('shared_phone', 'shared_email', 'handoff_code', 'handoff_expired', 'manual')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'dismissed')),
      evidence jsonb NOT NULL DEFAULT '[]',
      conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
      join_conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz,
      decided_by_type text CHECK (decided_by_type IN ('user', 'api_token', 'system')),
      decided_by uuid,
      merge_id uuid,
      CHECK (contact_id <> other_contact_id),
      CHECK ((status = 'open') = (decided_at IS NULL))
    );
    CREATE UNIQUE INDEX merge_suggestions_pair_key ON merge_suggestions (workspace_id, pair_low, pair_high, reason)
      WHERE status IN ('open', 'dismissed');
    CREATE INDEX merge_suggestions_list_idx ON merge_suggestions (workspace_id, status, created_at DESC);
    CREATE INDEX merge_suggestions_contact_idx ON merge_suggestions (contact_id);
    CREATE INDEX merge_suggestions_other_idx ON merge_suggestions (other_contact_id);

    CREATE TABLE contact_merges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      source_contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      target_contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      suggestion_id uuid REFERENCES merge_suggestions(id) ON DELETE SET NULL,
      -- Exactly what moved from the source to the target.
      identity_ids uuid[] NOT NULL,
      conversation_ids uuid[] NOT NULL,
      message_ids uuid[] NOT NULL,
      note_ids uuid[] NOT NULL,
      -- Conversations folded into another: [{from, into, messageIds, threadKeys, links, addedLinks, previous}].
      folded jsonb NOT NULL DEFAULT '[]',
      -- The target's profile fields the merge filled: {field: {from, to}}.
      profile jsonb NOT NULL DEFAULT '{}',
      created_by_type text NOT NULL CHECK (created_by_type IN ('user', 'api_token', 'system')),
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      undone_at timestamptz,
      undone_by_type text CHECK (undone_by_type IN ('user', 'api_token', 'system')),
      undone_by uuid,
      -- What the undo moved back beyond the record (conversations begun after the merge).
      undo jsonb,
      CHECK (source_contact_id <> target_contact_id)
    );
    CREATE INDEX contact_merges_source_idx ON contact_merges (source_contact_id, created_at);
    CREATE INDEX contact_merges_target_idx ON contact_merges (target_contact_id, created_at);
    ALTER TABLE merge_suggestions ADD FOREIGN KEY (merge_id) REFERENCES contact_merges(id) ON DELETE SET NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE merge_suggestions DROP COLUMN merge_id;
    DROP TABLE contact_merges;
    DROP TABLE merge_suggestions;
    ALTER TABLE contacts DROP COLUMN merged_into;
  `.execute(db);
}
