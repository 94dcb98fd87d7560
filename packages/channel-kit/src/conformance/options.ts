import type { MessageReceivedEvent, Visibility } from '@centralita/core';
import type { ChannelAdapter, WebhookRequest } from '../contract.ts';
import type { ReplyTarget } from '../reply-policy.ts';

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
   * a reply to the contact's identity of a kind in the adapter's `addressKinds` (else its own kind), so an exception must say why it still
   * works (the web form reports `email` senders and answers on the customer page).
   */
  senderKind?: { kind: string; because: string };
}
