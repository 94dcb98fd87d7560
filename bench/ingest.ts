import { randomUUID } from 'node:crypto';
import type { MessageReceivedEvent } from '@centralita/core';
import * as centralitaDb from '@centralita/db';
import { connect, createChannelAccount, createWorkspace, type Db, type IngestResult, type IngestTarget } from '@centralita/db';
import type { TestDatabase } from '@centralita/testing';
import { backendCpu, countStatements, nodeCpuMsSince, observerPool } from './cost.ts';

/**
 * The batched ingest as this bench calls it. Its input is each event with itself under `event`
 * too, so it serves both shapes the function has had while being built (events, or items
 * `{ event }`); its answer is read as an array of results or as `{ outcomes }`.
 */
type IngestMany = (db: centralitaDb.Db['kysely'], target: IngestTarget, events: unknown[], options: { now: Date }) => Promise<unknown>;

function resultsOf(answer: unknown): IngestResult[] {
  const list = Array.isArray(answer) ? answer : (answer as { outcomes?: unknown } | null)?.outcomes;
  if (!Array.isArray(list)) throw new Error('ingestMany answered neither a list of results nor { outcomes }');
  return list.map((o: { ok?: boolean; error?: Error } & IngestResult) => {
    if (o.ok === false) throw o.error ?? new Error('ingestMany refused a bench message');
    return o;
  });
}

let oneByOne = false;

/** Measures `ingestMessage` one by one even where `ingestMany` exists (`--ingest-one-by-one`), to compare the two. */
export function measureOneByOne(): void {
  oneByOne = true;
}

/** Messages per ingestMany call, when the package has it. */
export const BATCH_SIZE = 100;

/**
 * The batched ingest if @centralita/db exports one (`ingestMany(db, target, events, options)`,
 * one result per event in order, one transaction per batch), else null: decided at run time, so
 * this bench measures whichever the package offers without being edited when it lands.
 */
export function ingestManyIfAvailable(): IngestMany | null {
  if (oneByOne) return null;
  const candidate = (centralitaDb as Record<string, unknown>).ingestMany;
  return typeof candidate === 'function' ? (candidate as IngestMany) : null;
}

/** Which ingest path `ingestBatch` takes, in words for the printed line. */
export function ingestPathName(concurrency: number): string {
  return ingestManyIfAvailable()
    ? `ingestMany, batches of ${BATCH_SIZE}, ${concurrency} batches at a time`
    : `ingestMessage, one transaction per message, ${concurrency} at a time`;
}

/**
 * Stores `events` through the package's ingest: with `ingestMany` in batches of BATCH_SIZE, up to
 * `concurrency` batches at a time; without it, `concurrency` workers each calling `ingestMessage`
 * for the next event. Resolves once all are stored, with one result per event in order.
 */
export async function ingestBatch(
  db: Db,
  target: IngestTarget,
  events: MessageReceivedEvent[],
  concurrency: number,
): Promise<IngestResult[]> {
  const many = ingestManyIfAvailable();
  const results: IngestResult[] = new Array(events.length);
  const step = many ? BATCH_SIZE : 1;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) {
        const from = next;
        next += step;
        const slice = events.slice(from, from + step);
        const out = many
          ? resultsOf(
              await many(
                db.kysely,
                target,
                slice.map((e) => ({ ...e, event: e })),
                { now: new Date() },
              ),
            )
          : [await centralitaDb.ingestMessage(db.kysely, target, slice[0] as MessageReceivedEvent, { now: new Date() })];
        if (out.length !== slice.length) throw new Error(`ingestMany returned ${out.length} results for ${slice.length} events`);
        for (let k = 0; k < out.length; k++) results[from + k] = out[k] as IngestResult;
      }
    }),
  );
  return results;
}

/** Bench message `i`: one in four from one of 250 returning contacts (threading joins), the rest from new ones. */
export function benchEvent(i: number): MessageReceivedEvent {
  return {
    type: 'message.received',
    externalMessageId: `m-${i}`,
    occurredAt: new Date(),
    sender: { kind: 'bench', externalId: senderOf(i), verified: true },
    text: `message ${i}: the router in the living room has been blinking red since this morning`,
    visibility: 'private',
    thread: { contactThread: true },
  };
}

function senderOf(i: number): string {
  return i % 4 === 0 ? `r-${i % 1000}` : `n-${i}`;
}

/** The first 1,000 messages start every returning contact's conversation: run them before timing. */
const WARMUP = 1_000;

/** A sustained rate, and what each message cost. */
export interface IngestFigure {
  messages: number;
  seconds: number;
  perSecond: number;
  statementsPerMessage: number;
  nodeCpuMsPerMessage: number;
  pgCpuMsPerMessage: number | null;
  /** Statements by their first words, over the measured window. */
  byText: Map<string, number>;
  msByText: Map<string, number>;
}

async function sustained(
  testDb: TestDatabase,
  concurrency: number,
  durationMs: number,
  write: (db: Db, target: IngestTarget, from: number, count: number) => Promise<void>,
  block: number,
): Promise<IngestFigure> {
  const db = connect(testDb.url, { max: concurrency + 2, applicationName: 'bench-ingest' });
  const statements = countStatements(db.pool);
  const observer = observerPool(testDb.url);
  try {
    const ws = await createWorkspace(db.kysely, { slug: `ingest-${Date.now()}`, name: 'Bench ingest' });
    const acct = await createChannelAccount(db.kysely, {
      workspaceId: ws.id,
      kind: 'bench',
      name: 'Bench',
      settings: {},
      secretsEncrypted: null,
    });
    const target = { workspaceId: ws.id, channelAccountId: acct.id, reopenWindowMinutes: 60 };
    await write(db, target, 0, WARMUP);
    statements.reset();
    const pgCpu = await backendCpu(observer, new URL(testDb.url).pathname.slice(1));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = WARMUP;
    while (performance.now() - t0 < durationMs) {
      await write(db, target, next, block);
      next += block;
    }
    const seconds = (performance.now() - t0) / 1000;
    const nodeMs = nodeCpuMsSince(cpu0);
    const pgMs = await pgCpu.stop();
    const messages = next - WARMUP;
    const stored = await db.pool.query<{ m: string; w: string }>(
      `SELECT (SELECT count(*) FROM messages WHERE channel_account_id = $1) AS m,
              (SELECT count(*) FROM conversations WHERE channel_account_id = $1 AND waiting_since IS NULL) AS w`,
      [acct.id],
    );
    if (Number(stored.rows[0]?.m) !== next) throw new Error(`${next} messages written but ${stored.rows[0]?.m} stored`);
    if (Number(stored.rows[0]?.w) !== 0) throw new Error(`${stored.rows[0]?.w} conversations are not waiting in the routing queue`);
    return {
      messages,
      seconds,
      perSecond: messages / seconds,
      statementsPerMessage: statements.count / messages,
      nodeCpuMsPerMessage: nodeMs / messages,
      pgCpuMsPerMessage: pgMs === null ? null : pgMs / messages,
      byText: new Map(statements.byText),
      msByText: new Map(statements.msByText),
    };
  } finally {
    await observer.end();
    await db.close();
  }
}

/**
 * Ingest sustained for `durationMs` (stored, threaded, evented, the conversation waiting in the
 * routing queue) through `ingestBatch`, `concurrency` at a time, on a fresh database.
 */
export function benchIngest(testDb: TestDatabase, concurrency: number, durationMs: number): Promise<IngestFigure> {
  const block = ingestManyIfAvailable() ? BATCH_SIZE * concurrency * 2 : 50 * concurrency;
  return sustained(
    testDb,
    concurrency,
    durationMs,
    async (db, target, from, count) => {
      await ingestBatch(
        db,
        target,
        Array.from({ length: count }, (_, k) => benchEvent(from + k)),
        concurrency,
      );
    },
    block,
  );
}

/** Builds `INSERT INTO table (cols) VALUES ($1, ...), (...)` for rows of values. */
function multiRow(table: string, columns: string[], rows: unknown[][]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => `$${values.push(v)}`).join(', ')})`);
  return { text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values };
}

/**
 * The ceiling: the rows ingest writes for the same messages (a contact, identity and conversation
 * for each new sender; a message and its events for each message) written by bare multi-row
 * INSERTs of up to 100 messages in one transaction, `concurrency` transactions at a time, with no
 * lookups, locks or threading. Ids are made here, and a returning sender's conversation is looked
 * up in memory.
 */
export function benchRawCeiling(testDb: TestDatabase, concurrency: number, durationMs: number): Promise<IngestFigure> {
  const known = new Map<string, { contact: string; conversation: string }>();
  const chunk = async (db: Db, target: IngestTarget, from: number, count: number) => {
    const now = new Date();
    const contacts: unknown[][] = [];
    const identities: unknown[][] = [];
    const conversations: unknown[][] = [];
    const messages: unknown[][] = [];
    const events: unknown[][] = [];
    const ws = target.workspaceId;
    for (let i = from; i < from + count; i++) {
      const e = benchEvent(i);
      const sender = e.sender.externalId;
      let who = known.get(sender);
      if (!who) {
        who = { contact: randomUUID(), conversation: randomUUID() };
        if (sender.startsWith('r-')) known.set(sender, who);
        contacts.push([who.contact, ws, '{}']);
        identities.push([ws, who.contact, 'bench', sender, true]);
        conversations.push([who.conversation, ws, who.contact, target.channelAccountId, 'open', now, now, 'bench', now, now, now]);
        events.push([
          ws,
          who.conversation,
          'conversation.created',
          'contact',
          who.contact,
          JSON.stringify({ channelAccountId: target.channelAccountId }),
        ]);
      }
      const messageId = randomUUID();
      messages.push([
        messageId,
        ws,
        who.conversation,
        target.channelAccountId,
        'inbound',
        'private',
        'contact',
        who.contact,
        e.text,
        e.externalMessageId,
        'received',
        '{}',
        now,
      ]);
      events.push([
        ws,
        who.conversation,
        'message.received',
        'contact',
        who.contact,
        JSON.stringify({ messageId, channelAccountId: target.channelAccountId }),
      ]);
    }
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      if (contacts.length) {
        const q = multiRow('contacts', ['id', 'workspace_id', 'signals'], contacts);
        await client.query(q.text, q.values);
        const i = multiRow('identities', ['workspace_id', 'contact_id', 'kind', 'external_id', 'verified'], identities);
        await client.query(i.text, i.values);
        const c = multiRow(
          'conversations',
          [
            'id',
            'workspace_id',
            'contact_id',
            'channel_account_id',
            'status',
            'last_message_at',
            'last_inbound_at',
            'channel_kind',
            'waiting_since',
            'awaiting_reply_since',
            'created_at',
          ],
          conversations,
        );
        await client.query(c.text, c.values);
      }
      const m = multiRow(
        'messages',
        [
          'id',
          'workspace_id',
          'conversation_id',
          'channel_account_id',
          'direction',
          'visibility',
          'author_type',
          'author_id',
          'text',
          'external_id',
          'delivery_state',
          'metadata',
          'created_at',
        ],
        messages,
      );
      await client.query(m.text, m.values);
      const ev = multiRow('events', ['workspace_id', 'conversation_id', 'type', 'actor_type', 'actor_id', 'data'], events);
      await client.query(ev.text, ev.values);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  return sustained(
    testDb,
    concurrency,
    durationMs,
    async (db, target, from, count) => {
      // `concurrency` transactions of 100 messages at a time.
      const starts: number[] = [];
      for (let s = from; s < from + count; s += 100) starts.push(s);
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < starts.length) {
            const s = starts[next++] as number;
            await chunk(db, target, s, Math.min(100, from + count - s));
          }
        }),
      );
    },
    100 * concurrency * 2,
  );
}
