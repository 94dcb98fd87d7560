import type { PeerState, PeerUser } from './state.ts';

/** A `contacts[]` entry of a webhook: the BSUID always, the phone (`wa_id`) only when shared. */
export interface WebhookContact {
  profile?: { name?: string; username?: string };
  wa_id?: string;
  user_id: string;
  parent_user_id?: string;
}

/** One message or status on its way into a delivery, with the business number it concerns. */
export interface ChangePart {
  phoneNumberId: string;
  contact?: WebhookContact;
  message?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface WebhookValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: WebhookContact[];
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
}

export interface WebhookPayload {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: { field: 'messages'; value: WebhookValue }[] }[];
}

/**
 * How parts are packed. Meta packs a burst either way, so a parser must read them all:
 * `value`: one change per business number with every message and status in its arrays;
 * `change`: one change per part (the usual shape for single events); `entry`: one entry per part.
 */
export type DeliveryGrouping = 'value' | 'change' | 'entry';

export const digits = (phone: string) => phone.replace(/[^0-9]/g, '');

export function unixSeconds(at: Date): string {
  return String(Math.floor(at.getTime() / 1000));
}

/** A user's contact entry. `withProfile` is false for statuses, which carry no profile name. */
export function contactOf(user: PeerUser, withProfile: boolean): WebhookContact {
  const contact: WebhookContact = { user_id: user.bsuid };
  if (withProfile) {
    const profile: WebhookContact['profile'] = {};
    if (user.name !== undefined) profile.name = user.name;
    if (user.username !== undefined) profile.username = user.username;
    contact.profile = profile;
  } else if (user.username !== undefined) contact.profile = { username: user.username };
  if (user.phone) contact.wa_id = digits(user.phone);
  if (user.parentBsuid) contact.parent_user_id = user.parentBsuid;
  return contact;
}

function valueFor(state: PeerState, phoneNumberId: string, parts: ChangePart[]): WebhookValue {
  const number = state.phoneNumber(phoneNumberId);
  const value: WebhookValue = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: digits(number?.displayPhoneNumber ?? ''), phone_number_id: phoneNumberId },
  };
  const contacts: WebhookContact[] = [];
  for (const p of parts) if (p.contact && !contacts.some((c) => c.user_id === p.contact?.user_id)) contacts.push(p.contact);
  const messages = parts.flatMap((p) => (p.message ? [p.message] : []));
  const statuses = parts.flatMap((p) => (p.status ? [p.status] : []));
  if (contacts.length > 0) value.contacts = contacts;
  if (messages.length > 0) value.messages = messages;
  if (statuses.length > 0) value.statuses = statuses;
  return value;
}

/** Wraps parts in Meta's envelope: `{ object, entry: [{ id: wabaId, changes: [{ field, value }] }] }`. */
export function envelope(state: PeerState, wabaId: string, parts: ChangePart[], grouping: DeliveryGrouping = 'change'): WebhookPayload {
  const change = (ps: ChangePart[]) => ({ field: 'messages' as const, value: valueFor(state, ps[0]?.phoneNumberId ?? '', ps) });
  if (grouping === 'entry')
    return { object: 'whatsapp_business_account', entry: parts.map((p) => ({ id: wabaId, changes: [change([p])] })) };
  if (grouping === 'change')
    return { object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: parts.map((p) => change([p])) }] };
  const byNumber = new Map<string, ChangePart[]>();
  for (const p of parts) byNumber.set(p.phoneNumberId, [...(byNumber.get(p.phoneNumberId) ?? []), p]);
  return { object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [...byNumber.values()].map(change) }] };
}
