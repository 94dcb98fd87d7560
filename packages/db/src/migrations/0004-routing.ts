import { type Kysely, sql } from 'kysely';

/**
 * Routing: agents' profiles, teams' hours and assignment mode, rule-set versions, SLA policies and
 * the routing state of each conversation.
 *
 * Two invariants live in triggers rather than in application code, because every path that touches
 * a conversation (ingest, agents' status buttons, the dispatcher, a DBA's UPDATE) must keep them:
 * - waiting_since is set exactly while a conversation is open with nobody assigned (an offer keeps
 *   it: the customer is still waiting, and escalation keeps counting), and with it queue_key, the
 *   queue order (an effective deadline, see queueKey in the routing package);
 * - an agent's load (open or pending conversations they hold or are offered, in all and per
 *   channel kind) changes in the same transaction as the conversation. It lives on the agent's
 *   profile row, so the dispatcher's lock on that row also returns the load as it is now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE workspaces ADD COLUMN timezone text NOT NULL DEFAULT 'UTC';

    CREATE TABLE agent_profiles (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      timezone text NOT NULL DEFAULT 'UTC',
      skills jsonb NOT NULL DEFAULT '{}',
      languages text[] NOT NULL DEFAULT '{}',
      regions text[] NOT NULL DEFAULT '{}',
      schedule jsonb,
      capacity_total integer NOT NULL DEFAULT 10 CHECK (capacity_total >= 0),
      capacity_channels jsonb NOT NULL DEFAULT '{}',
      last_assigned_at timestamptz,
      load_total integer NOT NULL DEFAULT 0,
      load_channels jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX agent_profiles_workspace_idx ON agent_profiles (workspace_id);

    ALTER TABLE teams
      ADD COLUMN timezone text NOT NULL DEFAULT 'UTC',
      ADD COLUMN business_hours jsonb,
      ADD COLUMN assignment text NOT NULL DEFAULT 'direct' CHECK (assignment IN ('direct', 'offer')),
      ADD COLUMN offer_timeout_seconds integer NOT NULL DEFAULT 60 CHECK (offer_timeout_seconds BETWEEN 5 AND 3600),
      ADD COLUMN reassign_unanswered_minutes integer CHECK (reassign_unanswered_minutes > 0),
      ADD COLUMN reroute_when_unavailable boolean NOT NULL DEFAULT true;

    CREATE TABLE routing_rule_sets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      version integer,
      status text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
      document jsonb NOT NULL,
      note text,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_by uuid REFERENCES users(id) ON DELETE SET NULL,
      published_at timestamptz,
      CHECK ((status = 'draft') = (version IS NULL)),
      UNIQUE (workspace_id, version)
    );
    CREATE UNIQUE INDEX routing_rule_sets_one_draft ON routing_rule_sets (workspace_id) WHERE status = 'draft';
    CREATE UNIQUE INDEX routing_rule_sets_one_published ON routing_rule_sets (workspace_id) WHERE status = 'published';

    CREATE TABLE sla_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      team_id uuid REFERENCES teams(id) ON DELETE CASCADE,
      min_priority integer NOT NULL DEFAULT 0,
      first_response_minutes integer NOT NULL CHECK (first_response_minutes > 0),
      next_response_minutes integer CHECK (next_response_minutes > 0),
      business_hours boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sla_policies_workspace_idx ON sla_policies (workspace_id);

    ALTER TABLE conversations
      ADD COLUMN channel_kind text,
      ADD COLUMN incident_id uuid,
      ADD COLUMN waiting_since timestamptz,
      ADD COLUMN queue_key timestamptz,
      ADD COLUMN requested_priority integer CHECK (requested_priority BETWEEN -1000 AND 1000),
      ADD COLUMN routed_at timestamptz,
      ADD COLUMN routing_rule text,
      ADD COLUMN routing_explanation jsonb,
      ADD COLUMN escalation_level integer NOT NULL DEFAULT 0,
      ADD COLUMN team_pinned boolean NOT NULL DEFAULT false,
      ADD COLUMN declined_by uuid[] NOT NULL DEFAULT '{}',
      ADD COLUMN offered_to uuid REFERENCES users(id) ON DELETE SET NULL,
      ADD COLUMN offer_expires_at timestamptz,
      ADD COLUMN assigned_at timestamptz,
      ADD COLUMN awaiting_reply_since timestamptz,
      ADD COLUMN first_responded_at timestamptz,
      ADD COLUMN first_response_due_at timestamptz,
      ADD COLUMN next_response_due_at timestamptz,
      ADD COLUMN sla_breached text[] NOT NULL DEFAULT '{}',
      ADD CONSTRAINT conversations_offer_check CHECK ((offered_to IS NULL) = (offer_expires_at IS NULL));

    UPDATE conversations c SET channel_kind = a.kind FROM channel_accounts a WHERE a.id = c.channel_account_id;
    UPDATE conversations SET waiting_since = COALESCE(last_inbound_at, created_at), queue_key = COALESCE(last_inbound_at, created_at) + interval '60 minutes'
      WHERE status = 'open' AND assignee_id IS NULL;

    -- The dispatcher's queue: small (only waiting conversations), read in priority order.
    CREATE INDEX conversations_waiting_idx ON conversations (workspace_id, queue_key, id) WHERE waiting_since IS NOT NULL AND offered_to IS NULL;
    CREATE INDEX conversations_offers_idx ON conversations (offer_expires_at) WHERE offered_to IS NOT NULL;
    CREATE INDEX conversations_sla_idx ON conversations (workspace_id, first_response_due_at, next_response_due_at)
      WHERE first_response_due_at IS NOT NULL OR next_response_due_at IS NOT NULL;

    CREATE FUNCTION centralita_waiting_since() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- An offer only stands while the conversation is open and unassigned (and a deleted user's
      -- offer, set to null by the foreign key, takes its expiry with it).
      IF NEW.status <> 'open' OR NEW.assignee_id IS NOT NULL OR NEW.offered_to IS NULL THEN
        NEW.offered_to := NULL;
        NEW.offer_expires_at := NULL;
      END IF;
      IF NEW.status = 'open' AND NEW.assignee_id IS NULL THEN
        NEW.waiting_since := COALESCE(NEW.waiting_since, now());
        -- Until routing sets it from priority and SLA, a new wait is due an hour after it began.
        NEW.queue_key := COALESCE(NEW.queue_key, NEW.waiting_since + interval '60 minutes');
      ELSE
        NEW.waiting_since := NULL;
        NEW.queue_key := NULL;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER conversations_waiting_since BEFORE INSERT OR UPDATE ON conversations
      FOR EACH ROW EXECUTE FUNCTION centralita_waiting_since();

    CREATE FUNCTION centralita_add_load(p_user uuid, p_kind text, p_delta integer) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE agent_profiles SET load_total = GREATEST(load_total + p_delta, 0),
        load_channels = jsonb_set(load_channels, ARRAY[p_kind], to_jsonb(GREATEST(COALESCE((load_channels ->> p_kind)::int, 0) + p_delta, 0)))
      WHERE user_id = p_user;
      IF NOT FOUND THEN
        -- No profile, or one being created this instant: its creation counts the user's
        -- conversations under this lock, so wait for it and apply the change if it now exists.
        -- Users who never get a profile have no load to keep.
        PERFORM pg_advisory_xact_lock(hashtextextended('load:' || p_user::text, 0));
        UPDATE agent_profiles SET load_total = GREATEST(load_total + p_delta, 0),
          load_channels = jsonb_set(load_channels, ARRAY[p_kind], to_jsonb(GREATEST(COALESCE((load_channels ->> p_kind)::int, 0) + p_delta, 0)))
        WHERE user_id = p_user;
      END IF;
    END $$;

    CREATE FUNCTION centralita_agent_load() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      old_owner uuid;
      new_owner uuid;
      old_kind text;
      new_kind text;
    BEGIN
      IF TG_OP <> 'INSERT' AND OLD.status IN ('open', 'pending') THEN
        old_owner := COALESCE(OLD.assignee_id, OLD.offered_to);
        old_kind := COALESCE(OLD.channel_kind, 'unknown');
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.status IN ('open', 'pending') THEN
        new_owner := COALESCE(NEW.assignee_id, NEW.offered_to);
        new_kind := COALESCE(NEW.channel_kind, 'unknown');
      END IF;
      IF old_owner IS NOT DISTINCT FROM new_owner AND (old_owner IS NULL OR old_kind = new_kind) THEN
        RETURN NULL;
      END IF;
      -- Two agents' rows are always changed in the order of their ids, so two transfers in
      -- opposite directions at once cannot deadlock.
      IF old_owner IS NOT NULL AND new_owner IS NOT NULL AND new_owner < old_owner THEN
        PERFORM centralita_add_load(new_owner, new_kind, 1);
        PERFORM centralita_add_load(old_owner, old_kind, -1);
      ELSE
        IF old_owner IS NOT NULL THEN
          PERFORM centralita_add_load(old_owner, old_kind, -1);
        END IF;
        IF new_owner IS NOT NULL THEN
          PERFORM centralita_add_load(new_owner, new_kind, 1);
        END IF;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER conversations_agent_load AFTER INSERT OR DELETE OR UPDATE OF status, assignee_id, offered_to, channel_kind
      ON conversations FOR EACH ROW EXECUTE FUNCTION centralita_agent_load();

    -- The dispatcher's claim, as a function so PostgreSQL plans it once per connection: planning
    -- the join took longer than running it, on every conversation routed.
    CREATE FUNCTION centralita_claim_waiting(p_workspace uuid, p_before timestamptz)
    RETURNS TABLE (
      id uuid, workspace_id uuid, status text, priority integer, language text, region text, subject text, tags text[],
      team_id uuid, team_pinned boolean, channel_kind text, incident_id uuid, waiting_since timestamptz, created_at timestamptz,
      declined_by uuid[], routing_rule text, escalation_level integer, awaiting_reply_since timestamptz,
      first_responded_at timestamptz, first_response_due_at timestamptz, next_response_due_at timestamptz,
      queue_key timestamptz, routing_explanation jsonb, requested_priority integer,
      contact_country text, contact_timezone text, contact_signals jsonb, last_text text, last_visibility text
    ) LANGUAGE plpgsql AS $$
    DECLARE
      claimed uuid;
    BEGIN
      SELECT w.id INTO claimed FROM conversations w
      WHERE w.workspace_id = p_workspace AND w.waiting_since IS NOT NULL AND w.offered_to IS NULL
        AND (w.routed_at IS NULL OR w.routed_at < p_before)
      ORDER BY w.queue_key, w.id
      LIMIT 1
      FOR NO KEY UPDATE SKIP LOCKED;
      IF claimed IS NULL THEN
        RETURN;
      END IF;
      RETURN QUERY
        SELECT c.id, c.workspace_id, c.status, c.priority, c.language, c.region, c.subject, c.tags, c.team_id, c.team_pinned,
          c.channel_kind, c.incident_id, c.waiting_since, c.created_at, c.declined_by, c.routing_rule, c.escalation_level,
          c.awaiting_reply_since, c.first_responded_at, c.first_response_due_at, c.next_response_due_at,
          c.queue_key, c.routing_explanation, c.requested_priority,
          ct.country, ct.timezone, ct.signals, m.text, m.visibility
        FROM conversations c
        JOIN contacts ct ON ct.id = c.contact_id
        LEFT JOIN LATERAL (
          SELECT mm.text, mm.visibility FROM messages mm
          WHERE mm.conversation_id = c.id AND mm.direction = 'inbound' ORDER BY mm.created_at DESC LIMIT 1
        ) m ON true
        WHERE c.id = claimed;
    END $$;

    CREATE FUNCTION centralita_initial_load() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- See centralita_add_load: a change to this user's conversations committing meanwhile is
      -- either counted here or applied after this row exists, never lost.
      PERFORM pg_advisory_xact_lock(hashtextextended('load:' || NEW.user_id::text, 0));
      SELECT COALESCE(sum(n), 0), COALESCE(jsonb_object_agg(kind, n), '{}') INTO NEW.load_total, NEW.load_channels
      FROM (SELECT COALESCE(channel_kind, 'unknown') AS kind, count(*)::int AS n FROM (
              -- Two index-friendly halves rather than COALESCE(assignee_id, offered_to), which scans.
              SELECT channel_kind FROM conversations
              WHERE workspace_id = NEW.workspace_id AND assignee_id = NEW.user_id AND status IN ('open', 'pending')
              UNION ALL
              SELECT channel_kind FROM conversations
              WHERE offered_to = NEW.user_id AND assignee_id IS NULL AND status IN ('open', 'pending')
            ) held GROUP BY 1) s;
      RETURN NEW;
    END $$;
    CREATE TRIGGER agent_profiles_initial_load BEFORE INSERT ON agent_profiles
      FOR EACH ROW EXECUTE FUNCTION centralita_initial_load();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION centralita_claim_waiting(uuid, timestamptz);
    DROP TRIGGER agent_profiles_initial_load ON agent_profiles;
    DROP FUNCTION centralita_initial_load();
    DROP TRIGGER conversations_agent_load ON conversations;
    DROP TRIGGER conversations_waiting_since ON conversations;
    DROP FUNCTION centralita_agent_load();
    DROP FUNCTION centralita_add_load(uuid, text, integer);
    DROP FUNCTION centralita_waiting_since();
    DROP INDEX conversations_waiting_idx;
    DROP INDEX conversations_offers_idx;
    DROP INDEX conversations_sla_idx;
    ALTER TABLE conversations DROP CONSTRAINT conversations_offer_check,
      DROP COLUMN channel_kind, DROP COLUMN incident_id, DROP COLUMN waiting_since, DROP COLUMN queue_key, DROP COLUMN requested_priority, DROP COLUMN routed_at,
      DROP COLUMN routing_rule, DROP COLUMN routing_explanation, DROP COLUMN escalation_level, DROP COLUMN team_pinned, DROP COLUMN declined_by,
      DROP COLUMN offered_to, DROP COLUMN offer_expires_at, DROP COLUMN assigned_at, DROP COLUMN awaiting_reply_since,
      DROP COLUMN first_responded_at, DROP COLUMN first_response_due_at, DROP COLUMN next_response_due_at, DROP COLUMN sla_breached;
    DROP TABLE sla_policies;
    DROP TABLE routing_rule_sets;
    ALTER TABLE teams DROP COLUMN timezone, DROP COLUMN business_hours, DROP COLUMN assignment,
      DROP COLUMN offer_timeout_seconds, DROP COLUMN reassign_unanswered_minutes, DROP COLUMN reroute_when_unavailable;
    DROP TABLE agent_profiles;
    ALTER TABLE workspaces DROP COLUMN timezone;
  `.execute(db);
}
