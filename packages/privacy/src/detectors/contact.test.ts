import { describe, expect, it } from 'vitest';
import { scanText } from '../scan.ts';

const found = (text: string, country?: string) =>
  scanText(text, country ? { country } : {}).map((f) => [f.type, text.slice(f.start, f.end)]);

describe('phone numbers', () => {
  it('finds numbers written with a country code, alone', () => {
    for (const phone of ['+34 612 345 678', '+34612345678', '0034 612345678', '(+34) 612.345.678', '+44 20 7946 0958'])
      expect(found(`Estoy en el ${phone} hoy`)).toEqual([['phone', phone]]);
  });

  it('finds national numbers in phone blocks, or typed together with a context word', () => {
    expect(found('estoy en el 612 345 678')).toEqual([['phone', '612 345 678']]);
    expect(found('estoy en el 612-34-56-78')).toEqual([['phone', '612-34-56-78']]);
    expect(found('llámame al 612345678')).toEqual([['phone', '612345678']]);
    expect(found('call me on 612345678')).toEqual([['phone', '612345678']]);
    expect(found('estoy en el 612345678')).toEqual([]);
  });

  it('refuses numbers that no country assigned, and a phone-shaped order number', () => {
    expect(found('llámame al 555 123 456')).toEqual([]);
    expect(found('teléfono 123 456 789')).toEqual([]);
    expect(found('estoy en el 612 345 678')).toHaveLength(1);
    expect(found('pedido 612 345 678 sin noticias')).toEqual([]);
    expect(found('tracking PK612345678ES, call me')).toEqual([]);
  });

  it('reads national numbers by the scan country', () => {
    expect(found('call me on 020 7946 0958', 'GB')).toEqual([['phone', '020 7946 0958']]);
    expect(found('call me on 020 7946 0958', 'ES')).toEqual([]);
  });

  it('skips digits an IBAN or card already holds', () => {
    expect(found('llámame, IBAN ES91 2100 0418 4502 0005 1332')).toEqual([['iban', 'ES91 2100 0418 4502 0005 1332']]);
  });
});

describe('email addresses', () => {
  it('finds addresses and stops at the punctuation after them', () => {
    expect(found('escribid a ana.garcia+tienda@correo.example.')).toEqual([['email', 'ana.garcia+tienda@correo.example']]);
    expect(found('Mail: J_Smith99@Mail.Example.org, thanks')).toEqual([['email', 'J_Smith99@Mail.Example.org']]);
  });

  it('refuses handles, bare @ signs and addresses without a domain', () => {
    for (const text of ['@TelcoNova ayuda', 'quedamos @ las 5', 'user@localhost', 'a@b', 'ana@example.c']) expect(found(text)).toEqual([]);
  });

  it('takes the whole address when an identity number is in it', () => {
    expect(found('ana12345678z@example.com')).toEqual([['email', 'ana12345678z@example.com']]);
    expect(found('x.12345678Z@example.com')).toEqual([['email', 'x.12345678Z@example.com']]);
  });
});
