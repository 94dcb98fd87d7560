import { describe, expect, it } from 'vitest';
import { ana, inbound, onlyMessage, textOf } from './fixtures.ts';

describe('locations, shared contacts and orders', () => {
  it('show a location with its name, address, coordinates and a map link', () => {
    const place = {
      latitude: 40.4167754,
      longitude: -3.7037902,
      name: 'Tienda Sol',
      address: 'Calle Mayor 1, Madrid',
      url: 'https://sol.example',
    };
    const item = onlyMessage(inbound(ana, 'location', place));
    expect(item.event.text).toBe(
      'Location: Tienda Sol, Calle Mayor 1, Madrid (40.416775, -3.70379)\nhttps://www.openstreetmap.org/?mlat=40.416775&mlon=-3.70379#map=17/40.416775/-3.70379',
    );
    expect(item.event.metadata?.location).toEqual({
      latitude: 40.4167754,
      longitude: -3.7037902,
      name: 'Tienda Sol',
      address: 'Calle Mayor 1, Madrid',
      url: 'https://sol.example',
    });
  });

  it('show a bare pin by its coordinates, also when they come as strings', () => {
    expect(textOf(inbound(ana, 'location', { latitude: '41.38', longitude: '2.17' }))).toBe(
      'Location: 41.38, 2.17\nhttps://www.openstreetmap.org/?mlat=41.38&mlon=2.17#map=17/41.38/2.17',
    );
    expect(textOf(inbound(ana, 'location', { latitude: 200, longitude: 0, name: 'Nowhere' }))).toBe('Location: Nowhere');
    expect(textOf(inbound(ana, 'location', {}))).toBe('[Location]');
  });

  it('list each shared contact with its phones', () => {
    const cards = [
      {
        name: { formatted_name: 'Marta Gil', first_name: 'Marta' },
        phones: [{ phone: '+34 611 22 33 44', wa_id: '34611223344', type: 'CELL' }, { phone: '+34 911 000 000' }],
      },
      { name: { first_name: 'Pablo', last_name: 'Ortiz' }, emails: [{ email: 'pablo@example.com' }], org: { company: 'Ortiz SL' } },
    ];
    const item = onlyMessage(inbound(ana, 'contacts', cards));
    expect(item.event.text).toBe('Shared contact: Marta Gil (+34 611 22 33 44, +34 911 000 000)\nShared contact: Pablo Ortiz');
    expect(item.event.metadata?.sharedContacts).toEqual([
      { name: 'Marta Gil', phones: [{ phone: '+34 611 22 33 44', waId: '34611223344', type: 'CELL' }, { phone: '+34 911 000 000' }] },
      { name: 'Pablo Ortiz', phones: [], emails: ['pablo@example.com'], company: 'Ortiz SL' },
    ]);
    expect(textOf(inbound(ana, 'contacts', []))).toBe('Shared contact');
  });

  it('sum up an order from the catalog', () => {
    const cart = {
      catalog_id: '2156348171425842',
      text: 'Para el sábado, por favor',
      product_items: [
        { product_retailer_id: 'CAMISETA-M', quantity: 2, item_price: 15.5, currency: 'EUR' },
        { product_retailer_id: 'GORRA', quantity: '1', item_price: '14.5', currency: 'EUR' },
      ],
    };
    const item = onlyMessage(inbound(ana, 'order', cart));
    expect(item.event.text).toBe('Order: 3 items (2 × CAMISETA-M, 1 × GORRA), total 45.50 EUR\nPara el sábado, por favor');
    expect(item.event.metadata?.order).toEqual({
      catalogId: '2156348171425842',
      text: 'Para el sábado, por favor',
      items: [
        { productRetailerId: 'CAMISETA-M', quantity: 2, itemPrice: 15.5, currency: 'EUR' },
        { productRetailerId: 'GORRA', quantity: 1, itemPrice: 14.5, currency: 'EUR' },
      ],
    });
    const mixed = {
      product_items: [
        { product_retailer_id: 'A', quantity: 1, item_price: 1, currency: 'EUR' },
        { product_retailer_id: 'B', quantity: 1, item_price: 1, currency: 'USD' },
      ],
    };
    expect(textOf(inbound(ana, 'order', mixed))).toBe('Order: 2 items (1 × A, 1 × B)');
  });
});

describe('replies to our buttons, lists and templates', () => {
  it('show the title of the button or list row the customer tapped, and keep its id', () => {
    const tapped = onlyMessage(
      inbound(ana, 'interactive', { type: 'button_reply', button_reply: { id: 'track-order', title: 'Track my order' } }),
    );
    expect(tapped.event.text).toBe('Track my order');
    expect(tapped.event.metadata?.interactive).toEqual({ type: 'button_reply', id: 'track-order', title: 'Track my order' });
    const row = { type: 'list_reply', list_reply: { id: 'slot-10', title: 'Tuesday 10:00', description: 'Shop in Gran Vía' } };
    expect(textOf(inbound(ana, 'interactive', row))).toBe('Tuesday 10:00 — Shop in Gran Vía');
  });

  it('show a submitted form by name and keep its answers', () => {
    const flow = { type: 'nfm_reply', nfm_reply: { name: 'Return request', body: 'Sent', response_json: '{"reason":"size"}' } };
    const item = onlyMessage(inbound(ana, 'interactive', flow));
    expect(item.event.text).toBe('Form response: Return request');
    expect(item.event.metadata?.interactive).toEqual({ type: 'nfm_reply', name: 'Return request', responseJson: '{"reason":"size"}' });
    expect(textOf(inbound(ana, 'interactive', { type: 'call_permission_reply' }))).toBe(
      '[Unsupported message: interactive call_permission_reply]',
    );
  });

  it('show a template quick reply by its label, with the payload for automations', () => {
    const context = { from: '15550783881', id: 'wamid.TEMPLATE' };
    const item = onlyMessage(inbound(ana, 'button', { payload: 'CONFIRM_APPOINTMENT', text: 'Confirm' }, { context }));
    expect(item.event.text).toBe('Confirm');
    expect(item.event.metadata?.button).toEqual({ payload: 'CONFIRM_APPOINTMENT', text: 'Confirm' });
    expect(item.event.thread).toEqual({ contactThread: true, inReplyTo: ['wamid.TEMPLATE'] });
  });

  it('show a reaction on the message reacted to, and its removal', () => {
    const item = onlyMessage(inbound(ana, 'reaction', { message_id: 'wamid.OURS', emoji: '👍' }));
    expect(item.event.text).toBe('Reacted 👍');
    expect(item.event.thread).toEqual({ contactThread: true, inReplyTo: ['wamid.OURS'] });
    expect(item.event.metadata?.reaction).toEqual({ messageId: 'wamid.OURS', emoji: '👍' });
    const removed = onlyMessage(inbound(ana, 'reaction', { message_id: 'wamid.OURS', emoji: '' }));
    expect(removed.event.text).toBe('Removed a reaction');
    expect(removed.event.metadata?.reaction).toEqual({ messageId: 'wamid.OURS', emoji: null });
  });
});

describe('system and unsupported messages', () => {
  it('keep a changed number as a message with the old and new ids', () => {
    const change = {
      body: 'User Ana Ruiz changed from 34600123456 to 34699887766',
      wa_id: '34699887766',
      type: 'user_changed_number',
      user_id: 'ES.99887766554433221100',
      previous_user_id: ana.bsuid,
    };
    // System messages carry no contacts array; the sender is the old phone.
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '106540352242922' },
                messages: [{ from: ana.phone, id: 'wamid.SYS', timestamp: '1793613540', type: 'system', system: change }],
              },
            },
          ],
        },
      ],
    };
    const item = onlyMessage(body);
    expect(item.event.text).toBe('User Ana Ruiz changed from 34600123456 to 34699887766');
    expect(item.event.automated).toBe('auto_reply');
    expect(item.event.sender).toMatchObject({
      kind: 'whatsapp_bsuid',
      externalId: ana.bsuid,
      otherIdentities: [{ kind: 'phone', externalId: ana.e164 }],
    });
    expect(item.event.metadata?.system).toEqual({
      type: 'user_changed_number',
      body: change.body,
      newWaId: '34699887766',
      bsuid: 'ES.99887766554433221100',
      previousBsuid: ana.bsuid,
    });
    expect(item.displayPhoneNumber).toBe('');
  });

  it('store what Cloud API cannot pass on, with the reason, never dropping it', () => {
    const errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
    const item = onlyMessage(inbound(ana, 'unsupported', { type: 'poll_creation' }, { errors }));
    expect(item.event.text).toBe('[Unsupported message: Message type unknown]');
    expect(item.event.metadata).toMatchObject({
      type: 'unsupported',
      unsupportedType: 'poll_creation',
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          details: 'Message type is currently not supported.',
        },
      ],
    });
    expect(textOf(inbound(ana, 'unknown', undefined))).toBe('[Unsupported message: unknown]');
    expect(textOf(inbound(ana, 'request_welcome', undefined))).toBe('[Unsupported message: request_welcome]');
    expect(textOf(inbound(ana, 'constructor', undefined))).toBe('[Unsupported message: constructor]');
  });
});
