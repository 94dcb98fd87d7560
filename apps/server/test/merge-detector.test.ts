import { describe, expect, it } from 'vitest';
import { defaultCountry, findContactDetails, quote } from '../src/services/merge-detector.ts';

// What the merge detector takes for a phone number or an address in a customer's words: only
// what could be one (a valid number for the contact's country, an address), never order
// numbers, dates, prices or postal codes, which would suggest strangers to each other.
const values = (text: string, country = 'ES') => findContactDetails(text, defaultCountry(country)).map((d) => `${d.kind}:${d.value}`);

describe('contact details in a message', () => {
  it('reads national numbers in the contact’s country, international ones anywhere, and addresses', () => {
    expect(values('Os escribí desde el 612 34 56 78 ayer')).toEqual(['phone:+34612345678']);
    expect(values('Mi móvil: +34 612-345-678.')).toEqual(['phone:+34612345678']);
    expect(values('Call me on 020 7946 0958 please', 'GB')).toEqual(['phone:+442079460958']);
    expect(values('Escribidme a Lucia.Fernandez@Example.com.')).toEqual(['email:lucia.fernandez@example.com']);
  });

  it('takes no order number, date, price or postal code for a phone', () => {
    expect(values('Pedido 123456789 del 12/05/2024, total 45,90 €, CP 28013')).toEqual([]);
    expect(values('Factura F-2024-000123, seguimiento 1Z999AA10123456784')).toEqual([]);
  });

  it('reads Spain when the contact has no country, or one it does not know', () => {
    expect([defaultCountry(null), defaultCountry('ES-CT'), defaultCountry('MX'), defaultCountry('XX')]).toEqual(['ES', 'ES', 'MX', 'ES']);
  });

  it('quotes the words around a finding, marking what it cut', () => {
    const text = `${'a'.repeat(100)} mi número es 612 34 56 78 ${'b'.repeat(100)}`;
    const start = text.indexOf('612');
    expect(quote(text, start, start + 12, 15)).toBe('…a mi número es 612 34 56 78 bbbbbbbbbbbbbb…');
  });
});
