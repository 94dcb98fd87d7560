import type { ChannelContext } from '@centralita/channel-kit';
import type { MessageReceivedEvent } from '@centralita/core';
import { ackEvent, isCustomerChat, isCustomerMessage, toReceivedEvent, within } from './inbound.ts';
import { errorText } from './states.ts';
import type { WebClientLike, WebMessageLike } from './types.ts';

/** The account store's cursor: every customer message up to this point is stored. */
export const CHECKPOINT_KEY = 'web-last-ts';

export interface IntakeOptions {
  maxMediaBytes: number;
  /** How many of the most recent chats a replay reads. */
  replayChats: number;
  /** How many of each chat's latest messages a replay reads. */
  replayMessagesPerChat: number;
  /** The first wait before emitting again what the host refused; it doubles up to 30 s. */
  retryMs: number;
}

/**
 * `t` is a message timestamp (Unix seconds); `ids` the messages of that second already stored,
 * since one second can hold several.
 */
interface Checkpoint {
  t: number;
  ids: string[];
}

interface Item {
  event: MessageReceivedEvent;
  t: number;
  refusals: number;
}

/** How often the host may refuse one event on its own before it is given up (logged). */
const MAX_REFUSALS = 3;
const MAX_RETRY_MS = 30_000;
/** Ids remembered per connection so a message seen live is not emitted again by a replay. */
const SEEN_LIMIT = 10_000;
const IDS_PER_SECOND_LIMIT = 500;
/** How long one chat's history may take to load during a replay. */
const FETCH_TIMEOUT_MS = 30_000;

/**
 * Takes customer messages to the host: live ones as they come, and after every `ready` the ones
 * that arrived while this node was not linked (a restart, a dropped connection, another node's
 * turn), read back from the most recent chats. A checkpoint in the account store says what is
 * stored; it moves only while the connection is in step (after a replay completed) and never past
 * a message the host refused, so a message is never skipped, and within one connection never
 * emitted twice (the host dedupes by external id anyway).
 */
export class Intake {
  /** What the store's cursor says; moves with `highest` only while in step. */
  private checkpoint: Checkpoint = { t: 0, ids: [] };
  /** The latest message stored. */
  private highest: Checkpoint = { t: 0, ids: [] };
  /** Between a `ready` and the end of its replay: messages of the gap may still be missing. */
  private syncing = true;
  private saved: string | null = null;
  private readonly seen = new Set<string>();
  /** Messages on their way to the host (being read, emitted, or waiting to be emitted again), by id, with their time. */
  private readonly unsettled = new Map<string, number>();
  private readonly waiting = new Map<string, Item>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryRound = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: ChannelContext,
    private readonly options: IntakeOptions,
  ) {}

  /** Reads the checkpoint; on an account's first run, starts it now, so older chats stay history. */
  async load(): Promise<void> {
    const raw = await this.ctx.store.getCursor(CHECKPOINT_KEY);
    const parsed = parseCheckpoint(raw);
    this.checkpoint = parsed ?? { t: Math.floor(this.ctx.now().getTime() / 1000), ids: [] };
    this.highest = copy(this.checkpoint);
    this.saved = parsed ? raw : null;
    if (!parsed) await this.write();
  }

  /** A `message` event. */
  live(client: WebClientLike, msg: WebMessageLike): void {
    if (this.closed || !isCustomerMessage(msg) || this.known(msg.id._serialized)) return;
    this.unsettled.set(msg.id._serialized, msg.timestamp);
    void this.take(client, [msg]);
  }

  /** A `message_ack` event: our message was sent, delivered, read or failed. */
  ack(msg: WebMessageLike, ack: number): void {
    const event = ackEvent(msg, ack, this.ctx.now());
    if (!event || this.closed) return;
    this.ctx.emit(event).catch((err: unknown) => {
      this.ctx.logger.warn({ error: errorText(err), state: event.state }, 'storing a WhatsApp delivery update failed');
    });
  }

  /**
   * After a `ready`: emits, oldest first, the customer messages newer than the checkpoint in the
   * most recent chats. Returns how many it found. Rejects when WhatsApp Web could not list the
   * chats; the checkpoint then stays, so the next `ready` (or another node) reads them again.
   */
  async replay(client: WebClientLike): Promise<number> {
    this.syncing = true;
    const from = this.checkpoint;
    const chats = (await within(client.getChats(), FETCH_TIMEOUT_MS))
      .filter((c) => !c.isGroup && isCustomerChat(c.id._serialized) && (c.timestamp ?? Number.POSITIVE_INFINITY) >= from.t)
      .sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))
      .slice(0, this.options.replayChats);
    const missed: WebMessageLike[] = [];
    for (const chat of chats) {
      let messages: WebMessageLike[];
      try {
        messages = await within(chat.fetchMessages({ limit: this.options.replayMessagesPerChat }), FETCH_TIMEOUT_MS);
      } catch (err) {
        throw new Error(`loading the chat's messages failed (${errorText(err)})`);
      }
      missed.push(...messages.filter((m) => isCustomerMessage(m) && after(from, m)));
    }
    if (this.closed) return 0;
    // Live messages may have come in while the chats loaded: those are on their way already.
    const fresh = missed.filter((m) => !this.known(m.id._serialized)).sort((a, b) => a.timestamp - b.timestamp);
    for (const m of fresh) this.unsettled.set(m.id._serialized, m.timestamp);
    await this.take(client, fresh);
    this.syncing = false;
    this.checkpoint = copy(this.highest);
    await this.enqueue(() => this.write());
    return fresh.length;
  }

  /** Stops retrying; what is still unsettled is read again by the next connection, from the checkpoint. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await within(this.chain, 5_000).catch(() => {});
  }

  private known(id: string): boolean {
    return this.seen.has(id) || this.unsettled.has(id);
  }

  /** Turns messages into events one at a time (each may download media), then emits them together. */
  private async take(client: WebClientLike, messages: WebMessageLike[]): Promise<void> {
    const items: Item[] = [];
    for (const m of messages) {
      const id = m.id._serialized;
      try {
        const event = await toReceivedEvent(client, m, { maxMediaBytes: this.options.maxMediaBytes, logger: this.ctx.logger });
        if (event) items.push({ event, t: m.timestamp, refusals: 0 });
        else this.settle(id, m.timestamp, false);
      } catch (err) {
        this.ctx.logger.error({ error: errorText(err), type: m.type }, 'reading a WhatsApp Web message failed; it is skipped');
        this.settle(id, m.timestamp, false);
      }
    }
    await this.enqueue(() => this.deliver(items));
  }

  private async deliver(items: Item[]): Promise<void> {
    if (this.closed) return;
    if (items.length > 0) {
      let results: Awaited<ReturnType<ChannelContext['emitMany']>>;
      try {
        results = await this.ctx.emitMany(items.map((i) => i.event));
      } catch (err) {
        this.ctx.logger.warn({ error: errorText(err), count: items.length }, 'the host could not store WhatsApp messages; trying again');
        for (const item of items) this.wait(item);
        results = [];
      }
      results.forEach((result, k) => {
        const item = items[k] as Item;
        if (!(result instanceof Error)) {
          this.settle(item.event.externalMessageId, item.t, true);
        } else if (++item.refusals < MAX_REFUSALS) {
          this.wait(item);
        } else {
          this.ctx.logger.error(
            { error: errorText(result), externalMessageId: item.event.externalMessageId },
            'the host refused a WhatsApp message',
          );
          this.settle(item.event.externalMessageId, item.t, false);
        }
      });
      if (this.waiting.size === 0) this.retryRound = 0;
    }
    await this.write();
  }

  private wait(item: Item): void {
    this.waiting.set(item.event.externalMessageId, item);
    if (this.retryTimer || this.closed) return;
    const delay = Math.min(MAX_RETRY_MS, this.options.retryMs * 2 ** this.retryRound);
    this.retryRound += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const batch = [...this.waiting.values()];
      this.waiting.clear();
      void this.enqueue(() => this.deliver(batch));
    }, delay);
  }

  private settle(id: string, t: number, stored: boolean): void {
    this.unsettled.delete(id);
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    if (!stored) return;
    if (t > this.highest.t) this.highest = { t, ids: [id] };
    else if (t === this.highest.t && !this.highest.ids.includes(id) && this.highest.ids.length < IDS_PER_SECOND_LIMIT)
      this.highest.ids.push(id);
    if (!this.syncing) this.checkpoint = copy(this.highest);
  }

  /** Saves the checkpoint, held below any message still on its way. */
  private async write(): Promise<void> {
    let floor = Number.POSITIVE_INFINITY;
    for (const t of this.unsettled.values()) floor = Math.min(floor, t - 1);
    const value = JSON.stringify(floor < this.checkpoint.t ? { t: floor, ids: [] } : this.checkpoint);
    if (value === this.saved) return;
    try {
      await this.ctx.store.setCursor(CHECKPOINT_KEY, value);
      this.saved = value;
    } catch (err) {
      this.ctx.logger.warn({ error: errorText(err) }, 'saving the WhatsApp Web checkpoint failed');
    }
  }

  /** Runs `step` after everything queued before it, so emits and checkpoint writes never interleave. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step, step);
    this.chain = next.catch(() => {});
    return next;
  }
}

function parseCheckpoint(raw: string | null): Checkpoint | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Checkpoint>;
    if (typeof v.t === 'number' && Array.isArray(v.ids)) return { t: v.t, ids: v.ids.filter((i) => typeof i === 'string') };
  } catch {}
  // An older plain number of seconds.
  const n = Number(raw);
  return Number.isFinite(n) ? { t: n, ids: [] } : null;
}

/** Whether a message came after the checkpoint. */
function after(cp: Checkpoint, msg: WebMessageLike): boolean {
  return msg.timestamp > cp.t || (msg.timestamp === cp.t && !cp.ids.includes(msg.id._serialized));
}

function copy(cp: Checkpoint): Checkpoint {
  return { t: cp.t, ids: [...cp.ids] };
}
