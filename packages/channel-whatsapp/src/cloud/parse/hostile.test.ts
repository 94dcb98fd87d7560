import { jsonPaths, replacedAt } from '@centralita/channel-kit/conformance';
import { findInputProblem } from '@centralita/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ana, contact, delivery, inbound, luis, message, messagesChange, NOW, status } from './fixtures.ts';
import { MAX_ITEMS_PER_DELIVERY, MAX_TEXT_LENGTH, type ParsedDelivery, parseDelivery } from './index.ts';

/** Valid deliveries to break: every message type, statuses and a notice. */
const seeds: unknown[] = [
  inbound(
    ana,
    'text',
    { body: 'hola' },
    { context: { from: '15550783881', id: 'wamid.Q', forwarded: true }, referral: { source_url: 'https://fb.me/x', headline: 'h' } },
  ),
  inbound(ana, 'image', { id: '1', mime_type: 'image/jpeg', sha256: 'abc', caption: 'c' }),
  inbound(luis, 'document', { id: '2', mime_type: 'application/pdf', filename: 'a.pdf' }),
  inbound({ bsuid: ana.bsuid }, 'audio', { id: '3', mime_type: 'audio/ogg', voice: true }),
  inbound(ana, 'location', { latitude: 1, longitude: 2, name: 'n', address: 'a' }),
  inbound(ana, 'contacts', [{ name: { formatted_name: 'M' }, phones: [{ phone: '+34 6', wa_id: '346' }], emails: [{ email: 'e' }] }]),
  inbound(ana, 'interactive', { type: 'list_reply', list_reply: { id: 'i', title: 't', description: 'd' } }),
  inbound(ana, 'interactive', { type: 'nfm_reply', nfm_reply: { name: 'f', response_json: '{}' } }),
  inbound(ana, 'button', { payload: 'p', text: 't' }),
  inbound(ana, 'reaction', { message_id: 'wamid.R', emoji: '👍' }),
  inbound(ana, 'order', {
    catalog_id: 'c',
    text: 't',
    product_items: [{ product_retailer_id: 'p', quantity: 1, item_price: 2, currency: 'EUR' }],
  }),
  inbound({ phone: ana.phone }, 'system', { body: 'b', wa_id: '34699887766', type: 'user_changed_number', previous_user_id: ana.bsuid }),
  inbound(
    ana,
    'unsupported',
    { type: 'edit' },
    { errors: [{ code: 131051, title: 'Message type unknown', error_data: { details: 'd' } }] },
  ),
  delivery(
    messagesChange({
      contacts: [contact(ana)],
      statuses: [
        status('wamid.S', 'sent', ana, { pricing: { billable: true, category: 'utility' }, conversation: { origin: { type: 'service' } } }),
        status('wamid.S', 'failed', ana, { errors: [{ code: 131047, title: 't', error_data: { details: 'd' } }] }),
      ],
    }),
    { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1 } },
  ),
];

/** Everything a delivery gives must be storable and what a user sees must be there. */
function checkOutput(parsed: ParsedDelivery): void {
  // Notices may nest as deep as the input limit below the three levels of the delivery itself.
  expect(findInputProblem(parsed, 'parsed', 40)).toBeNull();
  for (const item of parsed.items) {
    if (item.kind !== 'message') continue;
    expect(item.event.text.trim()).not.toBe('');
    expect(item.event.externalMessageId).not.toBe('');
    expect(item.event.sender.externalId).not.toBe('');
    expect(Number.isNaN(item.event.occurredAt.getTime())).toBe(false);
  }
}

function parseChecked(body: unknown): void {
  let parsed: ParsedDelivery;
  try {
    parsed = parseDelivery(body, { now: NOW });
  } catch (error) {
    throw new Error(`parseDelivery threw ${String(error)}`, { cause: error });
  }
  checkOutput(parsed);
}

const hostileKeys = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'id',
    'type',
    'text',
    'messages',
    'statuses',
    'entry',
    'changes',
    'value',
    'field',
  ),
  fc.string(),
);
const hostileValue = fc.oneof(
  fc.anything({ key: hostileKeys, maxDepth: 4, withNullPrototype: true, withBigInt: false }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    '-1',
    '1e400',
    'NaN',
    '99999999999999999999999',
    'messages',
    'text',
    'image',
    'constructor',
    'whatsapp_business_account',
  ),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

describe('hostile deliveries', () => {
  it('never throw and always give storable output for arbitrary values', () => {
    fc.assert(fc.property(hostileValue, parseChecked), { numRuns: 300 });
    fc.assert(
      fc.property(hostileValue, (entry) => parseChecked({ object: 'whatsapp_business_account', entry: [entry] })),
      { numRuns: 300 },
    );
  });

  it('never throw when any field of a real delivery is replaced', () => {
    const cases = seeds.flatMap((seed) => jsonPaths(seed).map((path) => ({ seed, path })));
    fc.assert(
      fc.property(fc.constantFrom(...cases), hostileValue, ({ seed, path }, value) => parseChecked(replacedAt(seed, path, value))),
      { numRuns: 2_000 },
    );
  });

  it('read numbers sent as strings and strings sent as numbers', () => {
    const body = inbound(
      ana,
      'location',
      { latitude: '40.5', longitude: '-3.5' },
      { timestamp: Number(NOW.getTime() / 1000 - 5), id: 12345 },
    );
    const [item] = parseDelivery(body, { now: NOW }).items;
    expect(item?.kind === 'message' && [item.event.externalMessageId, item.event.occurredAt.getTime()]).toEqual([
      '12345',
      NOW.getTime() - 5_000,
    ]);
  });

  it('survive deep nesting, huge strings and huge lists without exhausting anything', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = { entry: [deep], value: deep };
    parseChecked(deep);
    parseChecked({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'account_update', value: deep }] }] });

    const huge = 'é'.repeat(2_000_000);
    const [event] = parseDelivery(inbound(ana, 'text', { body: huge }), { now: NOW }).items;
    expect(event?.kind === 'message' && event.event.text.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH + 1);

    const many = Array.from({ length: 20_000 }, () => message(ana, 'text', { body: 'x' }));
    const contacts = Array.from({ length: 50_000 }, (_, i) => contact({ bsuid: `ES.${i}`, phone: `3460000${String(i).padStart(4, '0')}` }));
    const started = Date.now();
    const parsed = parseDelivery(delivery(messagesChange({ contacts, messages: many })), { now: NOW });
    expect(parsed.items).toHaveLength(MAX_ITEMS_PER_DELIVERY);
    expect(Date.now() - started).toBeLessThan(5_000);
    parseChecked({ object: 'whatsapp_business_account', entry: Array.from({ length: 100_000 }, () => ({ changes: [null] })) });
  });

  it('never pollute Object.prototype through __proto__ keys, and keep them as plain keys', () => {
    const text = JSON.stringify(inbound(ana, 'text', { body: 'hi' }))
      .replace('"contacts":[{', '"contacts":[{"__proto__":{"polluted":1},')
      .replace('"text":{', '"text":{"__proto__":{"body":"from the prototype"},');
    const parsed = parseDelivery(JSON.parse(text), { now: NOW });
    expect(parsed.items).toHaveLength(1);
    const notice = parseDelivery(
      JSON.parse('{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"x","value":{"__proto__":{"polluted":1}}}]}]}'),
      {
        now: NOW,
      },
    ).items[0];
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(notice?.kind === 'notice' && Object.getPrototypeOf(notice.value)).toBe(Object.prototype);
    expect(notice?.kind === 'notice' && Object.keys(notice.value as object)).toEqual(['__proto__']);
  });
});
