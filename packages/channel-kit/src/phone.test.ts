import { describe, expect, it } from 'vitest';
import { phoneCountry, toE164 } from './phone.ts';

describe('toE164', () => {
  it('reads WhatsApp wa_ids (international digits without a plus)', () => {
    expect(toE164('34600123456')).toBe('+34600123456');
    // Mexico's wa_ids keep the mobile prefix "1" the numbering plan dropped.
    expect(toE164('5215512345678')).toBe('+525512345678');
  });

  it('reads national numbers only with a default country', () => {
    expect(toE164('600 12 34 56', 'ES')).toBe('+34600123456');
    expect(toE164('+34 600-12-34-56')).toBe('+34600123456');
  });

  it('refuses what is not a possible number', () => {
    expect(toE164('')).toBeNull();
    expect(toE164('12')).toBeNull();
    expect(toE164('not a phone')).toBeNull();
    expect(toE164('9'.repeat(60))).toBeNull();
  });
});

describe('phoneCountry', () => {
  it('names the country a calling code and number belong to', () => {
    expect(phoneCountry('+34600123456')).toBe('ES');
    expect(phoneCountry('+12125551234')).toBe('US');
    expect(phoneCountry('+442071234567')).toBe('GB');
  });

  it('is null for an invalid number', () => {
    expect(phoneCountry('+999')).toBeNull();
  });
});
