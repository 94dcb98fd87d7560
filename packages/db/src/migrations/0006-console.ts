import { type Kysely, sql } from 'kysely';

/**
 * What the console needs from the database:
 * - full-text search over messages in Spanish and English, accent-insensitive (`unaccent` in an
 *   immutable wrapper, so it can feed a generated column), and over contact names and addresses
 *   (trigrams), each behind an index;
 * - counts of live conversations by status, assignee and team from one partial index that holds
 *   only open, pending and snoozed conversations, so counting never reads the resolved history;
 * - canned responses per workspace, and each user's signature.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE FUNCTION centralita_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

    -- An expression index rather than a stored column: nothing extra in every message row read.
    -- Names are schema-qualified: PostgreSQL 17+ builds indexes with a restricted search_path.
    CREATE FUNCTION centralita_search_vector(subject text, body text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT to_tsvector('spanish'::regconfig, public.centralita_unaccent(coalesce(subject, '') || ' ' || coalesce(body, '')))
             || to_tsvector('english'::regconfig, public.centralita_unaccent(coalesce(subject, '') || ' ' || coalesce(body, ''))) $$;
    CREATE FUNCTION centralita_search_query(q text) RETURNS tsquery
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT websearch_to_tsquery('spanish'::regconfig, public.centralita_unaccent(q))
             || websearch_to_tsquery('english'::regconfig, public.centralita_unaccent(q)) $$;
    CREATE INDEX messages_search_idx ON messages USING gin (public.centralita_search_vector(subject, text));

    CREATE INDEX contacts_name_trgm_idx ON contacts USING gin (public.centralita_unaccent(lower(coalesce(name, ''))) public.gin_trgm_ops);
    CREATE INDEX identities_external_trgm_idx ON identities USING gin (lower(external_id) public.gin_trgm_ops);

    CREATE INDEX conversations_live_idx ON conversations (workspace_id, status, assignee_id, team_id)
      WHERE status <> 'resolved';

    CREATE TABLE canned_responses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      shortcut text NOT NULL CHECK (shortcut ~ '^[a-z0-9_-]{1,40}$'),
      text text NOT NULL,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (workspace_id, shortcut)
    );

    ALTER TABLE users ADD COLUMN signature text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users DROP COLUMN signature;
    DROP TABLE canned_responses;
    DROP INDEX conversations_live_idx;
    DROP INDEX identities_external_trgm_idx;
    DROP INDEX contacts_name_trgm_idx;
    DROP INDEX messages_search_idx;
    DROP FUNCTION centralita_search_query(text);
    DROP FUNCTION centralita_search_vector(text, text);
    DROP FUNCTION centralita_unaccent(text);
  `.execute(db);
}
