import type { InboundEvent } from '@centralita/core';
import type { AccountStateReport } from '../account-state.ts';
import type { AccountStore, ChannelContext, EmitResult, Logger, OutboundMessage } from '../contract.ts';
import type { SavedSearch } from '../listening.ts';
import type { ChannelMetering } from '../usage.ts';
import { createMemoryMeter, type MemoryMeter, type UsageRecord } from './memory-meter.ts';

/** A channel context that keeps everything in memory, for adapter tests and the conformance suite. */
export interface MemoryContext extends ChannelContext {
  /** Every event emitted and accepted, duplicates included, in order. */
  readonly emitted: InboundEvent[];
  /** Events whose emit was rejected (see `rejectEmits`), in order. */
  readonly rejected: InboundEvent[];
  /** Every line the adapter logged, as it logged it. */
  readonly logs: LogLine[];
  /** Messages handed to the customer portal. */
  readonly portal: OutboundMessage[];
  /** Distinct external ids stored, as a host's unique index would keep them. */
  readonly stored: Set<string>;
  /** Every state the adapter reported, in order. */
  readonly states: AccountStateReport[];
  /**
   * Makes the next `count` emits (an `emitMany` counts once) reject as a host whose database is
   * down does, storing nothing; `Infinity` until `rejectEmits(0)`.
   */
  rejectEmits(count?: number): void;
  /**
   * The account's active saved searches from now on, as `listening.searches()` answers them (a
   * supervisor saved, changed or paused one); the adapter sees them at its next read.
   */
  setSearches(searches: SavedSearch[]): void;
  /** A working ledger in memory: the adapter's `record` and `status` calls, priced and budgeted. */
  readonly usage: MemoryMeter;
  /** Every usage the adapter recorded, with its price, in order. */
  readonly usageRecords: readonly UsageRecord[];
  /** The account's monthly budget from now on; null for none. Drives `usage.status()` into warning or exhausted. */
  setBudget(amount: number | null): void;
  /** The account's price for one unit of `kind` from now on, in place of the list price. */
  setUnitPrice(kind: string, price: number): void;
}

/** One logged line: its level, the fields and the message. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

/** A store in memory whose contents can be copied, to start a connection from an earlier point. */
export interface MemoryStore extends AccountStore {
  /** An independent copy of everything stored so far. */
  snapshot(): MemoryStore;
}

/** Keeps every line in `lines`, and passes it on to `next` when given. */
function capturingLogger(lines: LogLine[], next?: Logger): Logger {
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
      next?.[level](obj, msg);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Builds a fresh in-memory context; `store` may be shared to simulate a restart. Give `metering`
 * (the adapter's) to have usage priced at its list prices and undeclared kinds refused, and
 * `budget` to start with one.
 */
export function createMemoryContext(
  options: {
    store?: AccountStore;
    now?: () => Date;
    logger?: Logger;
    webhookUrl?: string;
    /** The account's active saved searches at first (see `setSearches`). */
    searches?: SavedSearch[];
    metering?: ChannelMetering;
    budget?: number | null;
  } = {},
): MemoryContext {
  const account = { id: '00000000-0000-4000-8000-000000000001', workspaceId: '00000000-0000-4000-8000-000000000002', name: 'test' };
  const emitted: InboundEvent[] = [];
  const portal: OutboundMessage[] = [];
  const stored = new Set<string>();
  const states: AccountStateReport[] = [];
  const rejected: InboundEvent[] = [];
  const logs: LogLine[] = [];
  let rejecting = 0;
  let searches: SavedSearch[] = structuredClone(options.searches ?? []);
  /** Whether this emit is one the test asked to reject; counts it down. */
  const reject = (): boolean => {
    if (rejecting <= 0) return false;
    rejecting -= 1;
    return true;
  };
  const unavailable = () => new Error('The database is unavailable (the test asked this emit to fail); nothing was stored.');
  const record = (event: InboundEvent): EmitResult => {
    emitted.push(event);
    const duplicate = stored.has(event.externalMessageId);
    stored.add(event.externalMessageId);
    return { duplicate, conversationId: null, messageId: null, customerLink: null };
  };
  const now = options.now ?? (() => new Date());
  const usage = createMemoryMeter({
    now,
    ...(options.metering ? { metering: options.metering } : {}),
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
  });
  return {
    account,
    webhookUrl: options.webhookUrl ?? `https://centralita.test/webhooks/${account.id}`,
    emitted,
    portal,
    stored,
    states,
    rejected,
    logs,
    rejectEmits(count = 1) {
      rejecting = count;
    },
    store: options.store ?? createMemoryStore(),
    logger: capturingLogger(logs, options.logger),
    now,
    usage,
    usageRecords: usage.records,
    setBudget: (amount) => usage.setBudget(amount),
    setUnitPrice: (kind, price) => usage.setUnitPrice(kind, price),
    async emit(event: InboundEvent): Promise<EmitResult> {
      if (reject()) {
        rejected.push(event);
        throw unavailable();
      }
      return record(event);
    },
    async emitMany(events: InboundEvent[]): Promise<(EmitResult | Error)[]> {
      if (reject()) {
        rejected.push(...events);
        throw unavailable();
      }
      return events.map(record);
    },
    async deliverToPortal(message: OutboundMessage) {
      portal.push(message);
    },
    async reportState(report: AccountStateReport) {
      states.push(report);
    },
    // A copy each read, as the host reads them fresh from the database: the adapter cannot change them.
    listening: { searches: async () => structuredClone(searches) },
    setSearches(next) {
      searches = structuredClone(next);
    },
  };
}

/** An in-memory `AccountStore` with the same semantics as the PostgreSQL one. */
export function createMemoryStore(
  now: () => number = Date.now,
  from?: {
    cursors: Map<string, string>;
    state: Map<string, { value: string; expires: number }>;
    hits: Map<string, { start: number; count: number }>;
    blobs: Map<string, Uint8Array>;
  },
): MemoryStore {
  const cursors = new Map(from?.cursors);
  const blobs = new Map(from?.blobs);
  const state = new Map(from?.state);
  const hits = new Map(from?.hits);
  // As in PostgreSQL: an entry is live until its expiry instant, and expired ones read as absent.
  const liveValue = (key: string): string | null => {
    const entry = state.get(key);
    return entry && entry.expires > now() ? entry.value : null;
  };
  return {
    snapshot: () => createMemoryStore(now, { cursors, state, hits, blobs }),
    async getCursor(key) {
      return cursors.get(key) ?? null;
    },
    async setCursor(key, value) {
      cursors.set(key, value);
    },
    async putIfAbsent(key, value, ttlMs) {
      const live = liveValue(key);
      if (live !== null) return live;
      state.set(key, { value, expires: now() + ttlMs });
      return value;
    },
    async get(key) {
      return liveValue(key);
    },
    async delete(key) {
      state.delete(key);
    },
    async compareAndSet(key, expected, next, ttlMs) {
      if (liveValue(key) !== expected) return false;
      state.set(key, { value: next, expires: now() + ttlMs });
      return true;
    },
    async hit(key, windowMs) {
      // As in PostgreSQL: the window opens at the first hit.
      const h = hits.get(key);
      const live = h !== undefined && h.start > now() - windowMs;
      const next = live ? { start: h.start, count: h.count + 1 } : { start: now(), count: 1 };
      hits.set(key, next);
      return next.count;
    },
    async getBlob(key) {
      const b = blobs.get(key);
      return b ? new Uint8Array(b) : null;
    },
    async putBlob(key, content) {
      blobs.set(key, new Uint8Array(content));
    },
    async deleteBlob(key) {
      blobs.delete(key);
    },
  };
}
