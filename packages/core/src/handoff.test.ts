import { describe, expect, it } from 'vitest';
import { findHandoffCodes, newHandoffCode } from './handoff.ts';

describe('handoff codes', () => {
  it('finds a code wherever the customer put it, however they typed it', () => {
    const code = newHandoffCode();
    const body = code.slice(4);
    expect(findHandoffCodes(`Hola, vengo de X. Mi referencia: ${code}`)).toEqual([code]);
    expect(findHandoffCodes(`ref ${body.toLowerCase()} gracias`)).toEqual([code]);
    expect(findHandoffCodes(`REF${body}`)).toEqual([code]);
  });

  it('reads the letters people confuse with digits as those digits', () => {
    for (let i = 0; i < 50; i++) {
      const code = newHandoffCode();
      if (!/[01]/.test(code.slice(4))) continue;
      const typed = code.replace(/0/g, 'O').replace(/1/g, 'l');
      expect(findHandoffCodes(typed)).toEqual([code]);
      return;
    }
  });

  it('refuses a code with a wrong or swapped character', () => {
    const code = newHandoffCode();
    const chars = [...code.slice(4)];
    const wrong = chars.map((c, i) => (i === 2 ? (c === 'A' ? 'B' : 'A') : c)).join('');
    expect(findHandoffCodes(`REF-${wrong}`)).toEqual([]);
    const swapped = [chars[1], chars[0], ...chars.slice(2)].join('');
    if (swapped !== chars.join('')) expect(findHandoffCodes(`REF-${swapped}`)).toEqual([]);
  });

  it('does not take order numbers or references of other shapes for codes', () => {
    expect(findHandoffCodes('Pedido REF-12345678 del 3/11, REF-123456789012, factura FR-2026-0042')).toEqual([]);
    expect(findHandoffCodes('nothing here')).toEqual([]);
  });
});
