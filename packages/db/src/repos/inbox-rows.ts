import { CentralitaError, type Conversation } from '@centralita/core';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { ConversationsTable, Database } from '../schema.ts';
import { type ConversationFilter, filterConversations, toConversation } from './conversations.ts';
import type { Page } from './cursor.ts';

/** The orders the inbox offers; each is a total order, so paging never skips or repeats a row. */
export const INBOX_SORTS = ['newest', 'oldest_waiting', 'sla_due', 'priority'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/** A conversation as an inbox row: the conversation plus what an agent reads at a glance. */
export type InboxRow = Conversation & {
  contact: { id: string; name: string | null; handle: string | null; initials: string };
  /** The last reply or customer message (never a note), plain text, at most 140 characters. */
  preview: string | null;
  lastMessageDirection: 'inbound' | 'outbound' | null;
  assignee: { id: string; name: string } | null;
  /** A customer message arrived after the signed-in user's read mark. */
  unread: boolean;
  /** The signed-in user has an unsent draft here. */
  hasDraft: boolean;
  /** The earliest SLA deadline still running (first or next response), or null. */
  slaDueAt: Date | null;
  slaBreached: string[];
};

interface SortKey {
  expr: RawBuilder<unknown>;
  dir: 'asc' | 'desc';
  nullable: boolean;
  cast: 'timestamptz' | 'integer';
}

// How long the customer has waited: in the queue unassigned, or for an answer to their message.
const waitedSince = sql`least(waiting_since, awaiting_reply_since)`;
const slaDue = sql`CASE WHEN status <> 'resolved' THEN least(first_response_due_at, next_response_due_at) END`;
const newest: SortKey = { expr: sql`last_message_at`, dir: 'desc', nullable: false, cast: 'timestamptz' };

const SORTS: Record<InboxSort, { keys: SortKey[]; id: 'asc' | 'desc' }> = {
  newest: { keys: [newest], id: 'desc' },
  oldest_waiting: { keys: [{ expr: waitedSince, dir: 'asc', nullable: true, cast: 'timestamptz' }, newest], id: 'asc' },
  sla_due: { keys: [{ expr: slaDue, dir: 'asc', nullable: true, cast: 'timestamptz' }, newest], id: 'asc' },
  priority: {
    keys: [
      { expr: sql`priority`, dir: 'desc', nullable: false, cast: 'integer' },
      { expr: waitedSince, dir: 'asc', nullable: true, cast: 'timestamptz' },
      newest,
    ],
    id: 'asc',
  },
};

/** The sort keys of the last row of a page, as PostgreSQL printed them (microseconds kept). */
interface InboxCursor {
  sort: InboxSort;
  keys: (string | null)[];
  id: string;
}

function encode(c: InboxCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.keys, c.id])).toString('base64url');
}

function decode(raw: string, sort: InboxSort): InboxCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const [s, keys, id] = Array.isArray(parsed) ? parsed : [];
  const ok =
    s === sort &&
    Array.isArray(keys) &&
    keys.length === SORTS[sort].keys.length &&
    keys.every((k) => k === null || (typeof k === 'string' && k.length <= 64 && /^[0-9:+\-. T]+$/.test(k))) &&
    typeof id === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  if (!ok) {
    throw new CentralitaError('bad_request', `The cursor is not one this server issued for sort=${sort}; start from the first page.`);
  }
  return { sort, keys: keys as (string | null)[], id: id as string };
}

/** Rows strictly after the cursor in the sort's order (NULLS LAST on every key). */
function after(sort: InboxSort, c: InboxCursor): RawBuilder<boolean> {
  const { keys, id } = SORTS[sort];
  const value = (i: number) => sql`${c.keys[i]}::${sql.raw(keys[i]?.cast ?? 'text')}`;
  const equal = (i: number) => {
    const k = keys[i] as SortKey;
    return c.keys[i] === null ? sql`(${k.expr}) IS NULL` : sql`(${k.expr}) = ${value(i)}`;
  };
  const beyond = (i: number) => {
    const k = keys[i] as SortKey;
    if (c.keys[i] === null) return null;
    const cmp = sql`(${k.expr}) ${sql.raw(k.dir === 'asc' ? '>' : '<')} ${value(i)}`;
    return k.nullable ? sql`(${cmp} OR (${k.expr}) IS NULL)` : cmp;
  };
  const alternatives: RawBuilder<unknown>[] = [];
  for (let i = 0; i <= keys.length; i++) {
    const prefix = Array.from({ length: i }, (_, j) => equal(j));
    const last = i < keys.length ? beyond(i) : sql`id ${sql.raw(id === 'asc' ? '>' : '<')} ${c.id}::uuid`;
    if (last) alternatives.push(sql.join([...prefix, last], sql` AND `));
  }
  return sql<boolean>`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` OR `,
  )})`;
}

export type RawInboxRow = Selectable<ConversationsTable> & {
  contact_name: string | null;
  contact_handle: string | null;
  assignee_name: string | null;
  last_text: string | null;
  /** The last message's `metadata.pii`: what the privacy guard found in it (0018). */
  last_pii: unknown;
  last_direction: 'inbound' | 'outbound' | null;
  unread: boolean;
  has_draft: boolean;
  sla_due_at: Date | null;
  [key: `sort_${string}`]: string | null;
};

/** Which page of inbox rows, in which order, for whom. */
export interface InboxPage {
  cursor?: string;
  limit: number;
  sort: InboxSort;
  /** The signed-in user whose read marks and drafts count; null for an API token. */
  userId: string | null;
  /**
   * Rewrites the last message's text before the preview is cut from it, with what the privacy
   * guard found in it (its `metadata.pii`, or null): the server masks personal data here for
   * readers without `pii.view`, while the offsets still fit the whole text.
   */
  previewText?: (text: string, pii: unknown) => string;
}

/**
 * One page of inbox rows in the chosen order. The filter, order and limit run first on
 * conversations alone; only the page's rows then join their contact, assignee, read mark,
 * draft and last message (one backward index step per row), so a page costs the same
 * whatever the workspace holds.
 */
export async function listInboxRows(
  db: Kysely<Database>,
  workspaceId: string,
  filter: ConversationFilter,
  page: InboxPage,
): Promise<Page<InboxRow>> {
  const { keys } = SORTS[page.sort];
  const { rows } = await inboxRowsQuery(db, workspaceId, filter, page).execute(db);
  const kept = rows.slice(0, page.limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map((r) => toInboxRow(r, page.previewText)),
    nextCursor:
      rows.length > page.limit && last
        ? encode({ sort: page.sort, keys: keys.map((_, i) => last[`sort_k${i}`] ?? null), id: last.id })
        : null,
  };
}

/** The statement behind `listInboxRows` (`limit + 1` rows), exported so its plan can be checked. */
export function inboxRowsQuery(
  db: Kysely<Database>,
  workspaceId: string,
  filter: ConversationFilter,
  page: InboxPage,
): RawBuilder<RawInboxRow> {
  const { keys, id } = SORTS[page.sort];
  // NULLS LAST only where a key can be null: on the others it would not match the list index's order.
  const order = sql.join([
    ...keys.map((k) => sql`${k.expr} ${sql.raw(k.dir)}${sql.raw(k.nullable ? ' NULLS LAST' : '')}`),
    sql`id ${sql.raw(id)}`,
  ]);
  let inner = filterConversations(db.selectFrom('conversations').selectAll('conversations'), workspaceId, filter).select([
    ...keys.map((k, i) => sql<string | null>`(${k.expr})::text`.as(`sort_k${i}`)),
    sql<string>`row_number() OVER (ORDER BY ${order})`.as('sort_pos'),
  ]);
  if (page.cursor) inner = inner.where(after(page.sort, decode(page.cursor, page.sort)));
  const innerSql = sql`${inner} ORDER BY ${order} LIMIT ${page.limit + 1}`;
  // Without a user (an API token) nobody's read mark or draft matches: nothing is unread.
  const me = page.userId ?? '00000000-0000-0000-0000-000000000000';
  return sql<RawInboxRow>`
    SELECT p.*, ct.name AS contact_name, idn.external_id AS contact_handle, u.name AS assignee_name,
      lm.text AS last_text, lm.pii AS last_pii, lm.direction AS last_direction,
      (${page.userId !== null} AND p.last_inbound_at IS NOT NULL AND (r.read_up_to IS NULL OR p.last_inbound_at > r.read_up_to)) AS unread,
      (d.user_id IS NOT NULL) AS has_draft,
      (CASE WHEN p.status <> 'resolved' THEN least(p.first_response_due_at, p.next_response_due_at) END) AS sla_due_at
    FROM (${innerSql}) p
    JOIN contacts ct ON ct.id = p.contact_id
    LEFT JOIN users u ON u.id = p.assignee_id
    LEFT JOIN conversation_reads r ON r.user_id = ${me}::uuid AND r.conversation_id = p.id
    LEFT JOIN conversation_drafts d ON d.user_id = ${me}::uuid AND d.conversation_id = p.id
    LEFT JOIN LATERAL (
      SELECT left(m.text, 2000) AS text, m.metadata->'pii' AS pii, m.direction FROM messages m
      WHERE m.conversation_id = p.id AND m.direction <> 'note'
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) lm ON true
    LEFT JOIN LATERAL (
      SELECT i.external_id FROM identities i WHERE i.contact_id = p.contact_id ORDER BY i.verified DESC, i.created_at LIMIT 1
    ) idn ON true
    ORDER BY p.sort_pos`;
}

function toInboxRow(r: RawInboxRow, previewText?: InboxPage['previewText']): InboxRow {
  const { contact_name, contact_handle, assignee_name, last_text, last_pii, last_direction, unread, has_draft, sla_due_at, ...row } = r;
  for (const k of Object.keys(row)) if (k.startsWith('sort_')) delete (row as Record<string, unknown>)[k];
  return {
    ...toConversation(row as Selectable<ConversationsTable>),
    contact: { id: r.contact_id, name: contact_name, handle: contact_handle, initials: initialsOf(contact_name, contact_handle) },
    preview: last_text === null ? null : previewOf(previewText ? previewText(last_text, last_pii ?? null) : last_text),
    lastMessageDirection: last_direction,
    assignee: r.assignee_id && assignee_name !== null ? { id: r.assignee_id, name: assignee_name } : null,
    unread,
    hasDraft: has_draft,
    slaDueAt: sla_due_at,
    slaBreached: r.sla_breached,
  };
}

/** The text on one line, white space collapsed, cut at `max` characters with an ellipsis. */
export function previewOf(text: string, max = 140): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * One or two capital letters for an avatar: the first and last word of the name, else of the
 * address or handle before its @ ("ana.garcia@x" is AG), else "?".
 */
export function initialsOf(name: string | null, handle: string | null): string {
  const fromWords = (s: string) => {
    const words = s.split(/[^\p{L}\p{N}]+/u).filter((w) => /^\p{L}/u.test(w));
    const first = words[0];
    const lastWord = words.length > 1 ? words[words.length - 1] : undefined;
    return [first, lastWord]
      .filter((w): w is string => w !== undefined)
      .map((w) => (Array.from(w)[0] ?? '').toLocaleUpperCase())
      .join('');
  };
  const byName = name ? fromWords(name) : '';
  if (byName) return byName;
  const local = handle ? (handle.replace(/^@/, '').split('@')[0] ?? '') : '';
  return fromWords(local) || '?';
}
