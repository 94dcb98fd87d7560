import type { Visibility } from '@centralita/core';
import type { TemplateChoice } from './templates.ts';

/**
 * The customer message a reply answers: the latest inbound message of the reply's visibility on
 * the reply's account (X: the customer's latest post, which a public reply goes under).
 */
export interface ReplyTarget {
  externalId: string;
  visibility: Visibility;
  /** What the adapter kept with the message when it arrived (X: whether the post @mentioned the brand). */
  metadata: Record<string, unknown>;
  /** When Centralita received it: WhatsApp's 24-hour window opens then. */
  receivedAt: Date;
}

/** Another way to reach the customer when a reply is not allowed, offered to the agent by the console. */
export type ReplyAlternative =
  /** The same account with another visibility (X: a DM instead of a public reply). */
  | { kind: 'visibility'; visibility: Visibility; label: string }
  /** Answer in the channel's own app (X: open the post); Centralita cannot send it. */
  | { kind: 'open_external'; url: string; label: string }
  /** Move the conversation to another channel. */
  | { kind: 'handoff'; label: string }
  /** Send one of the account's approved templates instead (WhatsApp outside the 24-hour window). */
  | { kind: 'template'; label: string };

/**
 * Whether one reply may be sent, and if not, a sentence saying why and what the agent can do
 * instead. `code` names the reason stably, so a console in another language shows the channel's
 * own translation of it (`presentation.locales[lang].messages[code]`), else the English `reason`.
 */
export type ReplyDecision = { allowed: true } | { allowed: false; reason: string; code?: string; alternatives: ReplyAlternative[] };

export const REPLY_ALLOWED: ReplyDecision = Object.freeze({ allowed: true });

/**
 * What the host asks an adapter's `replyPolicy` before it queues a reply, and what the adapter
 * checks again before it sends one: the account's configuration (its tier), the visibility chosen
 * and the message answered (null when the customer has written nothing of that visibility).
 */
export interface ReplyQuestion<Config> {
  config: Config;
  visibility: Visibility;
  target: ReplyTarget | null;
  /** The host's clock (tests inject one): a window is open or closed at this instant. */
  now: Date;
  /** The reply sends this template rather than free text (absent: free text). */
  template?: TemplateChoice | null;
}
