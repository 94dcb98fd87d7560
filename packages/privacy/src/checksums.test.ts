import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cifValid, dniLetter, luhnCheckDigit, luhnValid, nafCheck, nafValid, nieNumber } from './checksums.ts';

describe('check characters', () => {
  it('gives the DNI letters of the official table', () => {
    expect(dniLetter('12345678')).toBe('Z');
    expect(dniLetter('00000000')).toBe('T');
    expect(dniLetter('00000023')).toBe('T');
    expect(dniLetter('00000022')).toBe('E');
    // An NIE's X, Y and Z stand for 0, 1 and 2.
    expect(dniLetter(nieNumber('X', '1234567'))).toBe('L');
    expect(dniLetter(nieNumber('y', '0000000'))).toBe(dniLetter('10000000'));
  });

  it('passes Luhn numbers and fails any one-digit change of them', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('490154203237518')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, delta) => {
        const number = body + luhnCheckDigit(body);
        const i = at % number.length;
        const changed = number.slice(0, i) + String((Number(number[i]) + delta) % 10) + number.slice(i + 1);
        return luhnValid(number) && !luhnValid(changed);
      }),
    );
  });

  it('checks a company NIF by its organisation letter', () => {
    expect(cifValid('B', '1234567', '4')).toBe(true);
    expect(cifValid('B', '1234567', 'D')).toBe(false); // B demands a digit
    expect(cifValid('P', '1234567', 'D')).toBe(true); // P demands a letter (4 -> D)
    expect(cifValid('P', '1234567', '4')).toBe(false);
    expect(cifValid('G', '1234567', '4')).toBe(true); // either
    expect(cifValid('G', '1234567', 'D')).toBe(true);
    expect(cifValid('B', '1234567', '5')).toBe(false);
    expect(cifValid('I', '1234567', '4')).toBe(false); // not an organisation letter
  });

  it('checks a social-security number as the TGSS computes it', () => {
    expect(nafCheck('28', '12345678')).toBe('40');
    expect(nafValid('281234567840')).toBe(true);
    expect(nafValid('281234567841')).toBe(false);
    // Below 10,000,000 the number is province * 10^7 + number: 08 0123456 -> 80123456 mod 97.
    expect(nafCheck('08', '00123456')).toBe(String((8 * 10_000_000 + 123456) % 97).padStart(2, '0'));
    expect(nafValid(`99${'12345678'}${nafCheck('99', '12345678')}`)).toBe(false); // no province 99
  });
});
