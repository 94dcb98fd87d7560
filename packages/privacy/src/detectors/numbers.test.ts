import { composeIBAN, isValidIBAN } from 'ibantools';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../checksums.ts';
import { scanText } from '../scan.ts';
import { cardBrand } from './card.ts';

const found = (text: string) => scanText(text).map((f) => [f.type, text.slice(f.start, f.end)]);

describe('IBANs', () => {
  it('finds IBANs of any country, grouped, together, dashed or in lower case', () => {
    for (const iban of [
      'ES91 2100 0418 4502 0005 1332',
      'ES9121000418450200051332',
      'es91-2100-0418-4502-0005-1332',
      'DE89 3704 0044 0532 0130 00',
      'GB29 NWBK 6016 1331 9268 19',
      'FR14 2004 1010 0505 0001 3M02 606',
    ])
      expect(found(`IBAN: ${iban}.`)).toEqual([['iban', iban]]);
  });

  it('refuses wrong check digits, and a Spanish IBAN whose CCC check digits are wrong', () => {
    expect(found('IBAN ES91 2100 0418 4502 0005 1333')).toEqual([]);
    // Mod 97 recomputed over a BBAN whose CCC digits are wrong (45 -> 46): the IBAN check holds,
    // the Spanish one does not. ibantools checks the CCC since 4.x; this pins it.
    const wrongCcc = composeIBAN({ countryCode: 'ES', bban: '21000418460200051332' }) as string;
    expect(wrongCcc).toMatch(/^ES\d{22}$/);
    expect(found(`IBAN ${wrongCcc}`)).toEqual([]);
    expect(isValidIBAN(composeIBAN({ countryCode: 'ES', bban: '21000418450200051332' }) as string)).toBe(true);
  });

  it('takes exactly the country length, not the word after it', () => {
    expect(found('ES9121000418450200051332 gracias')).toEqual([['iban', 'ES9121000418450200051332']]);
    expect(found('ES91210004184502000513321')).toEqual([]);
  });
});

describe('payment cards', () => {
  it('finds cards of the known issuer ranges that pass Luhn', () => {
    for (const card of [
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      '4111111111111111',
      '5500 0000 0000 0004',
      '3782 822463 10005',
      '6011 1111 1111 1117',
      '3530 1113 3330 0000',
      '2221 0000 0000 0009',
    ])
      expect(found(`tarjeta ${card}`)).toEqual([['card', card]]);
  });

  it('refuses numbers that fail Luhn, fall outside every issuer range, or are grouped oddly', () => {
    expect(found('tarjeta 4111 1111 1111 1112')).toEqual([]);
    expect(cardBrand('1234567890123452')).toBeNull();
    expect(found('tarjeta 1234 5678 9012 3452')).toEqual([]);
    expect(found('tarjeta 41 11 11 11 11 11 11 11')).toEqual([]);
    expect(found('tarjeta 4111/1111/1111/1111')).toEqual([]);
  });

  it('finds a card before its expiry date, and not a Luhn stretch inside a longer number', () => {
    expect(found('card 4111 1111 1111 1111 12/26')).toEqual([['card', '4111 1111 1111 1111']]);
    // 19 digits in blocks of four: its first 16 pass Luhn by chance, but it is one number.
    const body = '401288888888188';
    const sixteen = body + luhnCheckDigit(body);
    const grouped = `${sixteen.slice(0, 4)} ${sixteen.slice(4, 8)} ${sixteen.slice(8, 12)} ${sixteen.slice(12)} 123`;
    expect(found(`ref ${grouped}`)).toEqual([]);
  });
});

describe('ICCID and IMEI', () => {
  it('finds an ICCID of 19 or 20 digits starting 89 with its Luhn digit', () => {
    const iccid19 = `893401${'234567890123'}`;
    const a = iccid19 + luhnCheckDigit(iccid19);
    const iccid20 = `8934071${'234567890123'}`;
    const b = iccid20 + luhnCheckDigit(iccid20);
    expect(found(`SIM ${a}`)).toEqual([['iccid', a]]);
    expect(found(`SIM ${b}`)).toEqual([['iccid', b]]);
    expect(found(`SIM ${a.slice(0, -1)}${(Number(a.slice(-1)) + 1) % 10}`)).toEqual([]);
  });

  it('finds an IMEI written together or in TAC and serial blocks, and refuses a wrong check', () => {
    for (const imei of ['490154203237518', '49-015420-323751-8', '49 015420 323751 8'])
      expect(found(`IMEI ${imei}`)).toEqual([['imei', imei]]);
    expect(found('IMEI 490154203237519')).toEqual([]);
    // Luhn holds but no reporting body allocates type codes starting 12.
    expect(found('IMEI 123456789012347')).toEqual([]);
  });

  it('finds an IMEISV only when the word IMEI or IMEISV is near', () => {
    expect(found('IMEISV 3569380356438091')).toEqual([['imei', '3569380356438091']]);
    expect(found('número 3569380356438091')).toEqual([]);
  });
});
