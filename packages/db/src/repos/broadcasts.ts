import type { Conversation } from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { IncidentBroadcastsTable } from '../schema-incidents.ts';
import { toConversation } from './conversations.ts';
import { type StoredMessage, toMessage } from './messages.ts';

// An incident's status updates (docs/incidents.md, "Broadcasts"): the broadcast row, one
// recipient row per linked conversation, and the messages the fan-out job queues for them.

export type BroadcastKind = IncidentBroadcastsTable['kind'];
export type BroadcastState = IncidentBroadcastsTable['state'];

export interface BroadcastRecord {
  id: string;
  workspaceId: string;
  incidentId: string;
  kind: BroadcastKind;
  text: string;
  variants: string[];
  options: Record<string, unknown>;
  state: BroadcastState;
  recipients: number;
  estimate: Record<string, unknown> | null;
  createdBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

function toBroadcast(r: Selectable<IncidentBroadcastsTable>): BroadcastRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    incidentId: r.incident_id,
    kind: r.kind,
    text: r.text,
    variants: r.variants,
    options: r.options,
    state: r.state,
    recipients: r.recipients,
    estimate: r.estimate,
    createdBy: r.created_by,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/** One live linked conversation with where its customer wrote last: what a broadcast is planned from. */
export interface AudienceRow {
  conversationId: string;
  priority: number;
  contactId: string;
  /** The contact's name, else the display name (X handle) of their first identity. */
  name: string | null;
  conversationAccountId: string;
  /** The customer's latest inbound message (automated mail aside), or null when they never wrote. */
  latest: {
    channelAccountId: string;
    visibility: 'public' | 'private';
    externalId: string | null;
    metadata: Record<string, unknown>;
    createdAt: Date;
  } | null;
}

/**
 * The incident's live links, each with the customer's latest message, in one statement: planning
 * 20,000 conversations one query at a time would take longer than sending to them.
 */
export async function broadcastAudience(
  db: Kysely<Database>,
  workspaceId: string,
  incidentId: string,
  conversationIds?: readonly string[],
): Promise<AudienceRow[]> {
  const only = conversationIds ? sql`AND c.id = ANY(${[...conversationIds]}::uuid[])` : sql``;
  const { rows } = await sql<{
    id: string;
    priority: number;
    contact_id: string;
    name: string | null;
    channel_account_id: string;
    l_account: string | null;
    l_visibility: 'public' | 'private' | null;
    l_external_id: string | null;
    l_metadata: Record<string, unknown> | null;
    l_created_at: Date | null;
  }>`
    SELECT c.id, c.priority, c.contact_id, c.channel_account_id,
      COALESCE(co.name, (SELECT i.display_name FROM identities i WHERE i.contact_id = c.contact_id AND i.display_name IS NOT NULL
        ORDER BY i.created_at LIMIT 1)) AS name,
      li.channel_account_id AS l_account, li.visibility AS l_visibility, li.external_id AS l_external_id,
      li.metadata AS l_metadata, li.created_at AS l_created_at
    FROM incident_links l
    JOIN conversations c ON c.id = l.conversation_id AND c.workspace_id = l.workspace_id
    LEFT JOIN contacts co ON co.id = c.contact_id
    LEFT JOIN LATERAL (
      SELECT m.channel_account_id, m.visibility, m.external_id, m.metadata, m.created_at FROM messages m
      WHERE m.conversation_id = c.id AND m.direction = 'inbound' AND m.automated IS NULL
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) li ON true
    WHERE l.workspace_id = ${workspaceId} AND l.incident_id = ${incidentId} AND l.unlinked_at IS NULL ${only}
    ORDER BY c.priority DESC, c.id`.execute(db);
  return rows.map((r) => ({
    conversationId: r.id,
    priority: r.priority,
    contactId: r.contact_id,
    name: r.name,
    conversationAccountId: r.channel_account_id,
    latest:
      r.l_account && r.l_visibility && r.l_created_at
        ? {
            channelAccountId: r.l_account,
            visibility: r.l_visibility,
            externalId: r.l_external_id,
            metadata: r.l_metadata ?? {},
            createdAt: r.l_created_at,
          }
        : null,
  }));
}

/** One planned recipient: the lane it goes on, or why it is skipped. */
export interface NewRecipient {
  conversationId: string;
  priority: number;
  channelAccountId: string | null;
  channelKind: string | null;
  visibility: 'public' | 'private' | null;
  skipReason: string | null;
}

export interface NewBroadcast {
  workspaceId: string;
  incidentId: string;
  kind: BroadcastKind;
  text: string;
  variants: string[];
  options: Record<string, unknown>;
  estimate: Record<string, unknown>;
  createdBy: string | null;
  now: Date;
  recipients: NewRecipient[];
}

/**
 * The broadcast and every recipient row, in the caller's transaction (with the fan-out job). The
 * database's own clock is kept as `options.pacedFrom`: send jobs run by it, so the pacing of each
 * channel is counted from it, whatever clock the node was given.
 */
export async function insertBroadcast(trx: Transaction<Database>, b: NewBroadcast): Promise<BroadcastRecord> {
  const row = await trx
    .insertInto('incident_broadcasts')
    .values({
      workspace_id: b.workspaceId,
      incident_id: b.incidentId,
      kind: b.kind,
      text: b.text,
      variants: JSON.stringify(b.variants),
      options: sql`${JSON.stringify(b.options)}::jsonb || jsonb_build_object('pacedFrom', now())`,
      state: 'fanning_out',
      recipients: b.recipients.length,
      estimate: JSON.stringify(b.estimate),
      created_by: b.createdBy,
      created_at: b.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // 9 parameters a row: well under PostgreSQL's 65,535 per statement.
  for (let i = 0; i < b.recipients.length; i += 2_000) {
    await trx
      .insertInto('broadcast_recipients')
      .values(
        b.recipients.slice(i, i + 2_000).map((r) => ({
          broadcast_id: row.id,
          conversation_id: r.conversationId,
          workspace_id: b.workspaceId,
          state: r.skipReason ? ('skipped' as const) : ('pending' as const),
          priority: Math.max(-32_000, Math.min(32_000, r.priority)),
          channel_account_id: r.channelAccountId,
          channel_kind: r.channelKind,
          visibility: r.visibility,
          skip_reason: r.skipReason,
        })),
      )
      .execute();
  }
  return toBroadcast(row);
}

/**
 * Serialises the starts of one incident's broadcasts until the transaction ends, and returns one
 * of this kind and text that is still fanning out or sending: a double click must not send twice.
 */
export async function lockLiveBroadcast(
  trx: Transaction<Database>,
  where: { workspaceId: string; incidentId: string; kind: BroadcastKind; text: string },
): Promise<BroadcastRecord | null> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`broadcast-start:${where.incidentId}`}, 0))`.execute(trx);
  const row = await trx
    .selectFrom('incident_broadcasts')
    .selectAll()
    .where('workspace_id', '=', where.workspaceId)
    .where('incident_id', '=', where.incidentId)
    .where('kind', '=', where.kind)
    .where('text', '=', where.text)
    .where('state', 'in', ['fanning_out', 'sending'])
    .limit(1)
    .executeTakeFirst();
  return row ? toBroadcast(row) : null;
}

/** Every broadcast still sending, of every workspace: the periodic settle looks whether each is done. */
export async function listSendingBroadcasts(db: Kysely<Database>): Promise<{ id: string; workspaceId: string }[]> {
  const rows = await db.selectFrom('incident_broadcasts').select(['id', 'workspace_id']).where('state', '=', 'sending').execute();
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
}

export async function findBroadcast(db: Kysely<Database>, workspaceId: string, id: string): Promise<BroadcastRecord | null> {
  const row = await db
    .selectFrom('incident_broadcasts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toBroadcast(row) : null;
}

export async function listBroadcasts(db: Kysely<Database>, workspaceId: string, incidentId: string): Promise<BroadcastRecord[]> {
  const rows = await db
    .selectFrom('incident_broadcasts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('incident_id', '=', incidentId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toBroadcast);
}

export async function setBroadcastState(
  db: Kysely<Database>,
  id: string,
  from: readonly BroadcastState[],
  to: BroadcastState,
  now: Date | null,
): Promise<boolean> {
  const res = await db
    .updateTable('incident_broadcasts')
    .set({ state: to, ...(now ? { finished_at: now } : {}) })
    .where('id', '=', id)
    .where('state', 'in', [...from])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Counts of a broadcast's recipients by where they stand. */
export interface BroadcastTotals {
  recipients: number;
  pending: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  skipped: number;
}

export interface BroadcastLane extends BroadcastTotals {
  channelAccountId: string | null;
  kind: string | null;
  visibility: 'public' | 'private' | null;
}

export interface BroadcastProgress {
  totals: BroadcastTotals;
  byChannel: BroadcastLane[];
  failures: { conversationId: string; channelKind: string | null; reason: string }[];
  skipped: { reason: string; count: number }[];
}

/**
 * Where each recipient stands, from the recipients and their messages' delivery state (a receipt
 * that says delivered or read counts as delivered). Every recipient is in exactly one count.
 */
export async function broadcastProgress(db: Kysely<Database>, workspaceId: string, broadcastId: string): Promise<BroadcastProgress> {
  const { rows } = await sql<{
    account: string | null;
    kind: string | null;
    visibility: 'public' | 'private' | null;
    stage: string;
    n: string;
  }>`
    SELECT r.channel_account_id AS account, r.channel_kind AS kind, r.visibility,
      CASE WHEN r.state <> 'queued' THEN r.state
        WHEN m.delivery_state IS NULL THEN 'failed'
        WHEN m.delivery_state IN ('delivered', 'read') THEN 'delivered'
        ELSE m.delivery_state END AS stage,
      count(*) AS n
    FROM broadcast_recipients r LEFT JOIN messages m ON m.id = r.message_id
    WHERE r.broadcast_id = ${broadcastId} AND r.workspace_id = ${workspaceId}
    GROUP BY 1, 2, 3, 4`.execute(db);
  const empty = (): BroadcastTotals => ({ recipients: 0, pending: 0, queued: 0, sent: 0, delivered: 0, failed: 0, skipped: 0 });
  const totals = empty();
  const lanes = new Map<string, BroadcastLane>();
  for (const r of rows) {
    const key = `${r.account}:${r.visibility}`;
    const lane = lanes.get(key) ?? { channelAccountId: r.account, kind: r.kind, visibility: r.visibility, ...empty() };
    lanes.set(key, lane);
    const n = Number(r.n);
    const stage = (r.stage in totals ? r.stage : 'queued') as keyof BroadcastTotals;
    for (const t of [totals, lane]) {
      t[stage] += n;
      t.recipients += n;
    }
  }
  const failures = await db
    .selectFrom('broadcast_recipients as r')
    .leftJoin('messages as m', 'm.id', 'r.message_id')
    .select(['r.conversation_id', 'r.channel_kind', 'm.failure_reason'])
    .where('r.broadcast_id', '=', broadcastId)
    .where('r.state', '=', 'queued')
    .where((eb) => eb.or([eb('m.delivery_state', '=', 'failed'), eb('m.id', 'is', null)]))
    .orderBy('r.priority', 'desc')
    .orderBy('r.conversation_id')
    .limit(100)
    .execute();
  const skipped = await db
    .selectFrom('broadcast_recipients')
    .select(['skip_reason', (eb) => eb.fn.countAll<string>().as('n')])
    .where('broadcast_id', '=', broadcastId)
    .where('state', '=', 'skipped')
    .groupBy('skip_reason')
    .orderBy('n', 'desc')
    .execute();
  return {
    totals,
    byChannel: [...lanes.values()],
    failures: failures.map((f) => ({
      conversationId: f.conversation_id,
      channelKind: f.channel_kind,
      reason: f.failure_reason ?? 'The message was deleted before it was sent.',
    })),
    skipped: skipped.map((s) => ({ reason: s.skip_reason ?? 'skipped', count: Number(s.n) })),
  };
}

/**
 * Stops what a broadcast has not sent: pending recipients are skipped and its queued messages fail
 * with `reason` (their send jobs then find nothing queued and end). Messages a send job is writing
 * at this moment may still go out. Returns the messages failed, for the consoles.
 */
export async function cancelBroadcast(
  db: Kysely<Database>,
  where: { workspaceId: string; broadcastId: string },
  reason: string,
  now: Date,
): Promise<{ message: StoredMessage; conversation: Conversation }[] | null> {
  return db.transaction().execute(async (trx) => {
    const cancelled = await trx
      .updateTable('incident_broadcasts')
      .set({ state: 'cancelled', finished_at: now })
      .where('workspace_id', '=', where.workspaceId)
      .where('id', '=', where.broadcastId)
      .where('state', 'in', ['fanning_out', 'sending'])
      .returning('id')
      .executeTakeFirst();
    if (!cancelled) return null;
    await trx
      .updateTable('broadcast_recipients')
      .set({ state: 'skipped', skip_reason: reason })
      .where('broadcast_id', '=', where.broadcastId)
      .where('state', '=', 'pending')
      .execute();
    const failed = await trx
      .updateTable('messages')
      .set({ delivery_state: 'failed', failure_reason: reason })
      .where('workspace_id', '=', where.workspaceId)
      .where('delivery_state', '=', 'queued')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('broadcast_recipients')
          .select('message_id')
          .where('broadcast_id', '=', where.broadcastId)
          .where('state', '=', 'queued'),
      )
      .returningAll()
      .execute();
    // Their send jobs would only find nothing queued, hours later on a slow lane: gone now (a
    // job already running is not removed, and finds the message failed).
    await sql`SELECT graphile_worker.remove_job(k) FROM unnest(${failed.map((m) => `send:${m.id}`)}::text[]) AS k`.execute(trx);
    const convs = failed.length
      ? await trx
          .selectFrom('conversations')
          .selectAll()
          // One array parameter: a list of 20,000 would pass PostgreSQL's 65,535 parameters.
          .where(sql<boolean>`id = ANY(${failed.map((m) => m.conversation_id)}::uuid[])`)
          .execute()
      : [];
    const byId = new Map(convs.map((c) => [c.id, toConversation(c)]));
    return failed.map((m) => ({ message: toMessage(m), conversation: byId.get(m.conversation_id) as Conversation }));
  });
}
