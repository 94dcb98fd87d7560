import type { ChannelKind } from '../api/types.ts';

/** How a channel counts length, as its adapter describes it (channel-kit's `TextCounting`). */
export type TextCounting = NonNullable<ChannelKind['textCounting']>;

/**
 * A text's length the channel's way: one per code point unless the channel describes its own
 * weighting (X: a URL counts 23, an emoji or a CJK character 2). The server measures with the
 * adapter's own code and has the last word; this lets the composer say it before sending.
 */
export function measureText(text: string, counting: TextCounting | null | undefined): number {
  if (!counting) return codePoints(text);
  const normal = counting.normalization ? text.normalize(counting.normalization) : text;
  let total = 0;
  let at = 0;
  for (const url of findUrls(normal)) {
    total += weighGraphemes(normal.slice(at, url.start), counting) + counting.urlLength;
    at = url.end;
  }
  return total + weighGraphemes(normal.slice(at), counting);
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// Segmenters are costly to make and hold no state between calls: one for the whole console.
let segmenter: Intl.Segmenter | null = null;

function weighGraphemes(text: string, counting: TextCounting): number {
  if (text === '') return 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let total = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (isEmoji(segment)) {
      total += counting.emojiWeight;
      continue;
    }
    for (const ch of segment) total += weightOf(ch.codePointAt(0) ?? 0, counting);
  }
  return total;
}

function weightOf(codePoint: number, counting: TextCounting): number {
  for (const r of counting.ranges) if (codePoint >= r.from && codePoint <= r.to) return r.weight;
  return counting.defaultWeight;
}

const PICTOGRAPH = /\p{Extended_Pictographic}/u;
// What makes a pictograph an emoji rather than a text symbol: "©" alone is text, "©️" an emoji.
const AS_EMOJI = /\p{Emoji_Presentation}|\p{Emoji_Modifier}|\uFE0F|\u200D/u;
const FLAG_OR_KEYCAP = /\p{Regional_Indicator}|\u20E3/u;

/** One grapheme drawn as an emoji: a flag, a keycap, or a pictograph in emoji presentation. */
function isEmoji(grapheme: string): boolean {
  return FLAG_OR_KEYCAP.test(grapheme) || (PICTOGRAPH.test(grapheme) && AS_EMOJI.test(grapheme));
}

// Top-level domains a bare address may end in to count as a link: every two-letter one (country
// codes) and the common generic ones. Close to what X links; the server's count decides.
const GENERIC_TLDS =
  'com|net|org|info|biz|edu|gov|mil|int|name|pro|mobi|app|dev|xyz|online|site|shop|store|tech|blog|news|club|top|live|life|world|today|cloud|page|link|email|digital|media|agency|company|group|solutions|services|network|systems|travel|museum|aero|coop|jobs|asia|tel|cat|eus|gal|bio|eco|art|design|studio|space|website|ai';
const HOST = `(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:[a-z]{2}|${GENERIC_TLDS})`;
const SCHEME_HOST = `(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+(?:[a-z]{2}|${GENERIC_TLDS}|[\\p{L}]{2,})`;
const PATH = '(?::\\d{1,5})?(?:[/?#][^\\s<>"]*)?';
const URL = new RegExp(
  `(?:https?://${SCHEME_HOST}(?![\\p{L}\\p{N}-])${PATH})|(?<![\\p{L}\\p{N}@.\\-_/#$])(?:${HOST})(?![\\p{L}\\p{N}\\-_@])${PATH}`,
  'giu',
);
const TRAILING = /[.,:;!?'"’”»]+$/u;

/** Where links are in the text, in order: the spans the channel counts as one link each. */
export function findUrls(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(URL)) {
    const start = m.index;
    const url = trimUrl(m[0]);
    out.push({ start, end: start + url.length });
  }
  return out;
}

/** Punctuation after a link ends the sentence, not the link; a closing bracket only when unopened. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const before = u;
    u = u.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      if (u.endsWith(close) && count(u, close) > count(u, open)) u = u.slice(0, -1);
    }
    if (u === before) return u;
  }
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}
