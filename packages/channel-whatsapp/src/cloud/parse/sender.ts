import { PHONE_IDENTITY, phoneCountry, toE164 } from '@centralita/channel-kit';
import type { InboundSender } from '@centralita/core';
import { bsuidCountry } from './countries.ts';
import { id, isRecord, list, obj, str, waDigits } from './read.ts';
import { BSUID_IDENTITY } from './types.ts';

/** What a change's `contacts[]` says of one WhatsApp user. */
export interface ContactFacts {
  userId?: string;
  parentUserId?: string;
  waId?: string;
  name?: string;
  username?: string;
}

/** A change carries a handful of contacts; more than this is not Meta and is not indexed. */
const MAX_CONTACTS = 1_000;

/**
 * The contacts of one change, by BSUID and by phone. Messages and statuses name their user by
 * `from_user_id`/`from` (or `recipient_user_id`/`recipient_id`); the name, the parent BSUID and
 * the phone a message lacks are on the matching contact.
 */
export class ContactIndex {
  private readonly byUserId = new Map<string, ContactFacts>();
  private readonly byPhone = new Map<string, ContactFacts>();

  constructor(value: unknown) {
    for (const raw of list(value, 'contacts').slice(0, MAX_CONTACTS)) {
      if (!isRecord(raw)) continue;
      const profile = obj(raw, 'profile');
      const facts: ContactFacts = {};
      const userId = id(raw, 'user_id');
      const parentUserId = id(raw, 'parent_user_id');
      const waId = waDigits(raw, 'wa_id');
      const name = str(profile, 'name', 200);
      const username = str(profile, 'username', 200);
      if (userId) facts.userId = userId;
      if (parentUserId) facts.parentUserId = parentUserId;
      if (waId) facts.waId = waId;
      if (name) facts.name = name;
      if (username) facts.username = username;
      if (userId && !this.byUserId.has(userId)) this.byUserId.set(userId, facts);
      if (waId && !this.byPhone.has(phoneKey(waId))) this.byPhone.set(phoneKey(waId), facts);
    }
  }

  /** The contact of a user named by BSUID first (it is the stable key), else by phone digits. */
  find(userId: string | undefined, waId: string | undefined): ContactFacts | undefined {
    return (userId ? this.byUserId.get(userId) : undefined) ?? (waId ? this.byPhone.get(phoneKey(waId)) : undefined);
  }
}

/** Compares phones as E.164 so `521...` and `52...` (Mexico's dropped mobile prefix) meet. */
function phoneKey(digits: string): string {
  return toE164(digits) ?? digits;
}

/** Who sent a message, and what the adapter keeps to address the reply. */
export interface SenderFacts {
  sender: InboundSender;
  waId?: string;
  bsuid?: string;
  parentBsuid?: string;
  username?: string;
}

/**
 * The sender of a message: the BSUID as the primary identity (the phone beside it, verified,
 * when the payload has one); the phone alone for payloads from before BSUIDs. A string is the
 * reason there is no sender.
 */
export function senderOf(message: unknown, contacts: ContactIndex, fallbackBsuid?: string): SenderFacts | string {
  const fromUserId = id(message, 'from_user_id');
  const from = waDigits(message, 'from');
  const contact = contacts.find(fromUserId, from);
  const bsuid = fromUserId ?? contact?.userId ?? fallbackBsuid;
  const parentBsuid = contact?.parentUserId ?? id(message, 'from_parent_user_id');
  const waId = from ?? contact?.waId;
  const e164 = waId ? toE164(waId) : null;
  const phone = e164 ? { kind: PHONE_IDENTITY, externalId: e164, verified: true } : null;
  let sender: InboundSender;
  if (bsuid) sender = { kind: BSUID_IDENTITY, externalId: bsuid, verified: true, ...(phone ? { otherIdentities: [phone] } : {}) };
  else if (phone) sender = { ...phone };
  else return waId ? `from ${waId} is not a phone number and there is no from_user_id` : 'names no sender: neither from_user_id nor from';
  const country = (e164 ? phoneCountry(e164) : null) ?? (bsuid ? bsuidCountry(bsuid) : null);
  const displayName = contact?.name ?? contact?.username;
  if (displayName) sender.displayName = displayName;
  if (country) sender.country = country;
  const facts: SenderFacts = { sender };
  if (waId) facts.waId = waId;
  if (bsuid) facts.bsuid = bsuid;
  if (parentBsuid) facts.parentBsuid = parentBsuid;
  if (contact?.username) facts.username = contact.username;
  return facts;
}
