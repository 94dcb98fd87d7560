import type { MessageReceivedEvent } from '@centralita/core';
import { afterEach, expect, type TestContext } from 'vitest';
import { accountCapabilities } from '../account-capabilities.ts';
import { stateReportProblems } from '../account-state.ts';
import type { ChannelCapabilities } from '../capabilities.ts';
import type { AccountStore, ChannelAdapter, ChannelConnection } from '../contract.ts';
import { createMemoryContext, createMemoryStore, type MemoryContext } from './memory-context.ts';
import type { ConformanceOptions, ConformancePeer, ConformanceSetup } from './options.ts';
import { waitFor } from './wait.ts';

/** One mode's setup: a fresh account and peer each time it is called. */
export type ModeSetup<Config> = () => Promise<ConformanceSetup<Config>>;

/** Why a check does not apply to an account with these capabilities, or false when it does. */
export type Skip = (caps: ChannelCapabilities) => string | false;

/** A fresh account of one mode with the capabilities the adapter gives it. */
export type Prepared<Config> = ConformanceSetup<Config> & { caps: ChannelCapabilities };

/** A started connection on a fresh in-memory context. */
export interface Connected {
  ctx: MemoryContext;
  conn: ChannelConnection;
  abort: AbortController;
  store: AccountStore;
}

/** What every check uses to make an account, connect it and deliver to it; shared by one run of the suite. */
export interface ConformanceKit<Config> {
  adapter: ChannelAdapter<Config>;
  options: ConformanceOptions<Config>;
  /** Per-wait limit. */
  timeoutMs: number;
  /** Run in reverse order after each check. */
  cleanups: (() => Promise<void>)[];
  /** A fresh account of one mode and its capabilities; the check is skipped when `skip` says why. */
  prepare(setup: ModeSetup<Config>, t: TestContext, skip?: Skip): Promise<Prepared<Config>>;
  /** Starts a connection for `config`, stopped after the check. */
  connect(config: Config, store?: AccountStore): Promise<Connected>;
  /** Delivers one customer message and returns the event it produced. */
  receive(
    peer: ConformancePeer,
    conn: ChannelConnection,
    ctx: MemoryContext,
    msg: { from: string; text: string; replyTo?: MessageReceivedEvent },
  ): Promise<MessageReceivedEvent>;
}

/** The kit bound to one mode's setup. */
export interface ModeKit<Config> extends ConformanceKit<Config> {
  setup: ModeSetup<Config>;
  /** A fresh account of this mode, prepared and connected; skipped when `skip` says why. */
  open(t: TestContext, skip?: Skip, store?: AccountStore): Promise<Prepared<Config> & Connected>;
}

/**
 * The kit for one run of the suite. Its afterEach (the cleanups, then the secret and state checks)
 * is registered where this is called, so the suite calls it outside its describe: it then follows
 * every check of the file.
 */
export function createKit<Config>(options: ConformanceOptions<Config>): ConformanceKit<Config> {
  const { adapter } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cleanups: (() => Promise<void>)[] = [];
  /** Every context a check connected, with the secret values of its account's config. */
  const opened: { ctx: MemoryContext; secrets: string[] }[] = [];

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    // What matters in production, checked after every check: no secret in any log line or state
    // report, and every reported state one the host keeps.
    for (const { ctx, secrets } of opened.splice(0)) {
      const lines = ctx.logs.map((l) => safeJson(l));
      for (const secret of secrets) {
        const leak = lines.find((line) => line.includes(secret));
        expect(leak, 'a secret of the account’s config (one of config.secretKeys) appears in a log line').toBeUndefined();
        expect(safeJson(ctx.states).includes(secret), 'a secret appears in a reported state').toBe(false);
      }
      for (const report of ctx.states) expect(stateReportProblems(report), `state ${safeJson(report)}`).toEqual([]);
    }
  });

  /** The values of the config's secret fields worth looking for (short ones would match by chance). */
  const secretsOf = (config: Config): string[] =>
    adapter.config.secretKeys
      .map((k) => (config as Record<string, unknown>)[k])
      .filter((v): v is string => typeof v === 'string' && v.length >= 6);

  /** The webhook URL each setup asked for, by its config. */
  const webhookUrls = new WeakMap<object, string>();

  /** A fresh account of one mode and its capabilities; the check is skipped when `skip` says why. */
  async function prepare(setup: ModeSetup<Config>, t: TestContext, skip?: Skip): Promise<Prepared<Config>> {
    const s = await setup();
    if (s.teardown) cleanups.push(s.teardown);
    if (s.webhookUrl && typeof s.config === 'object' && s.config !== null) webhookUrls.set(s.config, s.webhookUrl);
    const caps = accountCapabilities(adapter, s.config);
    const why = skip?.(caps);
    if (why) t.skip(why);
    return { ...s, caps };
  }

  async function connect(config: Config, store: AccountStore = createMemoryStore()): Promise<Connected> {
    const webhookUrl = typeof config === 'object' && config !== null ? webhookUrls.get(config) : undefined;
    // With the adapter's metering, usage of a kind it did not declare fails the check it happens in.
    const ctx = createMemoryContext({
      store,
      ...(adapter.metering ? { metering: adapter.metering } : {}),
      ...(webhookUrl ? { webhookUrl } : {}),
    });
    opened.push({ ctx, secrets: secretsOf(config) });
    const conn = adapter.connect({ id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'conformance', config }, ctx);
    const abort = new AbortController();
    await conn.start(abort.signal);
    cleanups.push(async () => {
      abort.abort();
      await conn.stop();
    });
    return { ctx, conn, abort, store };
  }

  /** Delivers one customer message and returns the event it produced. */
  async function receive(
    peer: ConformancePeer,
    conn: ChannelConnection,
    ctx: MemoryContext,
    msg: { from: string; text: string; replyTo?: MessageReceivedEvent },
  ): Promise<MessageReceivedEvent> {
    const req = await peer.inbound(msg);
    if (req) {
      expect(conn.handleWebhook, 'a push adapter implements handleWebhook').toBeTypeOf('function');
      const res = await conn.handleWebhook?.(req);
      expect(res?.status, `webhook answered ${res?.status}: ${JSON.stringify(res?.body)}`).toBeLessThan(300);
    }
    return waitFor(() => ctx.emitted.find((e): e is MessageReceivedEvent => e.type === 'message.received' && e.text.includes(msg.text)), {
      timeoutMs,
      what: `the adapter to emit "${msg.text}"`,
    });
  }

  return { adapter, options, timeoutMs, cleanups, prepare, connect, receive };
}

/** The kit with `open` for one mode's setup. */
export function forMode<Config>(kit: ConformanceKit<Config>, setup: ModeSetup<Config>): ModeKit<Config> {
  const open = async (t: TestContext, skip?: Skip, store?: AccountStore) => {
    const s = await kit.prepare(setup, t, skip);
    return { ...s, ...(await kit.connect(s.config, store)) };
  };
  return { ...kit, setup, open };
}

/** JSON of anything a log line holds, without failing on cycles or BigInts. */
function safeJson(value: unknown): string {
  const seen = new WeakSet();
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[cycle]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    return String(value);
  }
}
