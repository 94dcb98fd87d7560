import { type Actor, CentralitaError, type Conversation, type Message } from '@centralita/core';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database, MessagesTable } from '../schema.ts';
import { type AttachmentInfo, attachPendingUploads, listAttachments } from './attachments.ts';
import { toConversation } from './conversations.ts';
import { decodeCursor, type Page, toPage } from './cursor.ts';
import { appendEvent } from './events.ts';

/** A stored message as the API shows it. */
export interface StoredMessage extends Message {
  subject: string | null;
  threadRule: string | null;
  metadata: Record<string, unknown>;
  /** Sanitised HTML (email); remote images are held back until an agent allows them. */
  html: string | null;
  /** The whole original text, when `text` is trimmed of quoted history and signature. */
  fullText: string | null;
  /** Set for out-of-office replies and bounces, which never reopen or re-queue anything. */
  automated: 'auto_reply' | 'bounce' | null;
  /**
   * Why a queued reply waits instead of going out ("Waiting for budget: ...", "X answered 402: ...");
   * null when it is not held. A held reply is still `queued`, never failed.
   */
  holdReason: string | null;
  attachments: AttachmentInfo[];
}

/** Maps a row to the API's message shape. */
export function toMessage(r: Selectable<MessagesTable>): StoredMessage {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    channelAccountId: r.channel_account_id,
    direction: r.direction,
    visibility: r.visibility,
    authorType: r.author_type,
    authorId: r.author_id,
    text: r.text,
    subject: r.subject,
    externalId: r.external_id,
    threadRule: r.thread_rule,
    deliveryState: r.delivery_state,
    failureReason: r.failure_reason,
    metadata: r.metadata,
    html: r.html,
    fullText: r.full_text,
    automated: r.automated,
    holdReason: r.hold_reason,
    attachments: [],
    createdAt: r.created_at,
  };
}

/**
 * A message with its files, for answers and live events that carry one message: an event that
 * replaced the console's copy with an empty list would hide the files until a reload.
 */
/** A message row as the API gives it, with its files. */
export async function withFiles(db: Kysely<Database>, r: Selectable<MessagesTable>): Promise<StoredMessage> {
  const m = toMessage(r);
  m.attachments = (await listAttachments(db, r.workspace_id, [r.id])).map(({ storageKey: _key, ...info }) => info);
  return m;
}

/** The conversation's messages oldest first, one page at a time. */
export async function listMessages(
  db: Kysely<Database>,
  workspaceId: string,
  conversationId: string,
  page: { cursor?: string; limit: number },
): Promise<Page<StoredMessage>> {
  let q = db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('conversation_id', '=', conversationId);
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    q = q.where(sql<boolean>`(created_at, id) > (${new Date(c.at)}, ${c.id}::uuid)`);
  }
  const rows = await q
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(page.limit + 1)
    .execute();
  const result = toPage(rows, page.limit, toMessage, (m) => m.createdAt);
  const files = await listAttachments(
    db,
    workspaceId,
    result.items.map((m) => m.id),
  );
  for (const m of result.items) {
    m.attachments = files.filter((f) => f.messageId === m.id).map(({ storageKey: _key, ...info }) => info);
  }
  return result;
}

export interface NewAgentMessage {
  workspaceId: string;
  conversationId: string;
  kind: 'reply' | 'note';
  /** Defaults to the channel's usual visibility, decided by the caller. */
  visibility: 'public' | 'private';
  text: string;
  author: Actor;
  idempotencyKey?: string;
  /** The agent allowed splitting a text over the channel's limit into numbered parts. */
  allowSplit?: boolean;
  /** The author's pending uploads (`POST /attachments`) the message carries; the caller checked the channel takes files. */
  attachmentIds?: readonly string[];
  /**
   * The approved template a reply sends instead of free text (WhatsApp outside its window), with
   * its category for pricing; `text` is then the rendered template.
   */
  template?: { name: string; language: string; parameters: Record<string, string>; category: string } | null;
  /** The external id of the customer's message the reply quotes. */
  quotedExternalId?: string | null;
  /**
   * The account the reply goes out on, when not the conversation's own: a conversation spans
   * channels, and the agent (or a handoff) picks where to answer.
   */
  channelAccountId?: string;
  /** Extras kept with the message: `to`, an address a handoff mail goes to; `handoffId`. */
  metadata?: Record<string, unknown>;
  now: Date;
}

/**
 * Stores an agent's reply or internal note. A reply is queued for sending in the same transaction
 * (a `send_message` job), so a crash between "send" and the channel accepting it loses nothing.
 * The same idempotency key from the same author returns the first message instead of a second.
 */
export async function createAgentMessage(
  db: Kysely<Database>,
  m: NewAgentMessage,
): Promise<{ message: StoredMessage; created: boolean; conversation: Conversation }> {
  return db.transaction().execute((trx) => insertAgentMessage(trx, m));
}

/** `createAgentMessage` inside a transaction the caller holds (a conversation started with it). */
export async function insertAgentMessage(
  trx: Transaction<Database>,
  m: NewAgentMessage,
): Promise<{ message: StoredMessage; created: boolean; conversation: Conversation }> {
  {
    const conv = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('workspace_id', '=', m.workspaceId)
      .where('id', '=', m.conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conv) throw new CentralitaError('not_found', `No conversation ${m.conversationId} in this workspace.`);
    const current = toConversation(conv);
    if (m.idempotencyKey) {
      const prior = await trx
        .selectFrom('messages')
        .selectAll()
        .where('workspace_id', '=', m.workspaceId)
        .where('author_id', '=', m.author.id)
        .where('idempotency_key', '=', m.idempotencyKey)
        .executeTakeFirst();
      if (prior) {
        if (prior.conversation_id !== m.conversationId || prior.text !== m.text) {
          throw new CentralitaError(
            'conflict',
            'This Idempotency-Key was already used for a different message; use a new key for a new message.',
          );
        }
        return { message: await withFiles(trx, prior), created: false, conversation: current };
      }
    }
    const isReply = m.kind === 'reply';
    const row = await trx
      .insertInto('messages')
      .values({
        workspace_id: m.workspaceId,
        conversation_id: m.conversationId,
        channel_account_id: m.channelAccountId ?? conv.channel_account_id,
        direction: isReply ? 'outbound' : 'note',
        visibility: isReply ? m.visibility : 'private',
        author_type: m.author.type === 'user' ? 'agent' : 'bot',
        author_id: m.author.id,
        text: m.text,
        delivery_state: isReply ? 'queued' : 'received',
        idempotency_key: m.idempotencyKey ?? null,
        metadata: JSON.stringify({
          ...(m.metadata ?? {}),
          ...(m.allowSplit ? { allowSplit: true } : {}),
          ...(m.template ? { template: m.template } : {}),
          ...(m.quotedExternalId ? { quotedExternalId: m.quotedExternalId } : {}),
        }),
        created_at: m.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const files = m.attachmentIds?.length
      ? await attachPendingUploads(trx, {
          workspaceId: m.workspaceId,
          ownerId: m.author.id,
          messageId: row.id,
          ids: m.attachmentIds,
          now: m.now,
        })
      : [];
    const updated = await trx
      .updateTable('conversations')
      .set(
        // A reply answers the customer, unless the system sent it (an automatic notice): a person
        // has still to answer, so the clocks keep running.
        isReply && m.author.type !== 'system'
          ? {
              last_message_at: m.now,
              awaiting_reply_since: null,
              first_responded_at: sql<Date>`COALESCE(first_responded_at, ${m.now})`,
              // Reports tell a person's first answer from a broadcast's (repos/broadcasts.ts).
              first_response_kind: sql<'agent' | 'broadcast'>`COALESCE(first_response_kind, 'agent')`,
              first_response_due_at: null,
              next_response_due_at: null,
            }
          : { last_message_at: m.now },
      )
      .where('id', '=', m.conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvent(trx, {
      workspaceId: m.workspaceId,
      conversationId: m.conversationId,
      type: isReply ? 'message.queued' : 'note.added',
      actor: m.author,
      data: { messageId: row.id },
    });
    if (isReply) await queueSend(trx, m.workspaceId, row.id);
    return { message: { ...toMessage(row), attachments: files }, created: true, conversation: toConversation(updated) };
  }
}

/**
 * Adds the job that sends a reply; job_key makes a re-queue of the same message a no-op rather
 * than a second send. The job's priority is the conversation's, so when a channel's cap holds
 * replies back (X's DMs per day) the most urgent conversations go first once it reopens.
 */
async function queueSend(db: Kysely<Database>, workspaceId: string, messageId: string): Promise<void> {
  await sql`SELECT graphile_worker.add_job('send_message', json_build_object('messageId', ${messageId}::text, 'workspaceId', ${workspaceId}::text), job_key => ${`send:${messageId}`}, max_attempts => 10,
    priority => (SELECT -LEAST(GREATEST(c.priority, -32000), 32000) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ${messageId}::uuid))`.execute(
    db,
  );
}

/**
 * Sends a failed reply again, as the agent asked: back to `queued` with a fresh job. Anything but
 * a failed reply of this conversation is a conflict, so a double click cannot send twice.
 */
export async function retryFailedMessage(
  db: Kysely<Database>,
  where: { workspaceId: string; conversationId: string; messageId: string },
  actor: Actor,
): Promise<StoredMessage> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('messages')
      .set({ delivery_state: 'queued', failure_reason: null })
      .where('workspace_id', '=', where.workspaceId)
      .where('conversation_id', '=', where.conversationId)
      .where('id', '=', where.messageId)
      .where('direction', '=', 'outbound')
      .where('delivery_state', '=', 'failed')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new CentralitaError('conflict', 'Only a reply whose sending failed can be sent again.');
    await appendEvent(trx, {
      workspaceId: where.workspaceId,
      conversationId: where.conversationId,
      type: 'message.queued',
      actor,
      data: { messageId: row.id, retry: true },
    });
    await queueSend(trx, where.workspaceId, row.id);
    return withFiles(trx, row);
  });
}

/** One message by id within the workspace, or null. */
export async function findMessage(db: Kysely<Database>, workspaceId: string, id: string): Promise<StoredMessage | null> {
  const row = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? withFiles(db, row) : null;
}

/** External ids of the parts of a reply that earlier attempts delivered, in order; empty when none. */
export async function sentParts(db: Kysely<Database>, workspaceId: string, messageId: string): Promise<string[]> {
  const row = await db
    .selectFrom('send_progress')
    .select('parts')
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row?.parts ?? [];
}

/**
 * Records that part `index` of a reply went out as `externalId`. Parts are recorded in order: a
 * part already recorded (a repeated call) or one out of order changes nothing, so the list is
 * always the prefix of parts the customer has.
 */
export async function recordSentPart(
  db: Kysely<Database>,
  where: { workspaceId: string; messageId: string },
  index: number,
  externalId: string,
): Promise<void> {
  if (index === 0) {
    await db
      .insertInto('send_progress')
      .values({ workspace_id: where.workspaceId, message_id: where.messageId, parts: [externalId] })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
    return;
  }
  await db
    .updateTable('send_progress')
    .set({ parts: sql`array_append(parts, ${externalId})`, updated_at: sql`now()` })
    .where('workspace_id', '=', where.workspaceId)
    .where('message_id', '=', where.messageId)
    .where(sql<number>`cardinality(parts)`, '=', index)
    .execute();
}

/** Forgets a reply's part-by-part progress once the whole reply is recorded as sent. */
export async function clearSentParts(db: Kysely<Database>, workspaceId: string, messageId: string): Promise<void> {
  await db.deleteFrom('send_progress').where('workspace_id', '=', workspaceId).where('message_id', '=', messageId).execute();
}
