import { expect } from 'vitest';
import { type ParsedMessage, type ParsedStatus, parseDelivery } from './index.ts';

/**
 * Webhook deliveries in the shapes Meta documents for the Cloud API (2026: BSUIDs in
 * `contacts[].user_id` and `messages[].from_user_id`, the phone optional). Written for these
 * tests; the people and numbers are made up.
 */

export const NOW = new Date('2026-11-02T10:00:00Z');
/** One minute before NOW, as Meta writes it: unix seconds in a string. */
export const TIMESTAMP = String(NOW.getTime() / 1000 - 60);
export const SENT_AT = new Date(NOW.getTime() - 60_000);

export const business = { wabaId: '102290129340398', phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' };

export interface Person {
  bsuid?: string;
  parentBsuid?: string;
  phone?: string;
  name?: string;
  username?: string;
}

export const ana = {
  bsuid: 'ES.13491208655302741918',
  parentBsuid: 'ES.ENT.11815799212886844830',
  phone: '34600123456',
  e164: '+34600123456',
  name: 'Ana Ruiz',
};

export const luis = { bsuid: 'MX.22334455667788990011', phone: '5215512345678', e164: '+525512345678', name: 'Luis Peña' };

let counter = 0;
/** A fresh wamid. */
export function wamid(): string {
  counter += 1;
  return `wamid.HBgLMzQ2MDAxMjM0NTYVAgASGBQzQTRB${String(counter).padStart(8, '0')}AA==`;
}

/** A `contacts[]` entry: BSUID and phone when the person has them, parent BSUID and username too. */
export function contact(person: Person): Record<string, unknown> {
  return {
    profile: { ...(person.name ? { name: person.name } : {}), ...(person.username ? { username: person.username } : {}) },
    ...(person.phone ? { wa_id: person.phone } : {}),
    ...(person.bsuid ? { user_id: person.bsuid } : {}),
    ...(person.parentBsuid ? { parent_user_id: person.parentBsuid } : {}),
  };
}

/** A `messages[]` entry of one type, from a person. */
export function message(person: Person, type: string, body: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(person.phone ? { from: person.phone } : {}),
    ...(person.bsuid ? { from_user_id: person.bsuid } : {}),
    id: wamid(),
    timestamp: TIMESTAMP,
    type,
    ...(body === undefined ? {} : { [type]: body }),
    ...extra,
  };
}

/** A `statuses[]` entry for a message we sent to a person. */
export function status(
  messageId: string,
  state: string,
  person: Person = ana,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: messageId,
    status: state,
    timestamp: TIMESTAMP,
    ...(person.phone ? { recipient_id: person.phone } : {}),
    ...(person.bsuid ? { recipient_user_id: person.bsuid } : {}),
    ...extra,
  };
}

/** A change of the `messages` field with the business number's metadata. */
export function messagesChange(value: Record<string, unknown>): Record<string, unknown> {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId },
      ...value,
    },
  };
}

/** A whole delivery: one entry (the business account) with these changes. */
export function delivery(...changes: unknown[]): Record<string, unknown> {
  return { object: 'whatsapp_business_account', entry: [{ id: business.wabaId, changes }] };
}

/** A delivery of one message from a person, with their contact entry. */
export function inbound(person: Person, type: string, body: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return delivery(messagesChange({ contacts: [contact(person)], messages: [message(person, type, body, extra)] }));
}

/** Parses a delivery that must hold exactly one message and no problems, and returns it. */
export function onlyMessage(body: unknown): ParsedMessage {
  const parsed = parseDelivery(body, { now: NOW });
  expect(parsed.problems).toEqual([]);
  expect(parsed.items).toHaveLength(1);
  const [item] = parsed.items;
  if (item?.kind !== 'message') throw new Error(`expected a message, got ${item?.kind}`);
  return item;
}

/** Parses a delivery that must hold exactly one status and no problems, and returns it. */
export function onlyStatus(body: unknown): ParsedStatus {
  const parsed = parseDelivery(body, { now: NOW });
  expect(parsed.problems).toEqual([]);
  expect(parsed.items).toHaveLength(1);
  const [item] = parsed.items;
  if (item?.kind !== 'status') throw new Error(`expected a status, got ${item?.kind}`);
  return item;
}

/** The text the timeline shows for a one-message delivery. */
export function textOf(body: unknown): string {
  return onlyMessage(body).event.text;
}
