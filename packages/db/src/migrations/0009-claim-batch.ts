import { type Kysely, sql } from 'kysely';

/**
 * The dispatcher's claim, for up to `p_limit` waiting conversations at once in queue order, so a
 * routing run decides a batch in one transaction instead of paying a transaction and a claim per
 * conversation. Same columns and locking as centralita_claim_waiting (0004), which stays for
 * routing one conversation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION centralita_claim_waiting_batch(p_workspace uuid, p_before timestamptz, p_limit integer)
    RETURNS TABLE (
      id uuid, workspace_id uuid, status text, priority integer, language text, region text, subject text, tags text[],
      team_id uuid, team_pinned boolean, channel_kind text, incident_id uuid, waiting_since timestamptz, created_at timestamptz,
      declined_by uuid[], routing_rule text, escalation_level integer, awaiting_reply_since timestamptz,
      first_responded_at timestamptz, first_response_due_at timestamptz, next_response_due_at timestamptz,
      queue_key timestamptz, routing_explanation jsonb, requested_priority integer,
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
          c.queue_key, c.routing_explanation, c.requested_priority,
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
  await sql`DROP FUNCTION centralita_claim_waiting_batch(uuid, timestamptz, integer);`.execute(db);
}
