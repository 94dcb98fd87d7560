import { type Kysely, type Selectable, sql } from 'kysely';
import type { ConversationsTable, Database } from '../schema.ts';
import { toConversation } from './conversations.ts';
import { decodeCursor, encodeCursor, type Page } from './cursor.ts';
import { type InboxRow, initialsOf, previewOf } from './inbox-rows.ts';

// What an incident's page reads: its linked conversations (as inbox rows), their counts, and the
// numbers of GET /incidents/:id/metrics. Reads only; workspace-scoped like every other query.

/** How many live links an incident has, by channel kind, by region and by status. */
export interface IncidentCounts {
  linked: number;
  byChannel: Record<string, number>;
  byRegion: Record<string, number>;
  open: number;
  resolved: number;
  /** Open ones a person kept out of the incident's resolve. */
  keepOpen: number;
}

/** Counts over the incident's live links, in one statement (grouping sets). */
export async function incidentCounts(db: Kysely<Database>, workspaceId: string, incidentId: string): Promise<IncidentCounts> {
  const { rows } = await sql<{
    channel: string | null;
    region: string | null;
    resolved: boolean | null;
    kept: boolean | null;
    g: number;
    n: string;
  }>`
    SELECT COALESCE(c.channel_kind, 'unknown') AS channel, COALESCE(c.region, 'unknown') AS region,
      (c.status = 'resolved') AS resolved, l.keep_open AS kept,
      GROUPING(COALESCE(c.channel_kind, 'unknown'), COALESCE(c.region, 'unknown'), (c.status = 'resolved'), l.keep_open) AS g,
      count(*) AS n
    FROM incident_links l JOIN conversations c ON c.id = l.conversation_id
    WHERE l.workspace_id = ${workspaceId} AND l.incident_id = ${incidentId} AND l.unlinked_at IS NULL
    GROUP BY GROUPING SETS ((COALESCE(c.channel_kind, 'unknown')), (COALESCE(c.region, 'unknown')), ((c.status = 'resolved'), l.keep_open))`.execute(
    db,
  );
  const out: IncidentCounts = { linked: 0, byChannel: {}, byRegion: {}, open: 0, resolved: 0, keepOpen: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    // GROUPING's bits, first argument highest, set when left out: 7 = by channel only, 11 by region, 12 by status and keep_open.
    if (r.g === 7 && r.channel) out.byChannel[r.channel] = n;
    else if (r.g === 11 && r.region) out.byRegion[r.region] = n;
    else if (r.g === 12) {
      if (r.resolved) out.resolved += n;
      else out.open += n;
      if (!r.resolved && r.kept) out.keepOpen += n;
    }
  }
  out.linked = out.open + out.resolved;
  return out;
}

/** A linked conversation as the incident page lists it: an inbox row and how it came to be linked. */
export type LinkedConversationRow = InboxRow & {
  channelKind: string | null;
  linkedBy: 'auto' | 'user';
  linkedAt: Date;
  keepOpen: boolean;
  /** The words that matched and the region verdict (automatic links), or `{ by: 'user' }`. */
  reasons: Record<string, unknown>;
};

export interface LinkedFilter {
  channelKind?: string;
  /** A region and its subdivisions ("ES" lists ES-MD too), or "unknown" for conversations with none. */
  region?: string;
  /** What an agent may see: these teams' conversations and unteamed ones; null for everyone. */
  visibleTeamIds: string[] | null;
}

type RawLinked = Selectable<ConversationsTable> & {
  l_linked_by: 'auto' | 'user';
  l_linked_at: Date;
  l_keep_open: boolean;
  l_reasons: Record<string, unknown>;
  contact_name: string | null;
  contact_handle: string | null;
  assignee_name: string | null;
  last_text: string | null;
  last_pii: unknown;
  last_direction: 'inbound' | 'outbound' | null;
  sla_due_at: Date | null;
};

/**
 * One page of an incident's linked conversations, most recently linked first. The filter, order
 * and limit run on the links and conversations alone; only the page's rows then join their
 * contact, assignee and last message, as the inbox does.
 */
export async function listLinkedConversations(
  db: Kysely<Database>,
  workspaceId: string,
  incidentId: string,
  filter: LinkedFilter,
  page: { cursor?: string; limit: number; previewText?: (text: string, pii: unknown) => string },
): Promise<Page<LinkedConversationRow>> {
  const conditions = [sql`l.workspace_id = ${workspaceId}`, sql`l.incident_id = ${incidentId}`, sql`l.unlinked_at IS NULL`];
  if (filter.channelKind) conditions.push(sql`c.channel_kind = ${filter.channelKind}`);
  if (filter.region === 'unknown') conditions.push(sql`c.region IS NULL`);
  else if (filter.region) conditions.push(sql`(c.region = ${filter.region} OR c.region LIKE ${`${filter.region}-%`})`);
  if (filter.visibleTeamIds) {
    const teams = filter.visibleTeamIds;
    conditions.push(teams.length > 0 ? sql`(c.team_id IS NULL OR c.team_id = ANY(${teams}::uuid[]))` : sql`c.team_id IS NULL`);
  }
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    conditions.push(sql`(l.linked_at, l.conversation_id) < (${new Date(c.at)}::timestamptz, ${c.id}::uuid)`);
  }
  const { rows } = await sql<RawLinked>`
    SELECT p.*, ct.name AS contact_name, idn.external_id AS contact_handle, u.name AS assignee_name,
      lm.text AS last_text, lm.pii AS last_pii, lm.direction AS last_direction,
      (CASE WHEN p.status <> 'resolved' THEN least(p.first_response_due_at, p.next_response_due_at) END) AS sla_due_at
    FROM (
      SELECT c.*, l.linked_by AS l_linked_by, l.linked_at AS l_linked_at, l.keep_open AS l_keep_open, l.reasons AS l_reasons
      FROM incident_links l JOIN conversations c ON c.id = l.conversation_id
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY l.linked_at DESC, l.conversation_id DESC LIMIT ${page.limit + 1}
    ) p
    JOIN contacts ct ON ct.id = p.contact_id
    LEFT JOIN users u ON u.id = p.assignee_id
    LEFT JOIN LATERAL (
      SELECT left(m.text, 2000) AS text, m.metadata->'pii' AS pii, m.direction FROM messages m
      WHERE m.conversation_id = p.id AND m.direction <> 'note'
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) lm ON true
    LEFT JOIN LATERAL (
      SELECT i.external_id FROM identities i WHERE i.contact_id = p.contact_id ORDER BY i.verified DESC, i.created_at LIMIT 1
    ) idn ON true
    ORDER BY p.l_linked_at DESC, p.id DESC`.execute(db);
  const kept = rows.slice(0, page.limit).map((r) => toLinkedRow(r, page.previewText));
  const last = kept[kept.length - 1];
  return {
    items: kept,
    nextCursor: rows.length > page.limit && last ? encodeCursor({ at: last.linkedAt.toISOString(), id: last.id }) : null,
  };
}

function toLinkedRow(r: RawLinked, previewText?: (text: string, pii: unknown) => string): LinkedConversationRow {
  const {
    l_linked_by,
    l_linked_at,
    l_keep_open,
    l_reasons,
    contact_name,
    contact_handle,
    assignee_name,
    last_text,
    last_pii,
    last_direction,
    sla_due_at,
    ...row
  } = r;
  return {
    ...toConversation(row),
    contact: { id: r.contact_id, name: contact_name, handle: contact_handle, initials: initialsOf(contact_name, contact_handle) },
    preview: last_text === null ? null : previewOf(previewText ? previewText(last_text, last_pii ?? null) : last_text),
    lastMessageDirection: last_direction,
    assignee: r.assignee_id && assignee_name !== null ? { id: r.assignee_id, name: assignee_name } : null,
    // The incident page is not a person's inbox: read marks and drafts are the inbox's.
    unread: false,
    hasDraft: false,
    slaDueAt: sla_due_at,
    slaBreached: r.sla_breached,
    channelKind: r.channel_kind,
    linkedBy: l_linked_by,
    linkedAt: l_linked_at,
    keepOpen: l_keep_open,
    reasons: l_reasons,
  };
}

/** The numbers behind GET /incidents/:id/metrics (see docs/incidents.md#metrics). */
export interface IncidentMetricsRecord {
  bucketMinutes: number;
  /** Linked contacts per bucket, by when the customer wrote the message that linked them. */
  contacts: { at: Date; count: number }[];
  linked: number;
  /** Linked, first answered by a broadcast, and resolved without any agent or bot reply. */
  absorbed: number;
  /** Who answered each linked conversation first. */
  firstResponse: { broadcast: number; agent: number; unanswered: number };
  /** Spend recorded on the linked conversations, per currency, in millionths. */
  cost: { currency: string; costMicros: number }[];
}

export async function incidentMetrics(
  db: Kysely<Database>,
  workspaceId: string,
  incidentId: string,
  bucketMinutes: number,
): Promise<IncidentMetricsRecord> {
  const seconds = bucketMinutes * 60;
  const live = sql`incident_links l WHERE l.workspace_id = ${workspaceId} AND l.incident_id = ${incidentId} AND l.unlinked_at IS NULL`;
  const [buckets, totals, cost] = await Promise.all([
    sql<{ at: Date; n: string }>`
      SELECT to_timestamp(floor(extract(epoch FROM COALESCE((l.reasons->>'messageAt')::timestamptz, l.linked_at)) / ${seconds}) * ${seconds}) AS at,
        count(*) AS n
      FROM ${live} GROUP BY 1 ORDER BY 1`.execute(db),
    sql<{ linked: string; absorbed: string; broadcast: string; agent: string }>`
      SELECT count(*) AS linked,
        count(*) FILTER (WHERE c.status = 'resolved' AND c.first_response_kind = 'broadcast' AND NOT EXISTS (
          SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author_type IN ('agent', 'bot'))) AS absorbed,
        count(*) FILTER (WHERE c.first_response_kind = 'broadcast') AS broadcast,
        count(*) FILTER (WHERE c.first_response_kind = 'agent'
          OR (c.first_response_kind IS NULL AND c.first_responded_at IS NOT NULL)) AS agent
      FROM incident_links l JOIN conversations c ON c.id = l.conversation_id
      WHERE l.workspace_id = ${workspaceId} AND l.incident_id = ${incidentId} AND l.unlinked_at IS NULL`.execute(db),
    sql<{ currency: string; cost: string }>`
      SELECT u.currency, sum(u.cost) AS cost FROM conversation_usage u
      WHERE u.workspace_id = ${workspaceId} AND u.conversation_id IN (SELECT l.conversation_id FROM ${live})
      GROUP BY u.currency ORDER BY u.currency`.execute(db),
  ]);
  const t = totals.rows[0];
  const linked = Number(t?.linked ?? 0);
  const broadcast = Number(t?.broadcast ?? 0);
  const agent = Number(t?.agent ?? 0);
  return {
    bucketMinutes,
    contacts: buckets.rows.map((r) => ({ at: r.at, count: Number(r.n) })),
    linked,
    absorbed: Number(t?.absorbed ?? 0),
    firstResponse: { broadcast, agent, unanswered: Math.max(0, linked - broadcast - agent) },
    cost: cost.rows.map((r) => ({ currency: r.currency, costMicros: Math.round(Number(r.cost) * 1_000_000) })),
  };
}
