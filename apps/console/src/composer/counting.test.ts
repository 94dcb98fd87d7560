import { X_TEXT_COUNTING } from '@centralita/channel-twitter';
import { describe, expect, it } from 'vitest';
import { findUrls, measureText } from './counting.ts';

// X's published weighting (twitter-text v3), as the X adapter declares it in its presentation.
const X = X_TEXT_COUNTING;

// Each expected figure is what twitter-text's parseTweet gives the same text.
describe('counting a text the way X does', () => {
  it('counts any link as 23, with or without https://, and leaves the punctuation after it out', () => {
    expect(measureText('see https://example.com/a/very/long/path/that/goes/on?and=on#and', X)).toBe(27);
    expect(measureText('example.com and www.shop.es/oferta', X)).toBe(51);
    expect(measureText('(https://example.com/a).', X)).toBe(26);
    // An email address is not a link, nor is a decimal number.
    expect(measureText('mail ana@example.com', X)).toBe(20);
    expect(measureText('Precio: 1.5 €', X)).toBe(14);
    expect(findUrls('foo.txt and v1.2.3')).toEqual([]);
  });

  it('counts an emoji as 2 however many code points draw it', () => {
    expect(measureText('👍🏽', X)).toBe(2);
    expect(measureText('👨‍👩‍👧 family', X)).toBe(9);
    expect(measureText('🇪🇸🇲🇽', X)).toBe(4);
    expect(measureText('1️⃣ first', X)).toBe(8);
    // "©" alone is a Latin-1 symbol (1); with the emoji selector it is an emoji (2).
    expect(measureText('©️ and © and ™', X)).toBe(15);
    expect(measureText('🙂'.repeat(140), X)).toBe(280);
  });

  it('counts Chinese, Japanese and Korean characters as 2, and accents after NFC', () => {
    expect(measureText('中文字', X)).toBe(6);
    expect(measureText('こんにちは', X)).toBe(10);
    expect(measureText('한국어', X)).toBe(6);
    expect(measureText('e\u0301', X)).toBe(1);
    expect(measureText('…—', X)).toBe(3);
    expect(measureText('😀 https://t.co/x 中 é', X)).toBe(31);
  });

  it('counts code points where the channel describes no weighting', () => {
    expect(measureText('👍🏽 https://example.com', null)).toBe(22);
    expect(measureText('中文', undefined)).toBe(2);
  });
});
