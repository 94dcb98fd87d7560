import { describe, expect, it } from 'vitest';
import { DM_LIMIT, measureDm, measurePost, POST_LIMIT, splitThread } from './text.ts';

const LABEL = / \((\d+)\/(\d+)\)$/;

/** The parts without their labels, checking that the labels run 1..n in order. */
function unlabel(parts: string[]): string[] {
  return parts.map((part, i) => {
    const m = LABEL.exec(part);
    expect(m, `part ${i + 1} has a label`).not.toBeNull();
    expect([Number(m?.[1]), Number(m?.[2])]).toEqual([i + 1, parts.length]);
    return part.replace(LABEL, '');
  });
}

const wordsOf = (texts: string[]) => texts.join(' ').split(/\s+/).filter(Boolean);
const graphemesOf = (text: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

const reply = [
  'Hi Marta 👋 thanks for waiting, and sorry again for the trouble with order #A-20931.',
  'I checked with the warehouse: the parcel left Madrid yesterday and the carrier shows it in transit 🚚.',
  'You can follow it here https://tracking.example-carrier.com/shipments/ES/2026/09/AB12345678CD?lang=es&ref=centralita-support and it should reach you on Friday.',
  'If the size is still wrong, the free return form is at https://help.example-shop.com/returns/start?order=A-20931&utm_source=x&utm_medium=reply',
  'and our size guide lives at https://www.example-shop.com/guides/sizing/women/shoes-and-boots-european-sizes-explained 👟👍🏽',
  'Write to @ExampleShopHelp with #A20931 any time, we are here for you 🇪🇸❤️',
].join(' ');

describe('measurePost', () => {
  it('counts every URL as 23 whatever its length', () => {
    expect(measurePost(`https://example.com/${'a'.repeat(120)}`)).toBe(23);
    expect(measurePost('Track it: https://example.com/t/1')).toBe('Track it: '.length + 23);
  });

  it('counts emoji as 2, including ZWJ sequences, skin tones and flags', () => {
    expect(measurePost('👍')).toBe(2);
    expect(measurePost('👨‍👩‍👧‍👦')).toBe(2);
    expect(measurePost('👍🏽')).toBe(2);
    expect(measurePost('🇪🇸')).toBe(2);
    expect(measurePost('ok 👍')).toBe(5);
  });

  it('counts CJK characters as 2', () => {
    expect(measurePost('日本語')).toBe(6);
    expect(measurePost('한국어')).toBe(6);
  });

  it('counts a decomposed accent as one character, as X normalises to NFC', () => {
    expect(measurePost('cafe\u0301')).toBe(4);
  });
});

describe('measureDm', () => {
  it('counts code points, so emoji are not double-counted as they are by UTF-16 length', () => {
    const emoji = '😀'.repeat(DM_LIMIT);
    expect(emoji.length).toBe(2 * DM_LIMIT);
    expect(measureDm(emoji)).toBe(DM_LIMIT);
  });

  it('puts a 10,001-code-point DM over the limit', () => {
    expect(measureDm(`${'a'.repeat(9_999)}😀😀`)).toBe(10_001);
    expect(measureDm(`${'a'.repeat(9_999)}😀😀`)).toBeGreaterThan(DM_LIMIT);
  });

  it('does not weight URLs as posts do', () => {
    const url = `https://example.com/${'a'.repeat(100)}`;
    expect(measureDm(url)).toBe(url.length);
  });
});

describe('splitThread', () => {
  it('returns a text that fits unchanged, even exactly at the limit', () => {
    const exact = `${'a'.repeat(POST_LIMIT - 23 - 4)} 👍 https://example.com/${'x'.repeat(60)}`;
    expect(measurePost(exact)).toBe(POST_LIMIT);
    expect(splitThread(exact)).toEqual([exact]);
    expect(splitThread('a'.repeat(POST_LIMIT))).toEqual(['a'.repeat(POST_LIMIT)]);
    expect(splitThread(`${exact}!`)).toHaveLength(2);
  });

  it('splits a long reply with URLs and emoji into numbered posts that keep every word and URL whole', () => {
    expect(reply.length).toBeGreaterThan(600);
    const parts = splitThread(reply);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(measurePost(part)).toBeLessThanOrEqual(POST_LIMIT);
    const bodies = unlabel(parts);
    expect(wordsOf(bodies)).toEqual(wordsOf([reply]));
    for (const url of reply.match(/https:\/\/\S+/g) ?? []) {
      expect(bodies.filter((b) => b.includes(url))).toHaveLength(1);
    }
    expect(bodies.some((b) => b.includes('🇪🇸❤️'))).toBe(true);
  });

  it('ends posts at sentence ends when one leaves the post at least half full', () => {
    const sentence = (i: number) => `Sentence number ${i} says a little more about the refund we sent today.`;
    const text = Array.from({ length: 12 }, (_, i) => sentence(i + 1)).join(' ');
    const bodies = unlabel(splitThread(text));
    for (const body of bodies) expect(body).toMatch(/\.$/);
    expect(bodies.join(' ')).toBe(text);
  });

  it('cuts at paragraph breaks without leaving blank lines at the ends of posts', () => {
    const paragraph = (i: number) => `Paragraph ${i} explains one more step of the return, in a few plain words`;
    const text = Array.from({ length: 8 }, (_, i) => paragraph(i + 1)).join('\n\n');
    const bodies = unlabel(splitThread(text));
    for (const body of bodies) expect(body).toMatch(/words$/);
    expect(bodies.join('\n\n')).toBe(text);
  });

  it('keeps @mentions and #hashtags whole at a cut', () => {
    const text = Array.from({ length: 40 }, (_, i) => `@customer_${i} #Case${i}`).join(' ');
    const bodies = unlabel(splitThread(text));
    expect(wordsOf(bodies)).toEqual(wordsOf([text]));
  });

  it('never cuts an emoji, even in a run of emoji with no spaces', () => {
    const text = '👨‍👩‍👧‍👦🇪🇸👍🏽'.repeat(60);
    const parts = splitThread(text);
    for (const part of parts) expect(measurePost(part)).toBeLessThanOrEqual(POST_LIMIT);
    const bodies = unlabel(parts);
    expect(bodies.join('')).toBe(text);
    for (const body of bodies) {
      for (const g of graphemesOf(body)) expect(['👨‍👩‍👧‍👦', '🇪🇸', '👍🏽']).toContain(g);
    }
  });

  it('splits Japanese written without spaces at its word and sentence boundaries', () => {
    const text = 'ご注文の商品は昨日マドリードの倉庫から発送されました。'.repeat(8);
    const parts = splitThread(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(measurePost(part)).toBeLessThanOrEqual(POST_LIMIT);
    const bodies = unlabel(parts);
    expect(bodies.join('')).toBe(text);
    for (const body of bodies) expect(body).toMatch(/。$/);
  });

  it('cuts inside a word only when that word alone is longer than a post', () => {
    const long = `#${'Refund'.repeat(60)}`;
    const text = `Please see ${long} for details`;
    const parts = splitThread(text);
    for (const part of parts) expect(measurePost(part)).toBeLessThanOrEqual(POST_LIMIT);
    const bodies = unlabel(parts);
    expect(bodies.length).toBeGreaterThan(1);
    expect(bodies.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    for (const word of ['Please', 'see', 'for', 'details']) expect(wordsOf(bodies)).toContain(word);
  });

  it('widens the label when a thread passes nine posts', () => {
    const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const parts = splitThread(text);
    expect(parts.length).toBeGreaterThan(9);
    for (const part of parts) expect(measurePost(part)).toBeLessThanOrEqual(POST_LIMIT);
    expect(wordsOf(unlabel(parts))).toEqual(wordsOf([text]));
  });

  it('honours a smaller limit', () => {
    const parts = splitThread(reply, 140);
    for (const part of parts) expect(measurePost(part)).toBeLessThanOrEqual(140);
    expect(wordsOf(unlabel(parts))).toEqual(wordsOf([reply]));
  });

  it('says so when the limit cannot hold a single character and its label', () => {
    expect(() => splitThread('a'.repeat(20), 5)).toThrow(RangeError);
  });
});
