import { type Kysely, sql } from 'kysely';
import * as claimBatch from './0009-claim-batch.ts';

/**
 * Proactive listening. `saved_searches` holds what supervisors asked an account to listen for
 * (channel-neutral terms; the adapter builds its channel's query from them) and how often.
 * `conversations.origin` says how a conversation began: a customer wrote to the brand, or a
 * saved search found their post (`proactive`); it is set when the conversation is created and
 * never changed. The dispatcher's batch claim returns it, so rules can see
 * `conversation.proactive`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE saved_searches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      terms jsonb NOT NULL,
      interval_seconds integer NOT NULL DEFAULT 300 CHECK (interval_seconds >= 60),
      paused boolean NOT NULL DEFAULT false,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- What an adapter reads at every round: the account's active searches.
    CREATE INDEX saved_searches_account_idx ON saved_searches (channel_account_id, created_at) WHERE NOT paused;
    CREATE INDEX saved_searches_workspace_idx ON saved_searches (workspace_id, channel_account_id, created_at);

    ALTER TABLE conversations
      ADD COLUMN origin text NOT NULL DEFAULT 'customer' CHECK (origin IN ('customer', 'proactive'));
    -- The inbox's "found by listening" filter, newest first; proactive ones are the few.
    CREATE INDEX conversations_proactive_idx ON conversations (workspace_id, last_message_at DESC, id DESC)
      WHERE origin = 'proactive';

    DROP FUNCTION centralita_claim_waiting_batch(uuid, timestamptz, integer);
    CREATE FUNCTION centralita_claim_waiting_batch(p_workspace uuid, p_before timestamptz, p_limit integer)
    RETURNS TABLE (
      id uuid, workspace_id uuid, status text, priority integer, language text, region text, subject text, tags text[],
      team_id uuid, team_pinned boolean, channel_kind text, incident_id uuid, waiting_since timestamptz, created_at timestamptz,
      declined_by uuid[], routing_rule text, escalation_level integer, awaiting_reply_since timestamptz,
      first_responded_at timestamptz, first_response_due_at timestamptz, next_response_due_at timestamptz,
      queue_key timestamptz, routing_explanation jsonb, requested_priority integer, origin text,
      contact_country text, contact_timezone text, contact_signals jsonb, last_text text, last_visibility text
    ) LANGUAGE plpgsql AS $$
    DECLARE
      claimed uuid[];
    BEGIN
      SELECT array_agg(q.id ORDER BY q.queue_key, q.id) INTO claimed FROM (
        SELECT w.id, w.queue_key FROM conversations w
        WHERE w.workspace_id = p_workspace AND w.waiting_since IS NOT NULL AND w.offered_to IS NULL
          AND (w.routed_at IS NULL OR w.routed_at < p_before)
        ORDER BY w.queue_key, w.id
        LIMIT p_limit
        FOR NO KEY UPDATE SKIP LOCKED
      ) q;
      IF claimed IS NULL THEN
        RETURN;
      END IF;
      RETURN QUERY
        SELECT c.id, c.workspace_id, c.status, c.priority, c.language, c.region, c.subject, c.tags, c.team_id, c.team_pinned,
          c.channel_kind, c.incident_id, c.waiting_since, c.created_at, c.declined_by, c.routing_rule, c.escalation_level,
          c.awaiting_reply_since, c.first_responded_at, c.first_response_due_at, c.next_response_due_at,
          c.queue_key, c.routing_explanation, c.requested_priority, c.origin,
          ct.country, ct.timezone, ct.signals, m.text, m.visibility
        FROM unnest(claimed) WITH ORDINALITY AS k(id, n)
        JOIN conversations c ON c.id = k.id
        JOIN contacts ct ON ct.id = c.contact_id
        LEFT JOIN LATERAL (
          SELECT mm.text, mm.visibility FROM messages mm
          WHERE mm.conversation_id = c.id AND mm.direction = 'inbound' ORDER BY mm.created_at DESC LIMIT 1
        ) m ON true
        ORDER BY k.n;
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION centralita_claim_waiting_batch(uuid, timestamptz, integer);
    DROP INDEX conversations_proactive_idx;
    ALTER TABLE conversations DROP COLUMN origin;
    DROP TABLE saved_searches;
  `.execute(db);
  // The claim as 0009 made it, without the origin column.
  await claimBatch.up(db);
}
