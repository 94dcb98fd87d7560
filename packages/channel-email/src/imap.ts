import type { ChannelContext, EmitResult } from '@centralita/channel-kit';
import type { InboundEvent } from '@centralita/core';
import { ImapFlow } from 'imapflow';
import type { EmailConfig } from './config.ts';
import { toEvents } from './events.ts';
import { parseEmail, quarantinedEmail } from './parse.ts';

/** Where reading stopped: a UID is only meaningful with the UIDVALIDITY it was read under. */
export interface Checkpoint {
  uidValidity: string;
  lastUid: number;
}

/** A message the host refuses this many times in a row is stored quarantined instead (see `drain`). */
const MAX_ATTEMPTS = 3;

/**
 * What the reader of one account remembers across connections: a refusal drops the connection,
 * and what it taught must survive the reconnect.
 */
export interface ReaderMemory {
  /** How many times in a row the host refused each message, by `UIDVALIDITY:UID`. */
  refusals: Map<string, number>;
  /**
   * Set when the host rejected a batch of several messages whole: up to this UID, messages are
   * stored one per batch, so the one at fault (if one is) is counted alone.
   */
  oneByOneThrough: Checkpoint | null;
}

export function readerMemory(): ReaderMemory {
  return { refusals: new Map(), oneByOneThrough: null };
}

export function checkpointKey(mailbox: string): string {
  return `imap:${mailbox}`;
}

/** The IMAP client for an account, with the TLS mode it asks for. */
export function imapClient(config: EmailConfig, options: { autoIdleDelay?: number } = {}): ImapFlow {
  return new ImapFlow({
    host: config.imapHost,
    port: config.imapPort,
    secure: config.imapTls === 'implicit',
    // `starttls` insists on the upgrade; `none` never tries it.
    doSTARTTLS: config.imapTls === 'starttls' ? true : config.imapTls === 'none' ? false : undefined,
    auth: { user: config.imapUser, pass: config.imapPassword },
    tls: { rejectUnauthorized: config.verifyCertificates },
    logger: false,
    // IDLE as soon as a pass over the mailbox ends, so new mail is announced at once.
    autoIdleDelay: options.autoIdleDelay ?? 200,
    // Renew IDLE well within the 30 minutes servers allow and NAT boxes forget.
    maxIdleTime: 5 * 60_000,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
  });
}

/**
 * One IMAP connection's life: open the mailbox, read everything after the checkpoint, then wait in
 * IDLE (or poll) for more. Messages are stored in UID order, a chunk at a time in one transaction,
 * and the checkpoint follows them, so a drop or a restart never skips a message, and what it
 * re-reads the host already holds (each Message-ID is stored once). Resolves when `signal` aborts; rejects when the connection drops,
 * and the caller reconnects with backoff.
 */
export async function imapSession(
  config: EmailConfig,
  ctx: ChannelContext,
  signal: AbortSignal,
  memory: ReaderMemory = readerMemory(),
): Promise<void> {
  const client = imapClient(config);
  let wake: (() => void) | null = null;
  let closed: ((err: Error) => void) | null = null;
  let pending = true;
  const closedPromise = new Promise<never>((_, reject) => {
    closed = reject;
  });
  closedPromise.catch(() => undefined);
  client.on('error', (err: Error) => ctx.logger.warn({ error: err.message }, 'IMAP connection error'));
  client.on('close', () => closed?.(new Error('the IMAP connection closed')));
  client.on('exists', () => {
    pending = true;
    wake?.();
  });
  const onAbort = () => {
    wake?.();
    client.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(config.mailbox);
    const key = checkpointKey(config.mailbox);
    const uidValidity = String(mailbox.uidValidity);
    let checkpoint = parseCheckpoint(await ctx.store.getCursor(key));
    if (!checkpoint || checkpoint.uidValidity !== uidValidity) {
      if (checkpoint) {
        // The server renumbered the mailbox: read it again; Message-IDs keep every message once.
        ctx.logger.warn(
          { mailbox: config.mailbox, was: checkpoint.uidValidity, now: uidValidity },
          'UIDVALIDITY changed; re-reading the mailbox',
        );
      }
      const lastUid = !checkpoint && !config.importExisting ? Math.max(0, (mailbox.uidNext ?? 1) - 1) : 0;
      checkpoint = { uidValidity, lastUid };
      await ctx.store.setCursor(key, JSON.stringify(checkpoint));
    }
    ctx.logger.info({ mailbox: config.mailbox, idle: client.capabilities.has('IDLE'), lastUid: checkpoint.lastUid }, 'IMAP mailbox open');
    while (!signal.aborted) {
      if (pending) {
        pending = false;
        checkpoint = await drain(client, config, ctx, checkpoint, memory, signal);
        continue;
      }
      // IDLE runs by itself between commands; the timer is the fallback for servers without it
      // (and a safety net for a missed notification).
      await Promise.race([
        new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, config.pollSeconds * 1000).unref();
        }),
        closedPromise,
      ]);
      wake = null;
      pending = true;
      if (signal.aborted) return;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    client.removeAllListeners('close');
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  }
}

function parseCheckpoint(value: string | null): Checkpoint | null {
  if (!value) return null;
  try {
    const c = JSON.parse(value) as Checkpoint;
    return typeof c.uidValidity === 'string' && Number.isInteger(c.lastUid) ? c : null;
  } catch {
    return null;
  }
}

/** A message of a chunk, read and turned into the events to store (an `Error` when that failed). */
interface ReadMessage {
  uid: number;
  /** Its key in `ReaderMemory.refusals`. */
  key: string;
  raw: Buffer;
  events: InboundEvent[] | Error;
}

/** Reads every message after the checkpoint, oldest first, and returns the new checkpoint. */
async function drain(
  client: ImapFlow,
  config: EmailConfig,
  ctx: ChannelContext,
  start: Checkpoint,
  memory: ReaderMemory,
  signal: AbortSignal,
): Promise<Checkpoint> {
  const cursorKey = checkpointKey(config.mailbox);
  let checkpoint = start;
  let saved = start;
  const save = async () => {
    if (checkpoint === saved) return;
    await ctx.store.setCursor(cursorKey, JSON.stringify(checkpoint));
    saved = checkpoint;
  };
  // `N:*` also matches the highest UID when it is below N, hence the filter.
  const sizes = new Map<number, number>();
  for await (const m of client.fetch(`${start.lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
    if (m.uid > start.lastUid) sizes.set(m.uid, m.size ?? 0);
  }
  const uids = [...sizes.keys()].sort((a, b) => a - b);
  // Stored, so flagged or moved when asked: also those past a refused message, which the
  // checkpoint does not pass.
  const done: number[] = [];
  try {
    // Sources come in chunks (one FETCH each, bounded in count and bytes) rather than one round
    // trip per message, and each chunk's events are stored in one transaction (`emitMany`), in UID
    // order. The checkpoint moves past the longest run of the chunk that was stored; a crash
    // inside a chunk re-reads at most that chunk, and the host stores each Message-ID once, so
    // nothing is repeated.
    for (const chunk of chunks(uids, sizes, config.maxMessageBytes)) {
      if (signal.aborted) break;
      const messages = await readChunk(client, config, ctx, checkpoint.uidValidity, chunk, sizes);
      // Whether every message of the chunk so far is stored, so the checkpoint may follow.
      let intact = true;
      const stored = (uid: number) => {
        done.push(uid);
        if (intact) checkpoint = { uidValidity: checkpoint.uidValidity, lastUid: uid };
      };
      for (const batch of batches(messages, memory, checkpoint.uidValidity)) {
        const events = batch.flatMap((m) => (m.events instanceof Error ? [] : m.events));
        let results: (EmitResult | Error)[];
        try {
          results = events.length > 0 ? await ctx.emitMany(events) : [];
        } catch (err) {
          // Nothing of the batch was stored (the host is down, or one message fails it whole):
          // it counts as a refusal of its first message, the one the checkpoint waits on, as when
          // messages went one by one, and until past this batch they go one by one again, so a
          // message that fails a whole batch is found, counted and in the end quarantined.
          const first = batch[0] as ReadMessage;
          if (batch.length > 1) {
            memory.refusals.set(first.key, (memory.refusals.get(first.key) ?? 0) + 1);
            memory.oneByOneThrough = { uidValidity: checkpoint.uidValidity, lastUid: (batch.at(-1) as ReadMessage).uid };
            await save();
            throw err;
          }
          results = events.map(() => asError(err));
        }
        let refusal: Error | null = null;
        let at = 0;
        for (const m of batch) {
          const count = m.events instanceof Error ? 0 : m.events.length;
          const own = m.events instanceof Error ? [m.events] : results.slice(at, at + count);
          at += count;
          const err = own.find((r): r is Error => r instanceof Error);
          if (!err) {
            memory.refusals.delete(m.key);
            stored(m.uid);
            continue;
          }
          const attempts = (memory.refusals.get(m.key) ?? 0) + 1;
          memory.refusals.set(m.key, attempts);
          if (attempts < MAX_ATTEMPTS) {
            // What was stored before this message stays stored, and reading resumes at it; the
            // messages after it in the batch were stored all the same.
            intact = false;
            refusal ??= err;
            continue;
          }
          // One message the host keeps refusing must not hold back everything behind it: it is
          // stored quarantined, with its source. If even that is refused, the host is down rather
          // than the message bad: the count starts again and reading waits, losing nothing.
          ctx.logger.error({ uid: m.uid, attempts, error: err.message }, 'storing a message the host keeps refusing as quarantined');
          try {
            await storeQuarantined(m.raw, config, ctx, err);
            memory.refusals.delete(m.key);
            stored(m.uid);
          } catch (again) {
            memory.refusals.delete(m.key);
            intact = false;
            refusal ??= asError(again);
          }
        }
        if (refusal) {
          await save();
          throw refusal;
        }
      }
      if (memory.oneByOneThrough && memory.oneByOneThrough.lastUid <= checkpoint.lastUid) memory.oneByOneThrough = null;
      await save();
    }
  } finally {
    // Only what is stored, and only while the connection stands (a refusal leaves it up).
    if (done.length > 0 && config.afterProcessing !== 'none' && client.usable) await afterProcessing(client, config, ctx, done);
  }
  return checkpoint;
}

/** A chunk's sources in one FETCH (headers alone for an oversized message), parsed into events. */
async function readChunk(
  client: ImapFlow,
  config: EmailConfig,
  ctx: ChannelContext,
  uidValidity: string,
  chunk: number[],
  sizes: Map<number, number>,
): Promise<ReadMessage[]> {
  const small = chunk.filter((uid) => (sizes.get(uid) ?? 0) <= config.maxMessageBytes);
  const sources = new Map<number, Buffer>();
  if (small.length > 0) {
    for await (const m of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) {
      if (m.source) sources.set(m.uid, m.source);
    }
  }
  const out: ReadMessage[] = [];
  for (const uid of chunk) {
    const raw = sources.get(uid) ?? (await oversized(client, config, uid, sizes.get(uid) ?? 0));
    // Gone since it was listed (expunged by another client): nothing to store.
    if (!raw) continue;
    out.push({ uid, key: `${uidValidity}:${uid}`, raw, events: await eventsOf(raw, config, ctx) });
  }
  return out;
}

/**
 * A chunk's messages in the batches handed to `emitMany`: usually the whole chunk. A message the
 * host refused before ends its batch, so the quarantined copy its last attempt may store comes
 * before the messages after it; after a batch was rejected whole, its messages go one per batch.
 */
function batches(messages: ReadMessage[], memory: ReaderMemory, uidValidity: string): ReadMessage[][] {
  const oneByOne = memory.oneByOneThrough?.uidValidity === uidValidity ? memory.oneByOneThrough.lastUid : 0;
  const out: ReadMessage[][] = [];
  let current: ReadMessage[] = [];
  for (const m of messages) {
    current.push(m);
    if (m.uid <= oneByOne || memory.refusals.has(m.key)) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Consecutive runs of at most 50 messages and about 20 MB. */
function chunks(uids: number[], sizes: Map<number, number>, maxMessageBytes: number): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = Math.min(sizes.get(uid) ?? 0, maxMessageBytes);
    if (current.length > 0 && (current.length >= 50 || bytes + size > 20 * 1024 * 1024)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** A message over the size limit: its headers, and a note saying where the rest is. */
async function oversized(client: ImapFlow, config: EmailConfig, uid: number, size: number): Promise<Buffer | null> {
  const fetched = await client.fetchOne(String(uid), { uid: true, headers: true }, { uid: true });
  if (!fetched) return null;
  const note = `\r\n[This message is ${(size / 1024 / 1024).toFixed(1)} MB, over this account's limit of ${(config.maxMessageBytes / 1024 / 1024).toFixed(0)} MB. Only its headers were stored; the whole message is still in the mailbox.]\r\n`;
  return Buffer.concat([fetched.headers ?? Buffer.alloc(0), Buffer.from(note)]);
}

/** What one message tells the host. The parser never throws: a message it cannot read comes back
 * quarantined, with its source, and is stored like any other. */
async function eventsOf(raw: Buffer, config: EmailConfig, ctx: ChannelContext): Promise<InboundEvent[] | Error> {
  try {
    return toEvents(await parseEmail(raw), config, ctx.now());
  } catch (err) {
    return asError(err);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The last resort for a message the host refuses: quarantined, with its source attached, and when
 * that is refused too, without it (the message is still in the mailbox).
 */
async function storeQuarantined(raw: Buffer, config: EmailConfig, ctx: ChannelContext, cause: unknown): Promise<void> {
  const reason = `the host refused to store it ${MAX_ATTEMPTS} times (${cause instanceof Error ? cause.message : String(cause)})`;
  try {
    const mail = await quarantinedEmail(raw, reason);
    for (const event of toEvents(mail, config, ctx.now())) await ctx.emit(event);
  } catch {
    const mail = await quarantinedEmail(raw, reason, { attachOriginal: false });
    for (const event of toEvents(mail, config, ctx.now())) await ctx.emit(event);
  }
}

async function afterProcessing(client: ImapFlow, config: EmailConfig, ctx: ChannelContext, uids: number[]): Promise<void> {
  const range = uids.join(',');
  try {
    if (config.afterProcessing === 'flag') await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
    else await client.messageMove(range, config.moveTo, { uid: true });
  } catch (err) {
    // Mail stays where it was; reading is unaffected because the checkpoint already moved on.
    ctx.logger.warn(
      { error: err instanceof Error ? err.message : String(err), action: config.afterProcessing },
      'could not flag or move processed mail',
    );
  }
}
