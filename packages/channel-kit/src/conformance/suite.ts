import type { MessageReceivedEvent, Visibility } from '@centralita/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { accountCapabilities } from '../account-capabilities.ts';
import { stateReportProblems } from '../account-state.ts';
import { type ChannelCapabilities, DEFAULT_CAPABILITIES, textLimitFor } from '../capabilities.ts';
import type { AccountStore, ChannelAdapter, ChannelConnection, WebhookRequest } from '../contract.ts';
import { ConfigError, SendError } from '../errors.ts';
import { iconProblems } from '../presentation.ts';
import type { ReplyTarget } from '../reply-policy.ts';
import { meteringProblems } from '../usage.ts';
import { fuzzParameters, fuzzTimeout } from './fuzz.ts';
import { eventProblems, hostileMutations } from './hostile.ts';
import { createMemoryContext, createMemoryStore, type MemoryContext, type MemoryStore } from './memory-context.ts';
import { waitFor } from './wait.ts';

/** How the suite makes a customer write, and reads what reached them, on one channel's peer. */
export interface ConformancePeer {
  /**
   * Makes a customer send a message. Push channels return the webhook request the channel would
   * make; pull channels put the message where the connection reads it and return null.
   * `replyTo` is the external id of an earlier message the customer answers.
   */
  inbound(msg: { from: string; text: string; replyTo?: MessageReceivedEvent }): Promise<WebhookRequest | null>;
  /** Texts that reached the customer from our sends, in order (channels without a portal). */
  received?(): Promise<string[]>;
  /** A copy of a genuine request with its signature forged (signed channels). */
  forge?(req: WebhookRequest): WebhookRequest;
  /** A request the channel would reject as malformed (push channels). */
  malformed?(): WebhookRequest;
  /**
   * The request signed again as the channel would sign it (signed channels), so the hostile-input
   * check can reach the adapter's parser past its signature check.
   */
  sign?(req: WebhookRequest): WebhookRequest;
  /**
   * The webhook URLs the channel was told to deliver to (push channels whose API registers one, as
   * X's `/2/webhooks`): the suite checks `start` registered the context's `webhookUrl`.
   */
  registeredWebhooks?(): Promise<string[]>;
  /**
   * True when the channel authenticates deliveries with a secret header that does not cover the
   * body (Telegram's `X-Telegram-Bot-Api-Secret-Token`), unlike an HMAC of the body (X, WhatsApp):
   * a changed body with the genuine header is then a genuine request, and the hostile check only
   * demands that changed or missing headers are refused.
   */
  secretHeaderOnly?: boolean;
  /** Drops every live connection from the adapter (pull channels). */
  dropConnections?(): Promise<void>;
  /** Who a reply to `from` is addressed to on this channel, or null when the thread addresses it. */
  recipient(from: string): { kind: string; externalId: string } | null;
  /**
   * The customer message a reply of this visibility answers (`OutboundMessage.target`), for
   * channels whose replies go under one message and whose reply policy looks at it (X: a public
   * reply answers the customer's post, which must have mentioned the brand). Absent: no target.
   */
  replyTarget?(visibility: Visibility): Promise<ReplyTarget | null>;
}

export interface ConformanceSetup<Config> {
  config: Config;
  peer: ConformancePeer;
  /**
   * The context's `webhookUrl` for this account: a local server the test runs when the channel
   * checks the URL as it is registered (X's CRC call). Absent: an address nothing answers.
   */
  webhookUrl?: string;
  teardown?(): Promise<void>;
}

export interface ConformanceOptions<Config> {
  adapter: ChannelAdapter<Config>;
  /** A fresh account and peer for each check. Give this or `modes`. */
  setup?(): Promise<ConformanceSetup<Config>>;
  /**
   * One setup per kind of account, for an adapter whose accounts differ by configuration
   * (`capabilitiesFor`: `{ webhook: ..., polling: ... }`). Every check runs in each mode whose
   * capabilities call for it, and the modes together must cover every inbound way the adapter
   * declares.
   */
  modes?: Record<string, () => Promise<ConformanceSetup<Config>>>;
  /** Per-wait limit. @default 10000 */
  timeoutMs?: number;
  /** Generated hostile deliveries per run of the suite (push channels); `FUZZ_SCALE` multiplies it. @default 300 */
  hostileRuns?: number;
  /**
   * The kind the adapter's senders have, when it is not the adapter's own: the send job addresses
   * a reply to the contact's identity of the adapter's kind, so an exception must say why it still
   * works (the web form reports `email` senders and answers on the customer page).
   */
  senderKind?: { kind: string; because: string };
}

/**
 * The checks every channel adapter passes, chosen by its capabilities: receive, dedupe, thread a
 * reply, send, split or refuse, reject a forged signature (signed channels), reject malformed
 * input and go on (push channels), survive a dropped connection and resume from the cursor (pull
 * channels). Call it from the adapter package's own test file.
 */
export function runConformanceSuite<Config>(options: ConformanceOptions<Config>): void {
  const { adapter } = options;
  const declared = adapter.capabilities;
  const modes = Object.entries(options.modes ?? (options.setup ? { default: options.setup } : {}));
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

  /** A fresh account of one mode and its capabilities; the check is skipped when `skip` says why. */
  async function prepare(
    setup: () => Promise<ConformanceSetup<Config>>,
    t: TestContext,
    skip?: (caps: ChannelCapabilities) => string | false,
  ) {
    const s = await setup();
    if (s.teardown) cleanups.push(s.teardown);
    if (s.webhookUrl && typeof s.config === 'object' && s.config !== null) webhookUrls.set(s.config, s.webhookUrl);
    const caps = accountCapabilities(adapter, s.config);
    const why = skip?.(caps);
    if (why) t.skip(why);
    return { ...s, caps };
  }

  /** The webhook URL each setup asked for, by its config. */
  const webhookUrls = new WeakMap<object, string>();

  async function connect(config: Config, store: AccountStore = createMemoryStore()) {
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

  describe(`channel conformance: ${adapter.kind}`, () => {
    it('declares a stable kind, a display name and every capability', () => {
      expect(adapter.kind).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(adapter.displayName.length).toBeGreaterThan(0);
      for (const key of Object.keys(DEFAULT_CAPABILITIES)) expect(adapter.capabilities).toHaveProperty(key);
      expect(declared.inbound.push || declared.inbound.pull, 'an adapter receives by push or pull').toBe(true);
      expect(modes.length, 'the suite needs `setup` or `modes`').toBeGreaterThan(0);
    });

    it('carries what a console shows: an icon, labels for its secret fields and for its visibilities', () => {
      const p = adapter.presentation;
      expect(p, 'an adapter declares presentation: { icon, fields, visibilities }').toBeDefined();
      expect(iconProblems(p?.icon ?? ''), 'the icon').toEqual([]);
      for (const key of adapter.config.secretKeys) expect(p?.fields[key]?.label, `a label for the secret field ${key}`).toBeTruthy();
      for (const v of declared.visibilities) expect(p?.visibilities[v], `a label for ${v} replies`).toBeTruthy();
    });

    it('declares what it meters, if anything, with a currency, labels and list prices', (t) => {
      if (!adapter.metering) t.skip('the adapter meters nothing');
      else expect(meteringProblems(adapter.metering)).toEqual([]);
    });

    it('refuses an invalid configuration with a ConfigError naming the fields', () => {
      expect(() => adapter.config.parse(42)).toThrow(ConfigError);
    });

    it('parses its example configuration (or {}), with the values it generates', () => {
      // What generic tests of every installed adapter create an account with.
      const raw = { ...adapter.config.generate?.(), ...(adapter.config.example?.() ?? {}) };
      expect(() => adapter.config.parse(raw), 'config.example() (or {}) with config.generate() parses').not.toThrow();
    });

    it('tests every inbound way it declares, each account within what the adapter declares', async () => {
      const seen = { push: false, pull: false };
      for (const [mode, setup] of modes) {
        const s = await setup();
        if (s.teardown) cleanups.push(s.teardown);
        const caps = accountCapabilities(adapter, s.config);
        for (const key of Object.keys(DEFAULT_CAPABILITIES)) expect(caps, mode).toHaveProperty(key);
        expect(caps.inbound.push || caps.inbound.pull, `${mode}: an account receives by push or pull`).toBe(true);
        if (caps.inbound.push) expect(declared.inbound.push, `${mode} takes webhooks; the adapter must declare push`).toBe(true);
        if (caps.inbound.pull) expect(declared.inbound.pull, `${mode} polls; the adapter must declare pull`).toBe(true);
        if (caps.signedWebhooks) expect(declared.signedWebhooks, `${mode} is signed; the adapter must declare it`).toBe(true);
        for (const v of caps.visibilities) expect(declared.visibilities, `${mode} visibilities`).toContain(v);
        seen.push ||= caps.inbound.push;
        seen.pull ||= caps.inbound.pull;
      }
      expect(seen, 'a mode (an entry of `modes`) for each inbound way the adapter declares').toEqual({
        push: declared.inbound.push,
        pull: declared.inbound.pull,
      });
    });

    for (const [mode, setup] of modes) {
      if (modes.length === 1) modeChecks(setup);
      else describe(`mode: ${mode}`, () => modeChecks(setup));
    }
  });

  /** The checks one kind of account passes, each skipped when its capabilities do not call for it. */
  function modeChecks(setup: () => Promise<ConformanceSetup<Config>>): void {
    const open = async (t: TestContext, skip?: (caps: ChannelCapabilities) => string | false, store?: AccountStore) => {
      const s = await prepare(setup, t, skip);
      return { ...s, ...(await connect(s.config, store)) };
    };

    it('turns a customer message into one message.received event', async (t) => {
      const { peer, conn, ctx, caps } = await open(t);
      const event = await receive(peer, conn, ctx, { from: 'ana@example.com', text: 'Mi fibra no funciona' });
      expect(event.externalMessageId.length).toBeGreaterThan(0);
      expect(event.occurredAt).toBeInstanceOf(Date);
      expect(event.sender.externalId.length).toBeGreaterThan(0);
      expect(event.sender.verified).toBe(caps.verifiedSenders);
      expect(caps.visibilities).toContain(event.visibility);
      // Replies go to the contact's identity of the adapter's kind: a sender of another kind would
      // get none, unless the adapter documents why (options.senderKind).
      expect(event.sender.kind, options.senderKind?.because ?? 'the sender’s kind is the adapter’s kind').toBe(
        options.senderKind?.kind ?? adapter.kind,
      );
    });

    it('gives a message the same external id when a new connection reads it', async (t) => {
      const store = createMemoryStore();
      const { peer, conn, ctx, config, caps } = await open(t, undefined, store);
      if (caps.inbound.push) {
        const req = await peer.inbound({ from: 'ines@example.com', text: 'read twice' });
        if (req) {
          expect((await conn.handleWebhook?.(req))?.status).toBeLessThan(300);
          const first = await waitFor(() => ctx.emitted.find((e) => e.type === 'message.received'), { timeoutMs, what: 'the first read' });
          // Another node (another connection, the same account and store) gets the same delivery.
          // It emits the same external id, or, when the channel's delivery id is claimed in the
          // shared store (X's event_uuid), knows it was stored and emits nothing: a webhook is
          // answered only after its emit, so an emit would be there by now.
          const other = await connect(config, store);
          expect((await other.conn.handleWebhook?.(req))?.status).toBeLessThan(300);
          const again = other.ctx.emitted.find((e) => e.type === 'message.received');
          if (again) expect(again.externalMessageId).toBe(first.externalMessageId);
          return;
        }
      }
      // Pull: a connection that starts from where the first stood before the message re-reads it.
      await receive(peer, conn, ctx, { from: 'ines@example.com', text: 'warming up' });
      const before = (store as MemoryStore).snapshot();
      const first = await receive(peer, conn, ctx, { from: 'ines@example.com', text: 'read twice' });
      const other = await connect(config, before);
      const again = await waitFor(
        () => other.ctx.emitted.find((e): e is MessageReceivedEvent => e.type === 'message.received' && e.text.includes('read twice')),
        { timeoutMs, what: 'a new connection to read the message again' },
      );
      expect(again.externalMessageId).toBe(first.externalMessageId);
    });

    it('answers non-2xx when an emit fails, and stores the redelivery', async (t) => {
      const { peer, conn, ctx } = await open(t, (caps) => !caps.inbound.push && 'takes no webhooks');
      const req = await peer.inbound({ from: 'olga@example.com', text: 'the database blinked' });
      expect(req, 'a push peer returns the request the channel would make').not.toBeNull();
      ctx.rejectEmits(1);
      const failed = await conn.handleWebhook?.(req as WebhookRequest);
      expect(ctx.rejected, 'the adapter emitted the delivery').toHaveLength(1);
      expect(failed?.status, 'a delivery that was not stored must be answered so the channel delivers it again').toBeGreaterThanOrEqual(
        300,
      );
      // The channel delivers again: nothing may remember it as handled.
      const retried = await conn.handleWebhook?.(req as WebhookRequest);
      expect(retried?.status, `the redelivery was answered ${retried?.status}: ${JSON.stringify(retried?.body)}`).toBeLessThan(300);
      const stored = ctx.emitted.find((e) => e.type === 'message.received');
      expect(stored, 'the redelivery after a failed emit is stored, not dropped as a duplicate').toBeDefined();
      expect(stored?.externalMessageId).toBe(ctx.rejected[0]?.externalMessageId);
    });

    it('keeps its cursor before a message whose emit failed, and delivers it again', async (t) => {
      const store = createMemoryStore();
      const { peer, conn, ctx, config, abort } = await open(t, (caps) => !caps.inbound.pull && 'does not poll', store);
      await receive(peer, conn, ctx, { from: 'pia@example.com', text: 'before the outage' });
      // The same connection retries a message the host refused once.
      ctx.rejectEmits(1);
      await peer.inbound({ from: 'pia@example.com', text: 'refused once' });
      await waitFor(() => ctx.rejected.length >= 1, { timeoutMs, what: 'the adapter to emit the message' });
      await waitFor(() => ctx.emitted.some((e) => e.type === 'message.received' && e.text.includes('refused once')), {
        timeoutMs,
        what: 'the refused message to be emitted again',
      });
      // The host stays down; the connection stops. A later one, from the same store, must not
      // have skipped the message.
      ctx.rejectEmits(Number.POSITIVE_INFINITY);
      await peer.inbound({ from: 'pia@example.com', text: 'refused until a restart' });
      await waitFor(() => ctx.rejected.some((e) => e.type === 'message.received' && e.text.includes('refused until a restart')), {
        timeoutMs,
        what: 'the adapter to emit the message',
      });
      abort.abort();
      await conn.stop();
      const next = await connect(config, store);
      await waitFor(() => next.ctx.emitted.some((e) => e.type === 'message.received' && e.text.includes('refused until a restart')), {
        timeoutMs,
        what: 'the message refused before the restart to be read again: the cursor moved past it',
      });
    });

    it('gives the same delivery the same external id, so the host stores it once', async (t) => {
      const { peer, conn, ctx } = await open(t);
      const req = await peer.inbound({ from: 'luis@example.com', text: 'duplicate me' });
      if (req) {
        await conn.handleWebhook?.(req);
        await conn.handleWebhook?.(req);
        await waitFor(() => ctx.emitted.length >= 1, { timeoutMs, what: 'the first emit' });
        const ids = new Set(ctx.emitted.map((e) => e.externalMessageId));
        expect(ids.size).toBe(1);
      } else {
        await waitFor(() => ctx.emitted.length >= 1, { timeoutMs, what: 'the pulled message' });
        expect(new Set(ctx.emitted.map((e) => e.externalMessageId)).size).toBe(ctx.emitted.length > 0 ? 1 : 0);
      }
    });

    it('threads a customer reply to the message it answers', async (t) => {
      const { peer, conn, ctx } = await open(t, (caps) => caps.threading === 'host' && 'threads only through the customer page');
      const first = await receive(peer, conn, ctx, { from: 'eva@example.com', text: 'first question' });
      const reply = await receive(peer, conn, ctx, { from: 'eva@example.com', text: 'follow-up', replyTo: first });
      const th = reply.thread;
      const linked =
        (th.externalThreadId !== undefined && th.externalThreadId === first.thread.externalThreadId) ||
        (th.inReplyTo ?? []).includes(first.externalMessageId) ||
        (th.contactThread === true && reply.sender.externalId === first.sender.externalId);
      expect(linked, `thread hints ${JSON.stringify(th)} do not point at ${first.externalMessageId}`).toBe(true);
    });

    it('sends a reply and reports its external id', async (t) => {
      const { peer, conn, ctx, caps } = await open(t);
      const result = await conn.send({
        messageId: crypto.randomUUID(),
        conversationId: crypto.randomUUID(),
        text: 'Hola, ya lo estamos mirando',
        visibility: caps.visibilities[0] ?? 'private',
        recipient: peer.recipient('ana@example.com'),
        inReplyTo: [],
        target: (await peer.replyTarget?.(caps.visibilities[0] ?? 'private')) ?? null,
        allowSplit: false,
      });
      expect(result.externalIds.length).toBe(1);
      const texts = async () => (caps.customerPortal ? ctx.portal.map((m) => m.text) : ((await peer.received?.()) ?? []));
      const seen = await texts();
      await waitFor(async () => (await texts()).includes('Hola, ya lo estamos mirando'), {
        timeoutMs,
        what: `the customer to receive the reply (saw ${JSON.stringify(seen)})`,
      });
    });

    it('refuses, or splits when allowed, a text over the limit of each visibility', async (t) => {
      const { peer, conn, caps } = await open(t, (c) => c.visibilities.every((v) => textLimitFor(c, v) === null) && 'has no text limit');
      for (const visibility of caps.visibilities.filter((v) => textLimitFor(caps, v) !== null)) {
        const limit = textLimitFor(caps, visibility) ?? 0;
        const long = 'palabra '.repeat(Math.ceil(limit / 8) + 2).trim();
        expect(adapter.measureText(long)).toBeGreaterThan(limit);
        const base = {
          conversationId: crypto.randomUUID(),
          text: long,
          visibility,
          recipient: peer.recipient('ana@example.com'),
          inReplyTo: [] as string[],
          target: (await peer.replyTarget?.(visibility)) ?? null,
        };
        const refused = await conn.send({ ...base, messageId: crypto.randomUUID(), allowSplit: false }).catch((e: unknown) => e);
        expect(refused, `a ${visibility} text of ${adapter.measureText(long)} over a limit of ${limit}`).toBeInstanceOf(SendError);
        expect((refused as SendError).retryable).toBe(false);
        const split = await conn.send({ ...base, messageId: crypto.randomUUID(), allowSplit: true }).catch((e: unknown) => e);
        if (caps.splitLongText) {
          expect((split as { externalIds: string[] }).externalIds.length, `${visibility} parts`).toBeGreaterThan(1);
        } else {
          expect(split).toBeInstanceOf(SendError);
        }
        // A text this visibility allows goes out whole, even when another visibility's limit is lower.
        const fits = 'x'.repeat(Math.min(limit, 2_000));
        const whole = await conn.send({ ...base, text: fits, messageId: crypto.randomUUID(), allowSplit: false });
        expect(whole.externalIds, `a ${visibility} text of exactly ${adapter.measureText(fits)} goes out in one part`).toHaveLength(1);
      }
    });

    it('registers its webhook URL with the channel when it starts', async (t) => {
      const s = await prepare(setup, t, (caps) => !caps.inbound.push && 'takes no webhooks');
      if (!s.peer.registeredWebhooks) t.skip('the channel registers no webhook by API (the peer has no registeredWebhooks)');
      const { ctx } = await connect(s.config);
      expect(await s.peer.registeredWebhooks?.()).toContain(ctx.webhookUrl);
    });

    it('reports each part of a split reply, and a retry sends only the parts not yet sent', async (t) => {
      const { peer, conn, caps } = await open(
        t,
        (c) => (!c.splitLongText || c.visibilities.every((v) => textLimitFor(c, v) === null)) && 'does not split long texts',
      );
      const visibility = caps.visibilities.find((v) => textLimitFor(caps, v) !== null) ?? 'private';
      const limit = textLimitFor(caps, visibility) ?? 0;
      const long = 'palabra '.repeat(Math.ceil((limit * 3) / 8) + 2).trim();
      const base = {
        conversationId: crypto.randomUUID(),
        text: long,
        visibility,
        recipient: peer.recipient('ana@example.com'),
        inReplyTo: [] as string[],
        target: (await peer.replyTarget?.(visibility)) ?? null,
        allowSplit: true,
      };
      const reported: [number, string][] = [];
      const first = await conn.send({ ...base, messageId: crypto.randomUUID(), onPartSent: async (i, id) => void reported.push([i, id]) });
      expect(first.externalIds.length, 'a text three times the limit goes out in three parts or more').toBeGreaterThanOrEqual(3);
      expect(reported, 'onPartSent is called once per part, in order, with its external id').toEqual(
        first.externalIds.map((id, i) => [i, id]),
      );

      // The attempt before this one delivered the first part, then failed.
      const received = async () => ((await peer.received?.()) ?? []).length;
      const before = await received();
      const resumedReports: number[] = [];
      const resumed = await conn.send({
        ...base,
        messageId: crypto.randomUUID(),
        sentParts: ['sent-by-an-earlier-attempt'],
        onPartSent: async (i) => void resumedReports.push(i),
      });
      expect(resumed.externalIds[0], 'the parts already sent keep their ids').toBe('sent-by-an-earlier-attempt');
      expect(resumed.externalIds).toHaveLength(first.externalIds.length);
      expect(resumedReports, 'only the parts not yet sent are sent and reported').toEqual(first.externalIds.slice(1).map((_, i) => i + 1));
      if (peer.received) {
        await waitFor(async () => (await received()) >= before + first.externalIds.length - 1, { timeoutMs, what: 'the remaining parts' });
        expect(await received(), 'the first part is not sent again').toBe(before + first.externalIds.length - 1);
      }
    });

    it('rejects a delivery with a forged signature and emits nothing', async (t) => {
      const { peer, conn, ctx } = await open(t, (caps) => !caps.signedWebhooks && 'takes unsigned deliveries');
      const req = await peer.inbound({ from: 'mallory@example.com', text: 'forged' });
      expect(req, 'a signed channel is a push channel').not.toBeNull();
      const forged = peer.forge?.(req as WebhookRequest);
      expect(forged, 'the peer can forge a request').toBeDefined();
      const res = await conn.handleWebhook?.(forged as WebhookRequest);
      expect([401, 403]).toContain(res?.status);
      expect(ctx.emitted).toHaveLength(0);
    });

    it('answers malformed input with a 4xx, emits nothing and goes on', async (t) => {
      const { peer, conn, ctx } = await open(t, (caps) => !caps.inbound.push && 'takes no webhooks');
      const bad = peer.malformed?.();
      expect(bad, 'the peer can make a malformed request').toBeDefined();
      const res = await conn.handleWebhook?.(bad as WebhookRequest);
      expect(res?.status).toBeGreaterThanOrEqual(400);
      expect(res?.status).toBeLessThan(500);
      expect(ctx.emitted).toHaveLength(0);
      await receive(peer, conn, ctx, { from: 'ok@example.com', text: 'still works' });
    });

    it(
      'answers any hostile delivery without a 5xx or a throw, emits only well-formed events, and goes on',
      async (t) => {
        const { peer, conn, ctx, caps } = await open(t, (c) => !c.inbound.push && 'takes no webhooks');
        const genuine = await peer.inbound({ from: 'fuzz@example.com', text: 'a genuine delivery' });
        expect(genuine, 'a push peer returns the request the channel would make').not.toBeNull();
        let n = 0;
        await fc.assert(
          fc.asyncProperty(hostileMutations, fc.boolean(), async (mutations, signAgain) => {
            n += 1;
            // A client address per case, so the adapter's own per-client limit does not hide its parser.
            let req: WebhookRequest = { ...(genuine as WebhookRequest), clientIp: `203.0.113.${n % 250}` };
            let touched = false;
            for (const m of mutations) {
              const covered = !(peer.secretHeaderOnly && m.part === 'body');
              touched ||= covered && (typeof m.touchesSigned === 'function' ? m.touchesSigned(req) : m.touchesSigned);
              req = m.apply(req);
            }
            const resigned = signAgain && peer.sign !== undefined;
            if (resigned) req = peer.sign?.(req) ?? req;
            const before = ctx.emitted.length;
            const what = mutations.map((m) => m.name).join(' + ') + (resigned ? ' (signed again)' : '');
            const res = await (conn.handleWebhook as NonNullable<ChannelConnection['handleWebhook']>)(req);
            expect(Number.isInteger(res.status) && res.status >= 100 && res.status < 500, `${what}: answered ${res.status}`).toBe(true);
            const fresh = ctx.emitted.slice(before);
            for (const event of fresh) expect(eventProblems(event), what).toEqual([]);
            if (caps.signedWebhooks && !resigned && touched) {
              expect(fresh, `${what}: an unsigned change was accepted`).toHaveLength(0);
            }
          }),
          fuzzParameters(options.hostileRuns ?? 300),
        );
        await receive(peer, conn, ctx, { from: 'after@example.com', text: 'after the storm' });
      },
      fuzzTimeout(120_000),
    );

    it('survives a dropped connection without losing or repeating a message', async (t) => {
      const { peer, conn, ctx } = await open(t, (caps) => !caps.inbound.pull && 'does not poll');
      await receive(peer, conn, ctx, { from: 'a@example.com', text: 'before the drop' });
      expect(peer.dropConnections, 'a pull peer can drop connections').toBeDefined();
      await peer.dropConnections?.();
      await receive(peer, conn, ctx, { from: 'a@example.com', text: 'after the drop' });
      const ids = ctx.emitted.map((e) => e.externalMessageId);
      expect(new Set(ids).size).toBe(2);
    });

    it('resumes from its cursor after a restart', async (t) => {
      const store = createMemoryStore();
      const { peer, conn, ctx, config, abort } = await open(t, (caps) => !caps.inbound.pull && 'does not poll', store);
      await receive(peer, conn, ctx, { from: 'b@example.com', text: 'first life' });
      abort.abort();
      await conn.stop();
      const second = await connect(config, store);
      await receive(peer, second.conn, second.ctx, { from: 'b@example.com', text: 'second life' });
      const texts = second.ctx.emitted.map((e) => (e.type === 'message.received' ? e.text : ''));
      expect(texts).not.toContain('first life');
    });
  }
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
