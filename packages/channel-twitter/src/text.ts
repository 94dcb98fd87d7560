import twitter from 'twitter-text';

/** The most weighted characters X accepts in one post. */
export const POST_LIMIT = 280;

/** The most characters X accepts in one direct message ("Text messages support up to 10,000 characters"). */
export const DM_LIMIT = 10_000;

/**
 * The weighted length X gives a post: every URL 23 whatever its length, most emoji and CJK 2,
 * after normalising to NFC (X's own `twitter-text` counter).
 * @example measurePost('see https://example.com/a/very/long/path') // 27
 */
export function measurePost(text: string): number {
  return twitter.parseTweet(text).weightedLength;
}

/**
 * The length X gives a direct message: code points, with no URL or emoji weighting.
 * X documents "characters" without saying whether DMs are normalised, so this takes the larger of
 * the text as given and its NFC form: a DM that measures within DM_LIMIT is never rejected for length.
 */
export function measureDm(text: string): number {
  return Math.max(codePoints(text), codePoints(text.normalize('NFC')));
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Splits `text` into thread posts labelled " (i/n)", each measuring at most `limit` by measurePost.
 * Cuts prefer a sentence end, then white space, then a word boundary in scripts written without
 * spaces; they never fall inside a URL, @mention, #hashtag, $cashtag or grapheme (emoji with skin
 * tones, ZWJ sequences and flags stay whole), and inside a word only when that word alone is too long.
 * White space at a cut is dropped. Returns `[text]` unchanged when it fits.
 * @throws RangeError when `limit` cannot hold even one grapheme and its label.
 */
export function splitThread(text: string, limit: number = POST_LIMIT): string[] {
  if (measurePost(text) <= limit) return [text];
  const cuts = findCuts(text, limit);
  // The label's width depends on the part count: pack for the widest label of each digit count
  // until the count fits it.
  for (let digits = 1; digits <= MAX_LABEL_DIGITS; digits++) {
    const widest = ` (${'9'.repeat(digits)}/${'9'.repeat(digits)})`;
    const chunks = pack(text, cuts, limit, widest);
    if (String(chunks.length).length <= digits) {
      return chunks.map((chunk, i) => `${chunk} (${i + 1}/${chunks.length})`);
    }
  }
  throw new RangeError(`The text needs more than ${'9'.repeat(MAX_LABEL_DIGITS)} posts of ${limit} characters`);
}

const MAX_LABEL_DIGITS = 4;
const WIDEST_LABEL = 4 + 2 * MAX_LABEL_DIGITS;

/** How good a cut is: higher is better. */
const Level = { insideWord: 0, wordEdge: 1, softWord: 2, space: 3, sentence: 4, end: 5 } as const;

interface Cut {
  /** Where the part before the cut ends (exclusive). */
  end: number;
  /** Where the next part starts (after any white space). */
  next: number;
  level: number;
}

const words = new Intl.Segmenter('en', { granularity: 'word' });
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

// Scripts whose words are not separated by spaces, where a dictionary word boundary is a fair cut.
const NO_SPACE_SCRIPT =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\u3000-\u303f\uff00-\uffef]/u;
const SPACE = /^\s+$/u;

/** Every place the text may be cut, in order, ending with the end of the text. */
function findCuts(text: string, limit: number): Cut[] {
  const entities = twitter.extractEntitiesWithIndices(text).map((e) => e.indices);
  const insideEntity = (i: number) => entities.some(([a, b]) => i > a && i < b);
  const graphemeStarts = new Set(segmentAll(graphemes, text).map((g) => g.index));
  const sentenceStarts = new Set(segmentAll(sentences, text).map((s) => s.index));

  // Atoms: word-segmenter pieces, merged so that no entity and no grapheme is split, and so that
  // a run of blank lines is one stretch of white space.
  const atoms: { start: number; end: number; wordLike: boolean }[] = [];
  for (const w of segmentAll(words, text)) {
    const last = atoms.at(-1);
    const blank = last && SPACE.test(w.segment) && SPACE.test(text.slice(last.start, last.end));
    if (last && (blank || insideEntity(w.index) || !graphemeStarts.has(w.index))) {
      last.end = w.index + w.segment.length;
      last.wordLike ||= w.isWordLike === true;
      continue;
    }
    atoms.push({ start: w.index, end: w.index + w.segment.length, wordLike: w.isWordLike === true });
  }

  const cuts: Cut[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i] as (typeof atoms)[number];
    const body = text.slice(atom.start, atom.end);
    if (SPACE.test(body)) {
      const sentenceEnd = sentenceStarts.has(atom.start) || sentenceStarts.has(atom.end);
      if (atom.start > 0) cuts.push({ end: atom.start, next: atom.end, level: sentenceEnd ? Level.sentence : Level.space });
      continue;
    }
    // A weight is at most 2 per code point, so only a long atom needs measuring.
    if (2 * body.length + WIDEST_LABEL > limit && measurePost(body) + WIDEST_LABEL > limit) cuts.push(...cutsInside(body, atom.start));
    const following = atoms[i + 1];
    if (!following || SPACE.test(text.slice(following.start, following.end))) continue;
    cuts.push({ end: atom.end, next: atom.end, level: edgeLevel(text, atom, sentenceStarts) });
  }
  const end = text.trimEnd().length;
  return [...cuts.filter((c) => c.end < end), { end, next: end, level: Level.end }];
}

function edgeLevel(text: string, before: { end: number; wordLike: boolean }, sentenceStarts: Set<number>): number {
  if (sentenceStarts.has(before.end)) return Level.sentence;
  const around = text.slice(Math.max(0, before.end - 2), before.end + 2);
  if (NO_SPACE_SCRIPT.test(around) || !before.wordLike) return Level.softWord;
  return Level.wordEdge;
}

/**
 * Segments `text` a window at a time: V8's segment iterator slows down quadratically on long
 * strings (seconds for a 30,000-character text). Each window starts at a boundary the previous
 * one found, and its last segment is left for the next window, which may still extend it.
 */
function segmentAll(segmenter: Intl.Segmenter, text: string): Intl.SegmentData[] {
  const all: Intl.SegmentData[] = [];
  let from = 0;
  while (from < text.length) {
    const window = text.slice(from, from + SEGMENT_WINDOW);
    const found = [...segmenter.segment(window)];
    const last = from + SEGMENT_WINDOW >= text.length || found.length < 2 ? found.length : found.length - 1;
    for (let i = 0; i < last; i++) {
      const s = found[i] as Intl.SegmentData;
      all.push({ ...s, index: s.index + from, input: text });
    }
    const next = found[last];
    from = next ? from + next.index : from + window.length;
  }
  return all;
}

const SEGMENT_WINDOW = 1024;

/** Grapheme boundaries inside an atom too long for any part (a very long word or hashtag). */
function cutsInside(body: string, offset: number): Cut[] {
  const cuts: Cut[] = [];
  for (const g of segmentAll(graphemes, body)) {
    if (g.index > 0) cuts.push({ end: offset + g.index, next: offset + g.index, level: Level.insideWord });
  }
  return cuts;
}

/** Greedily fills parts, each taking the best cut that fits with the widest label. */
function pack(text: string, cuts: Cut[], limit: number, widest: string): string[] {
  const parts: string[] = [];
  let start = text.length - text.trimStart().length;
  let first = 0;
  while (first < cuts.length) {
    while ((cuts[first] as Cut).end <= start) first++;
    const fits = (j: number) => measurePost(text.slice(start, (cuts[j] as Cut).end) + widest) <= limit;
    const chosen = choose(
      cuts,
      first,
      farthestFitting(first, cuts.length, fits),
      (cut) => measurePost(text.slice(start, cut.end) + widest),
      limit,
    );
    if (!chosen) {
      const stuck = text.slice(start, (cuts[first] as Cut).end);
      throw new RangeError(`A limit of ${limit} cannot hold "${stuck}" with its " (i/n)" label`);
    }
    parts.push(text.slice(start, chosen.end));
    start = chosen.next;
    if (chosen.level === Level.end) break;
  }
  return parts;
}

/**
 * The last index in [first, count) whose part fits, or first - 1. Gallops then bisects, so a part
 * costs a few measurements of about its own length; a weight only grows as a part takes more atoms.
 */
function farthestFitting(first: number, count: number, fits: (j: number) => boolean): number {
  let lo = first - 1;
  let step = 1;
  let hi = first;
  while (hi < count && fits(hi)) {
    lo = hi;
    step *= 2;
    hi = Math.min(count, first + step - 1);
  }
  hi = Math.min(hi, count);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

// Among the cuts that fit, a better kind of cut is taken only if it keeps the part at least half
// full, so that one early sentence end does not make a thread of tiny posts.
function choose(cuts: Cut[], first: number, last: number, weigh: (cut: Cut) => number, limit: number): Cut | undefined {
  if (last < first) return undefined;
  const farthest = cuts[last] as Cut;
  for (let level = Level.end; level > farthest.level; level--) {
    let j = last;
    while (j >= first && (cuts[j] as Cut).level < level) j--;
    const cut = cuts[j];
    if (cut && j >= first && weigh(cut) >= limit / 2) return cut;
  }
  return farthest;
}
