import { type MessageReceivedEvent, replaceUnsafeDeep } from '@centralita/core';
import { PayloadError } from './errors.ts';
import { capText, expandLinks, type LinkEntity, removeLinks } from './text.ts';
import { type Brand, senderFor, type XProfile } from './users.ts';

/** The whole text of an encrypted DM's event: we hold only ciphertext, the agent reads it in X. */
export const ENCRYPTED_DM_TEXT = 'Encrypted DM: open it in X';

/** Which path brought a DM: polling `GET /2/dm_events` or a webhook delivery. */
export type DmSource = 'polling' | 'webhook';

/** A DM's sender as the payload describes them. */
export interface DmSenderProfile {
  username: string;
  /** The profile name; the username when the payload has none. */
  name: string;
  followers?: number;
  verified?: boolean;
  location?: string;
}

/** Media on a DM: kept as links in metadata, never downloaded here. */
export interface DmAttachment {
  type: string;
  url: string;
}

/**
 * A one-to-one DM in one form, whichever API delivered it (v2 `dm_events`, the legacy
 * `direct_message_events` of webhooks, or an encrypted XChat event).
 */
export interface NormalisedDm {
  /** X's DM event id: the same on every path, so a DM polled and pushed is one message. */
  id: string;
  senderId: string;
  recipientId: string;
  /** The text with t.co links expanded and media links removed. */
  text: string;
  /** The text as X sent it, when `text` differs from it. */
  fullText?: string;
  createdAt: Date;
  /** The two participants' ids, smaller first: `123-456`, as v2 names one-to-one conversations. */
  conversationKey: string;
  sender?: DmSenderProfile;
  attachments?: DmAttachment[];
  /** XChat: only ciphertext arrived, `text` is the placeholder. */
  encrypted: boolean;
}

/** What a DM payload held: customers' DMs, the brand's own (echoes) and what was left out, with why. */
export interface DmBatch {
  dms: NormalisedDm[];
  /** DMs the brand sent: our own outbound coming back; the adapter ignores them. */
  echoes: NormalisedDm[];
  skipped: { id?: string; reason: string }[];
}

/** The one-to-one conversation key of two X ids, smaller id first, as v2's `dm_conversation_id`. */
export function conversationKey(a: string, b: string): string {
  return BigInt(a) <= BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

/** The sender profile a DM keeps from a payload's user entry; none without a username. */
export function dmSenderProfile(user: XProfile | undefined): DmSenderProfile | undefined {
  if (!user?.username) return undefined;
  return {
    username: user.username,
    name: user.name ?? user.username,
    ...(user.followers !== undefined ? { followers: user.followers } : {}),
    ...(user.verified !== undefined ? { verified: user.verified } : {}),
    ...(user.location ? { location: user.location } : {}),
  };
}

/** Links of DM media (`https://x.com/messages/media/...`): a client shows the media instead. */
function mediaLinkUrls(links: readonly LinkEntity[]): string[] {
  return links
    .filter((l) => typeof l.expanded_url === 'string' && /\/messages\/media\/\d+/.test(l.expanded_url))
    .map((l) => l.url)
    .filter((u): u is string => typeof u === 'string');
}

/**
 * A DM's text as both APIs must show it: media links removed (the media is listed instead),
 * other t.co links expanded. `fullText` keeps what X sent when that differs.
 */
export function dmText(raw: string, links: readonly LinkEntity[], mediaUrls: readonly string[] = []): { text: string; fullText?: string } {
  const original = capText(raw);
  const text = capText(expandLinks(removeLinks(original, [...mediaLinkUrls(links), ...mediaUrls]), links));
  return text === original ? { text } : { text, fullText: original };
}

/** Sorts a normalised DM into customers' DMs, the brand's echoes, or a skip when the brand is not in it. */
export function sortDm(dm: NormalisedDm, brand: Brand, batch: DmBatch): void {
  if (dm.senderId === brand.id) batch.echoes.push(dm);
  else if (dm.recipientId === brand.id) batch.dms.push(dm);
  else batch.skipped.push({ id: dm.id, reason: `DM ${dm.id} is between ${dm.senderId} and ${dm.recipientId}, not with this account` });
}

/**
 * The event for a customer's DM. It joins the customer's running conversation on the account
 * (contactThread) under the one-to-one conversation key, whichever API delivered it. Throws
 * PayloadError for a DM the brand itself sent: that is an echo, never a customer message.
 */
export function dmToEvent(dm: NormalisedDm, brand: Brand, options: { source?: DmSource } = {}): MessageReceivedEvent {
  if (dm.senderId === brand.id) {
    throw PayloadError.at('dm.senderId', `is this account (${brand.id}): an echo of our own DM, not a customer message`);
  }
  const user: XProfile | undefined = dm.sender ? { id: dm.senderId, ...dm.sender } : undefined;
  const text = dm.encrypted ? ENCRYPTED_DM_TEXT : dm.text.trim() === '' ? '(attachments only)' : dm.text;
  const event: MessageReceivedEvent = {
    type: 'message.received',
    externalMessageId: dm.id,
    occurredAt: dm.createdAt,
    sender: senderFor(dm.senderId, user),
    text,
    ...(dm.fullText !== undefined && !dm.encrypted ? { fullText: dm.fullText } : {}),
    visibility: 'private',
    thread: { externalThreadId: `dm:${dm.conversationKey}`, contactThread: true },
    metadata: {
      dmEventId: dm.id,
      dmConversationId: dm.conversationKey,
      ...(options.source ? { source: options.source } : {}),
      ...(dm.attachments && dm.attachments.length > 0 ? { attachments: dm.attachments } : {}),
      ...(dm.encrypted ? { encrypted: true } : {}),
    },
  };
  return replaceUnsafeDeep(event);
}
