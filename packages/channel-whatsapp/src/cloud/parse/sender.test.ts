import { describe, expect, it } from 'vitest';
import { ana, contact, delivery, inbound, luis, message, messagesChange, NOW, onlyMessage } from './fixtures.ts';
import { bsuidCountry, type ParsedMessage, parseDelivery } from './index.ts';

const hello = { body: 'Hola' };

function messagesOf(body: unknown): ParsedMessage[] {
  return parseDelivery(body, { now: NOW }).items.filter((i): i is ParsedMessage => i.kind === 'message');
}

describe('who sent a message', () => {
  it('is the BSUID alone when WhatsApp withholds the phone (a username user)', () => {
    const user = { bsuid: 'BR.1502576394655843', name: 'Joana', username: '@joana' };
    const item = onlyMessage(inbound(user, 'text', hello));
    expect(item.event.sender).toEqual({
      kind: 'whatsapp_bsuid',
      externalId: user.bsuid,
      verified: true,
      displayName: 'Joana',
      country: 'BR',
    });
    expect(item.event.metadata).toMatchObject({ bsuid: user.bsuid, username: '@joana' });
    expect(item.event.metadata).not.toHaveProperty('waId');
  });

  it('is the phone alone in payloads from before BSUIDs', () => {
    const legacy = { phone: '16505551234', name: 'Sheena Nelson' };
    const item = onlyMessage(inbound(legacy, 'text', hello));
    expect(item.event.sender).toEqual({
      kind: 'phone',
      externalId: '+16505551234',
      verified: true,
      displayName: 'Sheena Nelson',
      country: 'US',
    });
    expect(item.event.metadata).toMatchObject({ waId: '16505551234' });
    expect(item.event.metadata).not.toHaveProperty('bsuid');
  });

  it('is the BSUID with the phone beside it when both are present, and the parent BSUID kept', () => {
    const item = onlyMessage(inbound(ana, 'text', hello));
    expect(item.event.sender).toMatchObject({
      kind: 'whatsapp_bsuid',
      externalId: ana.bsuid,
      otherIdentities: [{ kind: 'phone', externalId: ana.e164, verified: true }],
    });
    expect(item.event.metadata).toMatchObject({ bsuid: ana.bsuid, parentBsuid: ana.parentBsuid, waId: ana.phone });
  });

  it('takes the BSUID and the phone from the contact when the message names only one of them', () => {
    const byPhone = message({ phone: ana.phone }, 'text', hello);
    const byBsuid = message({ bsuid: ana.bsuid }, 'text', hello);
    const [a, b] = messagesOf(delivery(messagesChange({ contacts: [contact(ana)], messages: [byPhone, byBsuid] })));
    for (const item of [a, b]) {
      expect(item?.event.sender).toMatchObject({
        kind: 'whatsapp_bsuid',
        externalId: ana.bsuid,
        otherIdentities: [{ externalId: ana.e164 }],
      });
      expect(item?.event.sender.displayName).toBe('Ana Ruiz');
    }
  });

  it('matches each message to its own contact when a change holds two people', () => {
    const change = messagesChange({
      contacts: [contact(luis), contact({ bsuid: ana.bsuid, name: ana.name })],
      messages: [message({ bsuid: ana.bsuid }, 'text', { body: 'soy Ana' }), message({ phone: luis.phone }, 'text', { body: 'soy Luis' })],
    });
    const [first, second] = messagesOf(delivery(change));
    expect(first?.event.sender).toEqual({
      kind: 'whatsapp_bsuid',
      externalId: ana.bsuid,
      verified: true,
      displayName: 'Ana Ruiz',
      country: 'ES',
    });
    expect(second?.event.sender).toMatchObject({ kind: 'whatsapp_bsuid', externalId: luis.bsuid, displayName: 'Luis Peña', country: 'MX' });
    // WhatsApp's 521 prefix for Mexican mobiles is dialled as +52.
    expect(second?.event.sender.otherIdentities).toEqual([{ kind: 'phone', externalId: luis.e164, verified: true }]);
    expect(second?.event.metadata?.waId).toBe(luis.phone);
  });

  it('names the profile by username when it has no name', () => {
    expect(onlyMessage(inbound({ bsuid: 'US.1', username: '@kim' }, 'text', hello)).event.sender.displayName).toBe('@kim');
  });

  it('takes the country from the phone, else from the BSUID prefix when it is a real country', () => {
    expect(onlyMessage(inbound({ bsuid: 'DE.445566' }, 'text', hello)).event.sender.country).toBe('DE');
    expect(onlyMessage(inbound({ bsuid: 'ES.445566', phone: '33612345678' }, 'text', hello)).event.sender.country).toBe('FR');
    // An unassigned British test number names no country; the BSUID still does.
    expect(onlyMessage(inbound({ bsuid: 'ES.445566', phone: '447700900123' }, 'text', hello)).event.sender.country).toBe('ES');
    expect(onlyMessage(inbound({ bsuid: 'ZZ.445566' }, 'text', hello)).event.sender.country).toBeUndefined();
    expect(bsuidCountry('US.ENT.11815799212886844830')).toBe('US');
    expect(bsuidCountry('XK.1')).toBeNull();
    expect(bsuidCountry('es.1')).toBeNull();
  });

  it('refuses only the message that names no one, with its path', () => {
    const change = messagesChange({
      messages: [message({}, 'text', hello), message({ phone: '12' }, 'text', hello), message(ana, 'text', hello)],
    });
    const parsed = parseDelivery(delivery(change), { now: NOW });
    expect(parsed.items).toHaveLength(1);
    expect(parsed.problems).toEqual([
      'entry[0].changes[0].value.messages[0]: names no sender: neither from_user_id nor from',
      'entry[0].changes[0].value.messages[1]: names no sender: neither from_user_id nor from',
    ]);
  });

  it('refuses a phone that is not one when there is no BSUID to fall back on', () => {
    const parsed = parseDelivery(inbound({ phone: '99999' }, 'text', hello), { now: NOW });
    expect(parsed.items).toHaveLength(0);
    expect(parsed.problems).toEqual([
      'entry[0].changes[0].value.messages[0]: from 99999 is not a phone number and there is no from_user_id',
    ]);
  });
});

describe('what a message points at', () => {
  it('threads a quoted reply onto the quoted message', () => {
    const item = onlyMessage(inbound(ana, 'text', hello, { context: { from: '15550783881', id: 'wamid.QUOTED' } }));
    expect(item.event.thread).toEqual({ contactThread: true, inReplyTo: ['wamid.QUOTED'] });
    expect(item.event.metadata?.context).toEqual({ id: 'wamid.QUOTED', from: '15550783881' });
  });

  it('marks forwarded messages and keeps the product asked about', () => {
    const forwarded = onlyMessage(inbound(ana, 'text', hello, { context: { forwarded: true } }));
    expect(forwarded.event.metadata).toMatchObject({ forwarded: true });
    expect(forwarded.event.thread).toEqual({ contactThread: true });
    const often = onlyMessage(inbound(ana, 'text', hello, { context: { frequently_forwarded: true } }));
    expect(often.event.metadata).toMatchObject({ forwarded: true, frequentlyForwarded: true });
    const asked = onlyMessage(
      inbound(ana, 'text', hello, {
        context: { from: '15550783881', id: 'wamid.P', referred_product: { catalog_id: 'C1', product_retailer_id: 'SKU' } },
      }),
    );
    expect(asked.event.metadata?.context).toEqual({
      id: 'wamid.P',
      from: '15550783881',
      product: { catalogId: 'C1', productRetailerId: 'SKU' },
    });
  });

  it('keeps the ad a click-to-WhatsApp customer came from', () => {
    const referral = {
      source_url: 'https://fb.me/3cr4Wqqkk',
      source_id: '2012',
      source_type: 'ad',
      headline: 'Rebajas de invierno',
      body: '20% en abrigos',
      media_type: 'image',
      ctwa_clid: 'secret-ish click id',
    };
    const item = onlyMessage(inbound(ana, 'text', hello, { referral }));
    expect(item.event.metadata?.referral).toEqual({
      sourceUrl: 'https://fb.me/3cr4Wqqkk',
      sourceId: '2012',
      sourceType: 'ad',
      headline: 'Rebajas de invierno',
      body: '20% en abrigos',
      mediaType: 'image',
    });
  });

  it('dates a message by its timestamp, or now when it has none a clock could give', () => {
    expect(onlyMessage(inbound(ana, 'text', hello, { timestamp: 1_790_000_000 })).event.occurredAt).toEqual(new Date(1_790_000_000_000));
    for (const timestamp of [undefined, 'yesterday', '99999999999', '0', -5, 1.5]) {
      expect(onlyMessage(inbound(ana, 'text', hello, { timestamp })).event.occurredAt).toEqual(NOW);
    }
  });
});
