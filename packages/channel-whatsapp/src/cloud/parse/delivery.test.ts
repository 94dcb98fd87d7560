import { describe, expect, it } from 'vitest';
import { ana, business, contact, delivery, luis, message, messagesChange, NOW, status } from './fixtures.ts';
import { MAX_ITEMS_PER_DELIVERY, MAX_PROBLEMS, parseDelivery } from './index.ts';

const parse = (body: unknown) => parseDelivery(body, { now: NOW });

describe('a delivery', () => {
  it('gives every message and status of every entry and change, in the order Meta sent them', () => {
    const first = message(ana, 'text', { body: 'one' });
    const second = message(luis, 'image', { id: 'm1', mime_type: 'image/jpeg' });
    const third = message(ana, 'reaction', { message_id: 'wamid.X', emoji: '❤️' });
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: business.wabaId,
          changes: [
            messagesChange({ contacts: [contact(ana), contact(luis)], messages: [first, second] }),
            messagesChange({ statuses: [status('wamid.A', 'sent'), status('wamid.A', 'delivered')] }),
          ],
        },
        {
          id: '999',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '777', display_phone_number: '34910000000' },
                contacts: [contact(ana)],
                messages: [third],
              },
            },
          ],
        },
      ],
    };
    const parsed = parse(body);
    expect(parsed.problems).toEqual([]);
    expect(
      parsed.items.map((item) =>
        item.kind === 'notice'
          ? item.kind
          : [
              item.kind,
              item.event.externalMessageId,
              item.phoneNumberId,
              item.event.type === 'delivery.updated' ? item.event.state : item.event.text,
            ],
      ),
    ).toEqual([
      ['message', first.id, business.phoneNumberId, 'one'],
      ['message', second.id, business.phoneNumberId, '[Image]'],
      ['status', 'wamid.A', business.phoneNumberId, 'sent'],
      ['status', 'wamid.A', business.phoneNumberId, 'delivered'],
      ['message', third.id, '777', 'Reacted ❤️'],
    ]);
    const last = parsed.items[4];
    expect(last?.kind === 'message' && last.displayPhoneNumber).toBe('34910000000');
  });

  it('passes changes of other fields on as notices', () => {
    const template = {
      event: 'APPROVED',
      message_template_id: 1234,
      message_template_name: 'order_ready',
      message_template_language: 'es',
      reason: 'NONE',
    };
    const parsed = parse(
      delivery(
        { field: 'message_template_status_update', value: template },
        { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
      ),
    );
    expect(parsed).toEqual({
      items: [
        { kind: 'notice', field: 'message_template_status_update', value: template },
        { kind: 'notice', field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } },
      ],
      problems: [],
    });
  });

  it('passes a messages change with neither messages nor statuses on as a notice', () => {
    const value = { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, message_echoes: [{ id: 'x' }] };
    expect(parse(delivery({ field: 'messages', value })).items).toEqual([{ kind: 'notice', field: 'messages', value }]);
  });

  it('is refused whole when it is not a WhatsApp Business Account delivery', () => {
    expect(parse('hello')).toEqual({ items: [], problems: ['body: is a string, not a webhook delivery object'] });
    expect(parse(null)).toEqual({ items: [], problems: ['body: is null, not a webhook delivery object'] });
    expect(parse({ object: 'page', entry: [] })).toEqual({ items: [], problems: ['object: is "page", not "whatsapp_business_account"'] });
    expect(parse({ entry: [] }).problems).toEqual(['object: is missing, not "whatsapp_business_account"']);
    expect(parse({ object: 'whatsapp_business_account', entry: {} }).problems).toEqual(['entry: is an object, not a list']);
    expect(parse({ object: 'whatsapp_business_account', entry: [] })).toEqual({ items: [], problems: [] });
  });

  it('names each bad part by its path and reads all the rest', () => {
    const good = message(ana, 'text', { body: 'still here' });
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        'junk',
        { id: '1', changes: 5 },
        {
          id: '2',
          changes: [
            null,
            { value: {} },
            messagesChange({
              contacts: [contact(ana)],
              messages: [
                good,
                { ...message(ana, 'text', { body: 'x' }), id: undefined },
                42,
                { ...message(ana, 'text', {}), id: 'has space' },
                message(ana, 'image', { caption: 'no id' }),
              ],
              statuses: [status('wamid.S', 'read'), { status: 'read' }],
            }),
            messagesChange({ messages: {} }),
            { field: 'messages', value: { messages: [message(ana, 'text', { body: 'lost' })] } },
            { field: 'messages', value: 'nope' },
          ],
        },
      ],
    };
    const parsed = parse(body);
    expect(parsed.items.map((i) => (i.kind === 'notice' ? i.field : i.event.externalMessageId))).toEqual([
      good.id,
      expect.any(String),
      'wamid.S',
    ]);
    expect(parsed.problems).toEqual([
      'entry[0]: is a string, not an object',
      'entry[1].changes: is a number, not a list',
      'entry[2].changes[0]: is null, not an object',
      'entry[2].changes[1].field: missing; the change was not read',
      'entry[2].changes[2].value.messages[1]: no id',
      'entry[2].changes[2].value.messages[2]: is a number, not a message object',
      'entry[2].changes[2].value.messages[3].id: is not a usable message id',
      'entry[2].changes[2].value.messages[4].image: has no media id; the message is stored without its file',
      'entry[2].changes[2].value.statuses[1]: no id',
      'entry[2].changes[3].value.messages: is an object, not a list',
      'entry[2].changes[4].value.metadata.phone_number_id: missing; its 1 message and 0 statuses were not read',
      'entry[2].changes[5].value: is a string, not an object',
    ]);
  });

  it('stores a media message without an id, telling why there is no file', () => {
    const parsed = parse(delivery(messagesChange({ contacts: [contact(ana)], messages: [message(ana, 'video', { caption: 'look' })] })));
    expect(parsed.items).toHaveLength(1);
    expect(parsed.items[0]).toMatchObject({ kind: 'message', media: null, event: { text: 'look' } });
  });

  it('reports errors Meta attaches to a change', () => {
    const value = {
      metadata: { phone_number_id: '1' },
      errors: [{ code: 131000, title: 'Something went wrong', error_data: { details: 'Unknown error' } }],
    };
    expect(parse(delivery({ field: 'messages', value }))).toEqual({
      items: [],
      problems: ['entry[0].changes[0].value.errors[0]: WhatsApp reported error 131000 Something went wrong: Unknown error'],
    });
  });

  it('ignores groups, whose threads are not a contact conversation', () => {
    const parsed = parse(delivery(messagesChange({ messages: [message(ana, 'text', { body: 'hi all' }, { group_id: 'G1' })] })));
    expect(parsed).toEqual({
      items: [],
      problems: ['entry[0].changes[0].value.messages[0]: is a message in a WhatsApp group; groups are not handled'],
    });
  });

  it(`reads at most ${MAX_ITEMS_PER_DELIVERY} items and says where it stopped`, () => {
    const messages = Array.from({ length: MAX_ITEMS_PER_DELIVERY + 5 }, () => message(ana, 'text', { body: 'x' }));
    const parsed = parse(
      delivery(
        messagesChange({ contacts: [contact(ana)], messages, statuses: [status('wamid.S', 'read')] }),
        messagesChange({ messages: [message(ana, 'text', { body: 'y' })] }),
      ),
    );
    expect(parsed.items).toHaveLength(MAX_ITEMS_PER_DELIVERY);
    expect(parsed.problems).toEqual([
      `entry[0].changes[0].value.messages[${MAX_ITEMS_PER_DELIVERY}]: the delivery holds more than ${MAX_ITEMS_PER_DELIVERY} items; this one and the rest were not read`,
    ]);
  });

  it(`lists at most ${MAX_PROBLEMS} problems and counts the rest`, () => {
    const parsed = parse({ object: 'whatsapp_business_account', entry: Array.from({ length: 250 }, () => 0) });
    expect(parsed.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(parsed.problems.at(-1)).toBe('150 more problems were not listed');
  });

  it('makes text storable: no NUL, no lone surrogate', () => {
    const parsed = parse(
      delivery(
        messagesChange({
          contacts: [{ ...contact(ana), profile: { name: 'Ana\u0000' } }],
          messages: [message(ana, 'text', { body: 'a\u0000b\ud800c' })],
        }),
      ),
    );
    const item = parsed.items[0];
    expect(item?.kind === 'message' && [item.event.text, item.event.sender.displayName]).toEqual(['a\ufffdb\ufffdc', 'Ana\ufffd']);
    const notice = parse(delivery({ field: 'account_update', value: { 'k\u0000': '\udc00' } })).items[0];
    expect(notice).toEqual({ kind: 'notice', field: 'account_update', value: { 'k\ufffd': '\ufffd' } });
  });
});
