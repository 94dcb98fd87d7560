import type { InboundEvent, Visibility } from '@centralita/core';
import type { AccountStateReport } from './account-state.ts';
import type { ChannelCapabilities } from './capabilities.ts';
import type { ListeningSource, SavedSearchTerms, SearchDescription } from './listening.ts';
import type { ChannelPresentation } from './presentation.ts';
import type { ReplyDecision, ReplyQuestion, ReplyTarget } from './reply-policy.ts';
import type { MessageTemplate, TemplateChoice } from './templates.ts';
import type { ChannelMetering, UsageMeter } from './usage.ts';

/** The subset of a logger adapters may use; secrets must never be passed to it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Per-account storage the host keeps in PostgreSQL, so any node can resume where another left. */
export interface AccountStore {
  /** A pull cursor (IMAP UIDVALIDITY/UID, X since_id); null before the first save. */
  getCursor(key: string): Promise<string | null>;
  setCursor(key: string, value: string): Promise<void>;
  /** Stores `value` unless a live entry exists; returns the live value either way (windowed dedupe). */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<string>;
  /** The live value under `key`; null when there is none or it expired. */
  get(key: string): Promise<string | null>;
  /** Removes `key` whatever its value (a claim given up after a failed emit); harmless when absent. */
  delete(key: string): Promise<void>;
  /**
   * Sets `key` to `next` for `ttlMs` only if its live value is `expected` (`null`: there is no
   * live value), atomically across nodes; true when it was set. The primitive for
   * claim-then-commit: claim with `compareAndSet(key, null, 'claimed', ttl)`, emit, and on failure
   * `delete(key)` so the channel's redelivery is processed instead of dropped.
   */
  compareAndSet(key: string, expected: string | null, next: string, ttlMs: number): Promise<boolean>;
  /** Counts one hit in a window that opens at the first hit, shared by every node; returns its count so far. */
  hit(key: string, windowMs: number): Promise<number>;
  /**
   * Bytes kept for the account (a linked-device session archive), which follow the account to
   * whichever node runs it and survive restarts. Null when there is none.
   */
  getBlob(key: string): Promise<Uint8Array | null>;
  /** Replaces the bytes under `key` (at most 64 MiB). */
  putBlob(key: string, content: Uint8Array): Promise<void>;
  deleteBlob(key: string): Promise<void>;
}

/** What the host did with an emitted event. */
export interface EmitResult {
  /** True when this external message id was already stored: nothing new was written. */
  duplicate: boolean;
  conversationId: string | null;
  messageId: string | null;
  /** A private link to the customer's conversation page, when asked for and the channel has one. */
  customerLink: string | null;
}

/** An outbound message the host asks an adapter to deliver. */
export interface OutboundMessage {
  /** Centralita's message id: stable across retries, so adapters can use it as an idempotency key. */
  messageId: string;
  conversationId: string;
  text: string;
  visibility: Visibility;
  /** Who receives it on this channel; null where the thread alone addresses it (web form). */
  recipient: { kind: string; externalId: string } | null;
  /** The external ids this reply answers, newest last (email References, a tweet id). */
  inReplyTo: string[];
  /**
   * The customer's latest message of this reply's visibility on this account, with what the
   * adapter kept about it: the post a public X reply goes under, and what `replyPolicy` decides
   * from. Null when there is none.
   */
  target?: ReplyTarget | null;
  /**
   * The customer's message the agent quoted, by its external id: channels that show quotes
   * (WhatsApp) put the reply under it. Null or absent: no quote.
   */
  quotedExternalId?: string | null;
  /** The agent allowed splitting a text that is over the channel's limit. */
  allowSplit: boolean;
  /**
   * External ids of the parts of this split reply that an earlier attempt already delivered, in
   * order (empty or absent on a first attempt). Send only the parts after them, and return every
   * part's id. `sendParts` does this; it needs the same split every time, which `splitText` gives.
   */
  sentParts?: readonly string[];
  /**
   * Records that part `index` went out as `externalId`; await it before sending the next part. The
   * host stores it, so a retry after a failure part-way does not repeat what the customer has.
   */
  onPartSent?(index: number, externalId: string): Promise<void>;
  /** The conversation's subject (email). */
  subject?: string | null;
  /** Who wrote it, for channels that show a sender name (email's From). */
  author?: { name: string } | null;
  /** Other people kept on the reply (email CC). */
  cc?: string[];
  attachments?: OutboundAttachment[];
  /**
   * Send this approved template instead of free text (WhatsApp outside the 24-hour window); `text`
   * then holds the rendered template, as the timeline shows it.
   */
  template?: TemplateChoice | null;
  /**
   * Sent by Centralita itself, not typed by an agent (a customer's conversation link): channels
   * mark it as such (email's Auto-Submitted) so autoresponders do not answer it.
   */
  automatic?: boolean;
}

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** What a successful send produced: one external id per part sent. */
export interface SendResult {
  externalIds: string[];
  state: 'sent' | 'delivered';
  /**
   * Keys the customer's answer will carry (an email reply token): the host files them under the
   * conversation, and hands them back as `thread.replyToken` hints.
   */
  replyTokens?: string[];
}

/** One step of a connection test (DNS, TLS, login, mailbox...) and what it found. */
export interface ConnectionCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ConnectionReport {
  ok: boolean;
  checks: ConnectionCheck[];
}

/** Everything an adapter may touch. Adapters never see the database, globals or process.env. */
export interface ChannelContext {
  readonly account: { id: string; workspaceId: string; name: string };
  /**
   * Where this account's webhooks reach Centralita (`<public URL>/webhooks/<account id>`). Register
   * it with the channel in `start` where the channel has an API for that (X's `/2/webhooks`, a
   * WhatsApp app subscription), with the secrets `config.generate` made: they are in the config.
   */
  readonly webhookUrl: string;
  /**
   * Hands one inbound event to the host, which stores it exactly once, and resolves once it is
   * committed (answer a webhook only then). Concurrent emits of one account are committed together
   * by the host within a few milliseconds; each resolves or rejects with its own outcome.
   */
  emit(event: InboundEvent, options?: { wantCustomerLink?: boolean }): Promise<EmitResult>;
  /**
   * Hands over events that arrived together (an IMAP chunk, a page of 100 posts, a WhatsApp
   * delivery carrying several messages) in one batch, stored in one transaction in the order
   * given. Resolves with one entry per event, in order: its result, or the `Error` that refused it
   * alone. Rejects only when nothing could be stored (the database is down). A pull adapter moves
   * its cursor only past the events that did not fail.
   */
  emitMany(events: InboundEvent[], options?: { wantCustomerLink?: boolean }): Promise<(EmitResult | Error)[]>;
  readonly store: AccountStore;
  readonly logger: Logger;
  /** The clock; tests inject one. */
  now(): Date;
  /** Delivers an agent reply to the customer's conversation page (channels with customerPortal). */
  deliverToPortal(message: OutboundMessage): Promise<void>;
  /**
   * Tells the host how the account's link to its channel is (connecting, linking with a QR code,
   * ready, degraded, out of credits, logged out) with a sentence for its administrators. The host
   * keeps the latest with its time, and the API and console show it. Never rejects; a repeat of
   * the same report changes nothing.
   */
  reportState(report: AccountStateReport): Promise<void>;
  /**
   * The account's saved searches to run (channels with the `listening` capability): read it at
   * each round, so a search paused or changed by a supervisor takes effect at the next one. Always
   * present; an empty list for accounts of channels that do not listen.
   */
  readonly listening: ListeningSource;
  /**
   * The account's usage ledger: record what the provider charges for as it happens
   * (`record('post_read', 100)`), and check `status()` before a costly pull; at `exhausted` pause
   * pulls (the host already holds replies). For an adapter without `metering` it records nothing
   * and the month is always `ok`.
   */
  readonly usage: UsageMeter;
}

/** A raw HTTP request as it reached `/webhooks/:channelAccountId`. */
export interface WebhookRequest {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  query: Record<string, string>;
  rawBody: Buffer;
  /** The client address (after trusted proxies), for rate limits. */
  clientIp: string;
}

/** The HTTP answer an adapter shapes for its channel. A string body is sent as is. */
export interface WebhookResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown>;
}

export interface HealthReport {
  ok: boolean;
  detail: string;
}

/** One configured account's live link to its channel. */
export interface ChannelConnection {
  /** Opens sockets or starts polling; resolves once running. The host retries a rejected start. */
  start(signal: AbortSignal): Promise<void>;
  /** Closes everything; calling it twice is harmless. */
  stop(): Promise<void>;
  /** Delivers one message, or throws a `SendError` saying whether a retry can help. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Answers a webhook call: challenges, signature checks, emits, and the response. */
  handleWebhook?(req: WebhookRequest): Promise<WebhookResponse>;
  checkHealth?(): Promise<HealthReport>;
}

/** An account as an adapter sees it: its id and its parsed config, secrets decrypted. */
export interface AdapterAccount<Config> {
  id: string;
  workspaceId: string;
  name: string;
  config: Config;
}

/** How an adapter's configuration is validated and which of its fields are secret. */
export interface ConfigSpec<Config> {
  /** Validates raw settings plus secrets, throwing a `ConfigError` that names each bad field. */
  parse(raw: unknown): Config;
  /** Fields stored encrypted and never returned by the API or logged. */
  secretKeys: readonly string[];
  /** Values generated for a new account when absent (for example a signing key). */
  generate?(): Partial<Record<string, string>>;
  /**
   * Settings looked up from the provider when an account is saved, for fields the admin left
   * empty (X: the brand's user id and handle, from its access token), so every later use (a
   * saved search's query) knows them without asking again. Should be quick; a rejection saves the
   * account without them.
   */
  complete?(config: Config): Promise<Record<string, unknown>>;
  /**
   * A configuration that parses (with the generated values) and reaches no real service (loopback
   * addresses, made-up tokens), for tests that exercise every installed adapter without knowing it,
   * such as the server's bad-input suite. Absent: `{}` must parse.
   */
  example?(): Record<string, unknown>;
  /**
   * The config's JSON Schema (input side: defaults make a field optional), from which a console
   * builds its form: each property's type, choices, default, bounds and whether it is required,
   * in this order. Absent: every labelled field is free text.
   */
  jsonSchema?(): Record<string, unknown>;
}

/** The contract every channel package implements; the factory's result is registered once. */
export interface ChannelAdapter<Config = unknown> {
  /** Stable id stored with each account: 'webform', 'email'. */
  readonly kind: string;
  readonly displayName: string;
  /** Its icon and the labels of its config fields and visibilities, for consoles (`describeChannel`). */
  readonly presentation?: ChannelPresentation;
  /**
   * What the channel can do, across all its accounts: `GET /channel-kinds` shows this. An adapter
   * whose accounts differ (webhook or polling, signed or not) declares the union here and each
   * account's own in `capabilitiesFor`.
   */
  readonly capabilities: ChannelCapabilities;
  /**
   * One account's capabilities when they depend on its configuration (X: by webhook, signed, or by
   * polling). Each flag and visibility must be one `capabilities` has. The host reads it to decide
   * which accounts to poll; the conformance suite runs once per mode. Absent: `capabilities`.
   */
  capabilitiesFor?(config: Config): ChannelCapabilities;
  readonly config: ConfigSpec<Config>;
  /**
   * What the provider charges for, with list prices, when it charges (X, WhatsApp). The host then
   * keeps a ledger per account and month (`ctx.usage`), with per-account prices and a monthly
   * budget. Absent: the channel costs nothing per use and has no ledger.
   */
  readonly metering?: ChannelMetering;
  /** The channel's own length count (X: a URL is 23, an emoji 2). */
  measureText(text: string): number;
  connect(account: AdapterAccount<Config>, ctx: ChannelContext): ChannelConnection;
  /**
   * The channel's query for saved-search terms on this account, and what stops it from running
   * (X: over 512 characters on a self-serve tier). The host refuses to save a search with
   * problems, naming them, and shows the query to supervisors. Pure: no network. Absent on a
   * channel with `listening`: the host accepts any terms that look for something.
   */
  describeSearch?(terms: SavedSearchTerms, config: Config): SearchDescription;
  /**
   * Whether a reply of this visibility to this message may be sent on this account (X's
   * self-serve tiers may reply publicly only to posts that summoned the brand). The host asks
   * before it queues a reply and refuses it with the decision's reason; the adapter must refuse
   * the same at send time. Absent: every reply the capabilities allow is allowed.
   */
  replyPolicy?(question: ReplyQuestion<Config>): ReplyDecision;
  /**
   * The account's message templates as the provider lists them now (WhatsApp's approved ones),
   * for a reply the channel only allows as a template. The host caches the list for a few
   * minutes. Absent: the channel has no templates.
   */
  listTemplates?(config: Config): Promise<MessageTemplate[]>;
  /**
   * The identity kinds a reply can be addressed to, most preferred first (WhatsApp: the phone,
   * else the business-scoped user id); the host puts the contact's first match in
   * `OutboundMessage.recipient`. Absent: the channel's own kind.
   */
  readonly addressKinds?: readonly string[];
  /**
   * A link that opens a private conversation with the brand on this channel with `text`
   * prefilled (WhatsApp's wa.me link, X's DM compose link), for a customer handed off here from
   * another channel; null when the account's configuration cannot make one (no business number).
   * Absent: the channel has no such link.
   */
  contactLink?(config: Config, text: string): string | null;
  /**
   * Tries a configuration without saving it or touching any conversation, and says step by step
   * what worked and what failed, so a wrong port reads differently from a wrong password.
   */
  testConnection?(config: Config): Promise<ConnectionReport>;
}
