import type { InboundEvent } from '@centralita/core';
import type { AccountStateReport } from '../account-state.ts';
import type { AccountStore, ChannelContext, EmitResult, Logger, OutboundMessage } from '../contract.ts';

/** A channel context that keeps everything in memory, for adapter tests and the conformance suite. */
export interface MemoryContext extends ChannelContext {
  /** Every event emitted, duplicates included, in order. */
  readonly emitted: InboundEvent[];
  /** Messages handed to the customer portal. */
  readonly portal: OutboundMessage[];
  /** Distinct external ids stored, as a host's unique index would keep them. */
  readonly stored: Set<string>;
  /** Every state the adapter reported, in order. */
  readonly states: AccountStateReport[];
}

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Builds a fresh in-memory context; `store` may be shared to simulate a restart. */
export function createMemoryContext(
  options: { store?: AccountStore; now?: () => Date; logger?: Logger; webhookUrl?: string } = {},
): MemoryContext {
  const account = { id: '00000000-0000-4000-8000-000000000001', workspaceId: '00000000-0000-4000-8000-000000000002', name: 'test' };
  const emitted: InboundEvent[] = [];
  const portal: OutboundMessage[] = [];
  const stored = new Set<string>();
  const states: AccountStateReport[] = [];
  const record = (event: InboundEvent): EmitResult => {
    emitted.push(event);
    const duplicate = stored.has(event.externalMessageId);
    stored.add(event.externalMessageId);
    return { duplicate, conversationId: null, messageId: null, customerLink: null };
  };
  return {
    account,
    webhookUrl: options.webhookUrl ?? `https://centralita.test/webhooks/${account.id}`,
    emitted,
    portal,
    stored,
    states,
    store: options.store ?? createMemoryStore(),
    logger: options.logger ?? quietLogger,
    now: options.now ?? (() => new Date()),
    async emit(event: InboundEvent): Promise<EmitResult> {
      return record(event);
    },
    async emitMany(events: InboundEvent[]): Promise<(EmitResult | Error)[]> {
      return events.map(record);
    },
    async deliverToPortal(message: OutboundMessage) {
      portal.push(message);
    },
    async reportState(report: AccountStateReport) {
      states.push(report);
    },
  };
}

/** An in-memory `AccountStore` with the same semantics as the PostgreSQL one. */
export function createMemoryStore(now: () => number = Date.now): AccountStore {
  const cursors = new Map<string, string>();
  const state = new Map<string, { value: string; expires: number }>();
  const hits = new Map<string, { start: number; count: number }>();
  // As in PostgreSQL: an entry is live until its expiry instant, and expired ones read as absent.
  const liveValue = (key: string): string | null => {
    const entry = state.get(key);
    return entry && entry.expires > now() ? entry.value : null;
  };
  return {
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
  };
}
