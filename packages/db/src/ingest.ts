import type { Conversation, MessageReceivedEvent } from '@centralita/core';
import type { Kysely, Transaction } from 'kysely';
import { lockBatch, readLookups } from './ingest-lookup.ts';
import { type HandoffOutcome, type IngestItem, planBatch } from './ingest-plan.ts';
import { writeBatch } from './ingest-write.ts';
import { toConversation } from './repos/conversations.ts';
import type { NewEvent } from './repos/events.ts';
import { type StoredMessage, toMessage } from './repos/messages.ts';
import type { Database } from './schema.ts';

export type { HandoffOutcome, IngestItem } from './ingest-plan.ts';

export interface IngestTarget {
  workspaceId: string;
  channelAccountId: string;
  reopenWindowMinutes: number;
}

export interface IngestOptions {
  /**
   * A conversation the host already knows the message belongs to (a reply on the customer's
   * portal page, authorised by its token). Adapters never set this.
   */
  conversationId?: string;
  now: Date;
}

/** What happened to one inbound message. */
export interface IngestResult {
  duplicate: boolean;
  messageId: string;
  /** The stored message when this call stored it; null for a duplicate. */
  message: StoredMessage | null;
  conversationId: string;
  /** The conversation as it stands after the batch that stored this message. */
  conversation: Conversation;
  createdConversation: boolean;
  reopened: boolean;
  threadRule: string | null;
  /** Set when the message answered a handoff: joined it, or was only suggested for it (expired, someone else). */
  handoff: HandoffOutcome | null;
}

/** One item's outcome in a batch: its result, or exactly why it alone was refused. */
export type IngestOutcome = ({ ok: true } & IngestResult) | { ok: false; error: Error };

/** The events a committed batch wrote, in commit order, for whoever acts after the commit. */
export interface IngestCommit {
  outcomes: IngestOutcome[];
  events: NewEvent[];
}

/**
 * Work that must commit or roll back with the batch (a customer link, a follow-up job): called
 * inside the transaction with each stored or duplicate item's outcome and its index in the input.
 */
export type InTransaction = (trx: Transaction<Database>, stored: { index: number; outcome: IngestResult }[]) => Promise<void>;

/** The largest batch one transaction takes; larger inputs are cut into batches of this size. */
export const MAX_INGEST_BATCH = 1000;

/** A problem with an event that no database round trip could fix, or null. */
function itemProblem(item: IngestItem): string | null {
  const e = item.event as Partial<MessageReceivedEvent> | undefined;
  if (e?.type !== 'message.received') return 'not a message.received event';
  if (typeof e.externalMessageId !== 'string' || e.externalMessageId.length === 0) return 'externalMessageId is empty';
  if (e.externalMessageId.length > 1000) return 'externalMessageId is longer than 1000 characters';
  if (!e.sender || typeof e.sender.kind !== 'string' || !e.sender.kind) return 'sender.kind is empty';
  if (typeof e.sender.externalId !== 'string' || e.sender.externalId.trim() === '') return 'sender.externalId is empty';
  if (typeof e.text !== 'string') return 'text is not a string';
  if (e.visibility !== 'public' && e.visibility !== 'private') return `visibility ${String(e.visibility)} is neither public nor private`;
  if (!e.thread || typeof e.thread !== 'object') return 'thread hints are missing';
  if (e.origin !== undefined && e.origin !== 'proactive')
    return `origin ${String(e.origin)} is not proactive (leave it out for a customer's message)`;
  return null;
}

/**
 * Stores a batch of inbound messages of one channel account exactly once, threaded, in one
 * transaction of set-based statements (a fixed number per batch, not per message). Items keep
 * their order: a contact's second message in the batch threads after its first. An item that is
 * malformed, or that makes the transaction fail, is refused alone with its own error: the
 * batch is cut in halves until the failing item stands by itself, and the others are stored.
 */
export async function ingestMany(
  db: Kysely<Database>,
  target: IngestTarget,
  items: readonly IngestItem[],
  options: { now: Date; inTransaction?: InTransaction },
): Promise<IngestCommit> {
  const outcomes: IngestOutcome[] = new Array(items.length);
  const events: NewEvent[] = [];
  const valid: number[] = [];
  items.forEach((item, i) => {
    const problem = itemProblem(item);
    if (problem) outcomes[i] = { ok: false, error: new Error(`Refused message: ${problem}.`) };
    else valid.push(i);
  });
  for (let start = 0; start < valid.length; start += MAX_INGEST_BATCH) {
    await ingestIndexes(db, target, items, valid.slice(start, start + MAX_INGEST_BATCH), options, outcomes, events);
  }
  return { outcomes, events };
}

async function ingestIndexes(
  db: Kysely<Database>,
  target: IngestTarget,
  items: readonly IngestItem[],
  indexes: number[],
  options: { now: Date; inTransaction?: InTransaction },
  outcomes: IngestOutcome[],
  events: NewEvent[],
): Promise<void> {
  if (indexes.length === 0) return;
  try {
    const batch = indexes.map((i) => items[i] as IngestItem);
    const committed = await db.transaction().execute(async (trx) => {
      const result = await ingestTransaction(trx, target, batch, options.now);
      if (options.inTransaction) {
        const stored = result.outcomes.flatMap((o, k) => (o.ok ? [{ index: indexes[k] as number, outcome: stripOk(o) }] : []));
        await options.inTransaction(trx, stored);
      }
      return result;
    });
    committed.outcomes.forEach((o, k) => {
      outcomes[indexes[k] as number] = o;
    });
    events.push(...committed.events);
  } catch (err) {
    if (indexes.length === 1) {
      outcomes[indexes[0] as number] = { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
      return;
    }
    // Find the item that broke it: each half in its own transaction, in order.
    const half = Math.ceil(indexes.length / 2);
    await ingestIndexes(db, target, items, indexes.slice(0, half), options, outcomes, events);
    await ingestIndexes(db, target, items, indexes.slice(half), options, outcomes, events);
  }
}

function stripOk(o: { ok: true } & IngestResult): IngestResult {
  const { ok: _ok, ...result } = o;
  return result;
}

async function ingestTransaction(
  trx: Transaction<Database>,
  target: IngestTarget,
  batch: IngestItem[],
  now: Date,
): Promise<{ outcomes: IngestOutcome[]; events: NewEvent[] }> {
  await lockBatch(trx, target, batch);
  const account = await trx
    .selectFrom('channel_accounts')
    .select('kind')
    .where('id', '=', target.channelAccountId)
    .where('workspace_id', '=', target.workspaceId)
    .executeTakeFirst();
  if (!account) throw new Error(`No channel account ${target.channelAccountId} in workspace ${target.workspaceId}.`);
  const lookups = await readLookups(trx, target, batch, now);
  const plan = planBatch(batch, lookups, target, now);
  const written = await writeBatch(trx, { ...target, channelKind: account.kind }, plan);
  // Duplicates answer with their conversation as it stands.
  const missing = [...new Set(plan.outcomes.map((o) => o.conversationId).filter((id) => !written.conversations.has(id)))];
  if (missing.length > 0) {
    const rows = await trx.selectFrom('conversations').selectAll().where('id', 'in', missing).execute();
    for (const r of rows) written.conversations.set(r.id, r);
  }
  const outcomes: IngestOutcome[] = plan.outcomes.map((o) => {
    const conversation = toConversation(
      written.conversations.get(o.conversationId) as NonNullable<ReturnType<typeof written.conversations.get>>,
    );
    if (o.kind === 'duplicate') {
      return {
        ok: true,
        duplicate: true,
        messageId: o.messageId,
        message: null,
        conversationId: o.conversationId,
        conversation,
        createdConversation: false,
        reopened: false,
        threadRule: null,
        handoff: null,
      };
    }
    const row = written.messages.get(o.messageId);
    return {
      ok: true,
      duplicate: false,
      messageId: o.messageId,
      message: row ? toMessage(row) : null,
      conversationId: o.conversationId,
      conversation,
      createdConversation: o.created,
      reopened: o.reopened,
      threadRule: o.threadRule,
      handoff: o.handoff,
    };
  });
  return { outcomes, events: plan.events };
}

/**
 * Stores one inbound message exactly once and threads it: a batch of one. Concurrent deliveries
 * of the same message, or of two messages from the same person, are serialised by
 * transaction-scoped advisory locks, so a webhook delivered twice at the same instant still
 * yields one message and one conversation.
 */
export async function ingestMessage(
  db: Kysely<Database>,
  target: IngestTarget,
  event: MessageReceivedEvent,
  options: IngestOptions,
): Promise<IngestResult> {
  const item: IngestItem = options.conversationId ? { event, conversationId: options.conversationId } : { event };
  const [outcome] = (await ingestMany(db, target, [item], { now: options.now })).outcomes;
  if (!outcome) throw new Error('ingest returned no outcome');
  if (!outcome.ok) throw outcome.error;
  return stripOk(outcome);
}
