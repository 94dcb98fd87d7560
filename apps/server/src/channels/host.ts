import type { AdapterAccount, ChannelAdapter, ChannelConnection, ChannelContext, EmitResult } from '@centralita/channel-kit';
import {
  type AccountStateReport,
  accountCapabilities,
  type ChannelCapabilities,
  meteringProblems,
  NO_LISTENING,
  stateReportProblems,
  type UsageMeter,
  unmeteredMeter,
} from '@centralita/channel-kit';
import type { InboundEvent } from '@centralita/core';
import {
  accountStore,
  type ChannelAccountRecord,
  type Db,
  findChannelAccounts,
  hitRateLimits,
  listChannelAccounts,
  type PutIfAbsent,
  putIfAbsentMany,
  recordChannelAccountState,
} from '@centralita/db';
import pg from 'pg';
import type { SecretBox } from '../crypto.ts';
import type { AppLogger } from '../logger.ts';
import { Batcher } from '../pipeline/batcher.ts';
import { GroupRunner } from '../pipeline/group.ts';
import { listeningSource } from '../services/saved-searches.ts';

/** What makes a connection stale: any change to the account's row that the adapter sees. */
function fingerprint(a: ChannelAccountRecord): string {
  return JSON.stringify([a.name, a.active, a.settings, a.secretsEncrypted]);
}

/** What the host does with events and portal deliveries; the inbox service implements it. */
export interface ChannelSink {
  /** Stores a batch of one account's events in one transaction; one result or Error per item. */
  receiveMany(account: ChannelAccountRecord, items: { event: InboundEvent; wantCustomerLink?: boolean }[]): Promise<(EmitResult | Error)[]>;
  deliverToPortal: (account: ChannelAccountRecord, message: Parameters<ChannelContext['deliverToPortal']>[0]) => Promise<void>;
}

interface Live {
  account: ChannelAccountRecord;
  adapter: ChannelAdapter;
  /** This account's own capabilities (its adapter's `capabilitiesFor` its config). */
  capabilities: ChannelCapabilities;
  connection: ChannelConnection;
  abort: AbortController;
}

/**
 * Owns one connection per channel account. Push accounts connect on first use on any node; each
 * pull account runs on exactly one node at a time, the one holding its PostgreSQL advisory lock,
 * and moves to another node within `lockRetryMs` when that node dies.
 */
export class ChannelHost {
  readonly #adapters = new Map<string, ChannelAdapter>();
  readonly #live = new Map<string, Live>();
  readonly #lockClients = new Map<string, pg.Client>();
  /** The last state report kept per account, so a repeat writes nothing. */
  readonly #states = new Map<string, string>();
  /** Each account's capabilities (null: its config does not parse), as of its row's fingerprint. */
  readonly #capabilities = new Map<string, { fingerprint: string; capabilities: ChannelCapabilities | null }>();
  readonly #batcher = new Batcher<ChannelAccountRecord, { event: InboundEvent; wantCustomerLink: boolean }, EmitResult | Error>(
    (account, items) => this.deps.sink.receiveMany(account, items),
  );
  // Each webhook reads its account, counts a rate-limit hit and claims a dedupe entry: per
  // request those were three statements of their own, now one each for all requests under way.
  readonly #accounts = new GroupRunner<string, ChannelAccountRecord | null>(async (ids) => {
    const found = await findChannelAccounts(this.deps.db.kysely, ids);
    return ids.map((id) => found.get(id) ?? null);
  });
  readonly #hits = new GroupRunner<{ key: string; windowMs: number; workspaceId: string }, number>((hits) =>
    hitRateLimits(this.deps.db.kysely, hits, this.deps.clock()),
  );
  readonly #puts = new GroupRunner<PutIfAbsent, string>((puts) => putIfAbsentMany(this.deps.db.kysely, puts, this.deps.clock()));
  #publicUrl: () => string = () => 'http://127.0.0.1';
  #pullTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    adapters: readonly ChannelAdapter[],
    private readonly deps: {
      /** Where emitted events go (the inbox). */
      sink: ChannelSink;
      db: Db;
      box: SecretBox;
      logger: AppLogger;
      clock: () => Date;
      lockRetryMs?: number;
      /** The installation's public base URL, for the webhook URL each adapter is told. */
      publicUrl?: () => string;
      /** Each account's usage ledger (`ctx.usage`) for a metered adapter; absent: nothing is metered. */
      usage?: (account: ChannelAccountRecord, adapter: ChannelAdapter) => UsageMeter;
    },
  ) {
    if (deps.publicUrl) this.#publicUrl = deps.publicUrl;
    for (const a of adapters) {
      if (this.#adapters.has(a.kind)) throw new Error(`Two channel adapters claim the kind "${a.kind}"`);
      const metering = a.metering ? meteringProblems(a.metering) : [];
      if (metering.length > 0) throw new Error(`The ${a.kind} adapter's metering is not valid: ${metering.join('; ')}`);
      this.#adapters.set(a.kind, a as ChannelAdapter);
    }
  }

  /**
   * Where the public base URL comes from when the constructor was not told (the server's own
   * address is known only once it listens).
   */
  setPublicUrl(publicUrl: () => string): void {
    this.#publicUrl = publicUrl;
  }

  /** Where the channel delivers an account's webhooks. */
  webhookUrl(accountId: string): string {
    return `${this.#publicUrl().replace(/\/$/, '')}/webhooks/${accountId}`;
  }

  adapter(kind: string): ChannelAdapter | undefined {
    return this.#adapters.get(kind);
  }

  adapters(): ChannelAdapter[] {
    return [...this.#adapters.values()];
  }

  /** Merges settings and decrypted secrets and lets the adapter validate them. */
  parseAccountConfig(account: ChannelAccountRecord, adapter: ChannelAdapter): unknown {
    return parseAccountConfig(this.deps.box, account, adapter);
  }

  /**
   * One account's capabilities: what its adapter declares for its configuration (webhook or
   * polling, signed or not); null for a kind not installed. Throws the adapter's `ConfigError`
   * when the configuration is invalid.
   */
  capabilitiesOf(account: ChannelAccountRecord): ChannelCapabilities | null {
    const adapter = this.#adapters.get(account.kind);
    if (!adapter) return null;
    if (!adapter.capabilitiesFor) return adapter.capabilities;
    return accountCapabilities(adapter, this.parseAccountConfig(account, adapter));
  }

  /** Whether this node should try to run the account's reader: it is active and its config polls. */
  #polls(account: ChannelAccountRecord, adapter: ChannelAdapter): boolean {
    if (!account.active || !adapter.capabilities.inbound.pull) return false;
    const fp = fingerprint(account);
    const known = this.#capabilities.get(account.id);
    if (known?.fingerprint === fp) return known.capabilities?.inbound.pull === true;
    let capabilities: ChannelCapabilities | null = null;
    try {
      capabilities = this.capabilitiesOf(account);
    } catch (err) {
      // Said once per change of the account, not at every claim round.
      this.deps.logger.warn(
        { channelAccountId: account.id, channel: account.kind, error: err instanceof Error ? err.message : String(err) },
        'channel account configuration is invalid; not reading it',
      );
    }
    this.#capabilities.set(account.id, { fingerprint: fp, capabilities });
    return capabilities?.inbound.pull === true;
  }

  /**
   * The live connection of an account, connecting it on first use; null for unknown or inactive
   * ones. The account row is read every time, by a read that starts after the call (shared with
   * the calls under way then), so a change saved through any node or by hand (new settings,
   * deactivation) takes effect on this node at its next use; no cache can miss a writer.
   */
  async connection(accountId: string): Promise<Live | null> {
    if (this.#stopped) return null;
    const account = await this.#accounts.submit(accountId);
    const live = this.#live.get(accountId);
    if (live && account && fingerprint(live.account) === fingerprint(account)) return live;
    if (live) await this.refresh(accountId);
    if (!account?.active) return null;
    const adapter = this.#adapters.get(account.kind);
    if (!adapter) return null;
    return this.#open(account, adapter);
  }

  async #open(account: ChannelAccountRecord, adapter: ChannelAdapter): Promise<Live> {
    const existing = this.#live.get(account.id);
    if (existing) return existing;
    const adapterAccount: AdapterAccount<unknown> = {
      id: account.id,
      workspaceId: account.workspaceId,
      name: account.name,
      config: this.parseAccountConfig(account, adapter),
    };
    const capabilities = accountCapabilities(adapter, adapterAccount.config);
    const connection = adapter.connect(adapterAccount, this.#context(account, capabilities));
    const live: Live = { account, adapter, capabilities, connection, abort: new AbortController() };
    this.#live.set(account.id, live);
    // A reader runs on one node only (the lock holder starts it); an account that only takes
    // webhooks starts on every node that uses it.
    if (!capabilities.inbound.pull) await this.#startTakingWebhooks(live);
    return live;
  }

  #context(account: ChannelAccountRecord, capabilities: ChannelCapabilities): ChannelContext {
    return {
      account: { id: account.id, workspaceId: account.workspaceId, name: account.name },
      webhookUrl: this.webhookUrl(account.id),
      // Concurrent emits (webhook deliveries at the same moment) are committed together.
      emit: async (event, options) => {
        const result = await this.#batcher.submit(account.id, account, { event, wantCustomerLink: options?.wantCustomerLink === true });
        if (result instanceof Error) throw result;
        return result;
      },
      emitMany: (events, options) =>
        this.#batcher.submitMany(
          account.id,
          account,
          events.map((event) => ({ event, wantCustomerLink: options?.wantCustomerLink === true })),
        ),
      deliverToPortal: (message) => this.deps.sink.deliverToPortal(account, message),
      store: this.#store(account),
      logger: this.deps.logger.child({ channel: account.kind, channelAccountId: account.id }),
      now: this.deps.clock,
      reportState: (report) => this.#reportState(account, report),
      usage: this.#usage(account),
      listening: capabilities.listening ? listeningSource(this.deps.db.kysely, this.deps.logger, account.id) : NO_LISTENING,
    };
  }

  /** The account's usage ledger: the host's for a metered adapter, else one that records nothing. */
  #usage(account: ChannelAccountRecord): UsageMeter {
    const adapter = this.#adapters.get(account.kind);
    return adapter?.metering && this.deps.usage ? this.deps.usage(account, adapter) : unmeteredMeter(this.deps.clock);
  }

  /** The account's store, with the two calls every web-form post makes grouped across requests. */
  #store(account: ChannelAccountRecord): ChannelContext['store'] {
    const store = accountStore(this.deps.db.kysely, account.workspaceId, account.id, this.deps.clock);
    return {
      ...store,
      // The same row key as accountStore's hit, so the limit is shared with every node as before.
      hit: (key, windowMs) => this.#hits.submit({ key: `acct:${account.id}:${key}`, windowMs, workspaceId: account.workspaceId }),
      putIfAbsent: (key, value, ttlMs) =>
        this.#puts.submit({ workspaceId: account.workspaceId, channelAccountId: account.id, key, value, ttlMs }),
    };
  }

  /**
   * Starts an account that takes webhooks. If that fails (the channel's API would not register the
   * webhook), the connection still answers deliveries, and `start` is tried again in the background
   * (5 s, doubling to 5 min) until it works or the account changes.
   */
  async #startTakingWebhooks(live: Live, attempt = 0): Promise<void> {
    try {
      await this.#start(live);
    } catch (err) {
      const delayMs = Math.min(300_000, 5_000 * 2 ** attempt);
      this.deps.logger.warn(
        { channelAccountId: live.account.id, channel: live.account.kind, delayMs, error: err instanceof Error ? err.message : String(err) },
        'the channel connection did not start; trying again',
      );
      const timer = setTimeout(() => {
        if (this.#live.get(live.account.id) === live) void this.#startTakingWebhooks(live, attempt + 1);
      }, delayMs);
      timer.unref();
      live.abort.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }
  }

  /** Starts a connection; when that fails, the account shows as degraded until its adapter says otherwise. */
  async #start(live: Live): Promise<void> {
    try {
      await live.connection.start(live.abort.signal);
    } catch (err) {
      await this.#reportState(live.account, {
        state: 'degraded',
        detail: 'The connection to the channel did not start; the server log says why, and it is tried again.',
      });
      throw err;
    }
  }

  /**
   * Keeps the state an adapter reports for its account (the latest, with when it changed) and
   * logs each change. An invalid report is logged and dropped; a database error is logged, never
   * thrown at the adapter.
   */
  async #reportState(account: ChannelAccountRecord, report: AccountStateReport): Promise<void> {
    const logger = this.deps.logger.child({ channel: account.kind, channelAccountId: account.id });
    const problems = stateReportProblems(report);
    if (problems.length > 0) {
      logger.warn({ problems }, 'the adapter reported a state that is not valid; ignored');
      return;
    }
    const key = JSON.stringify([report.state, report.detail, report.data ?? null]);
    if (this.#states.get(account.id) === key) return;
    try {
      await recordChannelAccountState(
        this.deps.db.kysely,
        { workspaceId: account.workspaceId, channelAccountId: account.id },
        report,
        this.deps.clock(),
      );
      this.#states.set(account.id, key);
      logger.info({ state: report.state, detail: report.detail }, 'channel account state');
    } catch (err) {
      logger.warn({ state: report.state, error: err instanceof Error ? err.message : String(err) }, 'could not keep the account state');
    }
  }

  /** Forgets an account's connection after its settings changed; the next use reconnects. */
  async refresh(accountId: string): Promise<void> {
    const live = this.#live.get(accountId);
    this.#live.delete(accountId);
    this.#capabilities.delete(accountId);
    this.#states.delete(accountId);
    if (live) {
      live.abort.abort();
      await live.connection.stop();
    }
    const lock = this.#lockClients.get(accountId);
    if (lock) {
      this.#lockClients.delete(accountId);
      await lock.end().catch(() => undefined);
    }
  }

  /** Starts trying, now and every `lockRetryMs`, to own the pull accounts nobody else runs. */
  startPullListeners(): void {
    const tick = () => {
      this.#claimPullAccounts().catch((err: unknown) => this.deps.logger.warn({ error: String(err) }, 'pull listener claim failed'));
    };
    tick();
    this.#pullTimer = setInterval(tick, this.deps.lockRetryMs ?? 5_000);
    this.#pullTimer.unref();
  }

  async #claimPullAccounts(): Promise<void> {
    if (this.#stopped) return;
    const accounts = await listChannelAccounts(this.deps.db.kysely, null);
    // Let go of accounts that were deactivated, removed or reconfigured since we took them.
    for (const id of this.#lockClients.keys()) {
      const current = accounts.find((a) => a.id === id);
      const live = this.#live.get(id);
      if (!current?.active || !live || fingerprint(live.account) !== fingerprint(current)) await this.refresh(id);
    }
    for (const account of accounts) {
      const adapter = this.#adapters.get(account.kind);
      // Only accounts that poll: an adapter that offers webhooks or polling decides per account.
      if (!adapter || this.#lockClients.has(account.id) || !this.#polls(account, adapter)) continue;
      // A session-level lock lives as long as this client's connection: if the node dies, the
      // server drops the connection and the lock with it, and another node claims the account.
      // Its own connection, outside the pool, so many pull accounts never starve request handling.
      const client = new pg.Client({ connectionString: this.deps.db.url, application_name: 'centralita-pull-lock' });
      await client.connect();
      const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [`pull:${account.id}`]);
      if (!got.rows[0]?.ok) {
        await client.end();
        continue;
      }
      if (this.#stopped) {
        await client.end();
        return;
      }
      this.#lockClients.set(account.id, client);
      client.on('error', () => {
        this.deps.logger.warn({ channelAccountId: account.id }, 'lost the pull lock connection; stopping the listener');
        void this.refresh(account.id);
      });
      try {
        const live = await this.#open(account, adapter);
        await this.#start(live);
        this.deps.logger.info({ channelAccountId: account.id, channel: account.kind }, 'pull listener started on this node');
      } catch (err) {
        this.deps.logger.error({ channelAccountId: account.id, error: String(err) }, 'pull listener failed to start');
        await this.refresh(account.id);
      }
    }
  }

  /** Ids of the pull accounts this node currently runs (holds the lock for). */
  runningPullAccounts(): string[] {
    return [...this.#lockClients.keys()];
  }

  /** Stops every connection and releases every lock. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#pullTimer) clearInterval(this.#pullTimer);
    await Promise.all([...this.#live.keys(), ...this.#lockClients.keys()].map((id) => this.refresh(id)));
    // What the channels handed over before they stopped is committed, not dropped.
    await this.#batcher.drain();
  }
}

/** Merges an account's settings and decrypted secrets and lets its adapter validate them. */
export function parseAccountConfig(box: SecretBox, account: ChannelAccountRecord, adapter: ChannelAdapter): unknown {
  const secrets = account.secretsEncrypted ? box.open(account.secretsEncrypted) : {};
  return adapter.config.parse({ ...account.settings, ...secrets });
}
