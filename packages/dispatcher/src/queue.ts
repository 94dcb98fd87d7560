import type { Database } from '@centralita/db';
import { customerTimezone, DEFAULT_LANGUAGES, detectLanguage, type RoutingConversation } from '@centralita/routing';
import { type Kysely, sql } from 'kysely';
import type { Snapshot } from './snapshot.ts';

export interface ClaimedRow {
  id: string;
  workspace_id: string;
  status: string;
  priority: number;
  language: string | null;
  region: string | null;
  subject: string | null;
  tags: string[];
  team_id: string | null;
  team_pinned: boolean;
  channel_kind: string | null;
  incident_id: string | null;
  waiting_since: Date;
  created_at: Date;
  declined_by: string[];
  routing_rule: string | null;
  escalation_level: number;
  awaiting_reply_since: Date | null;
  first_responded_at: Date | null;
  first_response_due_at: Date | null;
  next_response_due_at: Date | null;
  queue_key: Date | null;
  routing_explanation: unknown;
  requested_priority: number | null;
  /** How the conversation began (0013): a customer wrote, or a saved search found it. */
  origin: 'customer' | 'proactive';
  contact_country: string | null;
  contact_timezone: string | null;
  contact_signals: { followers?: number; verified?: boolean };
  last_text: string | null;
  last_visibility: 'public' | 'private' | null;
}

/**
 * Claims up to `limit` of the most urgent waiting conversations nobody else is routing, locking
 * them until the transaction ends. NO KEY UPDATE, not UPDATE: a row that another transaction
 * merely refers to (a new portal link or event points at it, taking a key-share lock) must not be
 * skipped. Urgency is the queue key (an effective deadline from priority, aging and SLA; see
 * queueKey), read in index order. `before` leaves out what this run already looked at, so a
 * conversation that must wait is not claimed again and again. (centralita_claim_waiting_batch,
 * migration 0009, also joins the contact and the latest inbound message.)
 */
export async function claimBatch(trx: Kysely<Database>, workspaceId: string, before: Date, limit: number): Promise<ClaimedRow[]> {
  const result = await sql<ClaimedRow>`SELECT * FROM centralita_claim_waiting_batch(${workspaceId}, ${before}, ${limit})`.execute(trx);
  return result.rows;
}

/** The routing view of a claimed conversation; detects its language when no channel said it. */
export function toRoutingConversation(
  row: ClaimedRow,
  snap: Snapshot,
): { conversation: RoutingConversation; detectedLanguage: string | null } {
  const text = row.last_text ?? '';
  let language = row.language;
  let detectedLanguage: string | null = null;
  if (!language && text) {
    detectedLanguage = detectLanguage(`${row.subject ?? ''} ${text}`, snap.languages.length > 1 ? snap.languages : DEFAULT_LANGUAGES);
    language = detectedLanguage;
  }
  const team = row.team_id ? snap.teams.get(row.team_id) : undefined;
  const { timezone } = customerTimezone({
    channel: row.contact_timezone,
    country: row.contact_country ?? row.region,
    team: team?.timezone ?? null,
    fallback: snap.timezone,
  });
  return {
    detectedLanguage,
    conversation: {
      id: row.id,
      channel: row.channel_kind ?? 'unknown',
      public: row.last_visibility === 'public',
      language: primaryLanguage(language),
      country: row.contact_country ? row.contact_country.toUpperCase() : null,
      region: row.region ? row.region.toUpperCase() : null,
      timezone,
      text,
      subject: row.subject,
      tags: row.tags,
      priority: row.requested_priority ?? 0,
      followers: row.contact_signals.followers ?? 0,
      verified: row.contact_signals.verified ?? false,
      incidentId: row.incident_id,
      // Not in the snapshot only when it was declared since and `withIncidents` was not run first.
      incident: row.incident_id
        ? (snap.incidents.get(row.incident_id) ?? { id: row.incident_id, services: [], regions: [], title: '' })
        : null,
      proactive: row.origin === 'proactive',
      teamId: row.team_id,
      teamPinned: row.team_pinned,
      waitingSince: row.waiting_since,
      createdAt: row.created_at,
      declinedBy: row.declined_by,
    },
  };
}

/** The routing view of one conversation, read without locking (for previews). */
export async function readRoutingRow(db: Kysely<Database>, workspaceId: string, conversationId: string): Promise<ClaimedRow | null> {
  const result = await sql<ClaimedRow>`
    SELECT c.id, c.workspace_id, c.status, c.priority, c.language, c.region, c.subject, c.tags, c.team_id, c.team_pinned,
      c.channel_kind, c.incident_id, COALESCE(c.waiting_since, c.created_at) AS waiting_since, c.created_at, c.declined_by,
      c.routing_rule, c.escalation_level, c.awaiting_reply_since, c.first_responded_at, c.first_response_due_at, c.next_response_due_at,
      c.queue_key, c.routing_explanation, c.requested_priority, c.origin,
      ct.country AS contact_country, ct.timezone AS contact_timezone, ct.signals AS contact_signals,
      m.text AS last_text, m.visibility AS last_visibility
    FROM conversations c
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN LATERAL (
      SELECT text, visibility FROM messages
      WHERE conversation_id = c.id AND direction = 'inbound' ORDER BY created_at DESC LIMIT 1
    ) m ON true
    WHERE c.id = ${conversationId} AND c.workspace_id = ${workspaceId}`.execute(db);
  return result.rows[0] ?? null;
}

/** "pt-BR" and "pt_br" are Portuguese to routing: agents list languages, not locales. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary ? primary : null;
}
