import type { Random } from './random.ts';

/** Lower case, no accents, single spaces: how the matcher compares words (core's foldText does the same). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The folded words of a text (letters and digits only). */
export function wordsOf(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** Levenshtein distance (insert, delete, substitute), for checking misspellings and near misses. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The terms a text names, as the spec's matcher reads them: a term's words in a row, or (for a
 * one-word term of five letters or more) a word one edit away. The generator uses it to keep an
 * unrelated text from naming the outage's service by accident; it is not the product's matcher.
 */
export function termsNamed(text: string, terms: readonly string[]): string[] {
  const words = wordsOf(text);
  const joined = ` ${words.join(' ')} `;
  const found: string[] = [];
  for (const term of terms) {
    const t = wordsOf(term);
    if (t.length === 0) continue;
    const exact = joined.includes(` ${t.join(' ')} `);
    const fuzzy = t.length === 1 && (t[0] as string).length >= 5 && words.some((w) => editDistance(w, t[0] as string) <= 1);
    if (exact || fuzzy) found.push(term);
  }
  return found;
}

// Neighbours on a Spanish keyboard: most one-letter slips hit the key next door.
const NEIGHBOURS: Record<string, string> = {
  a: 'qsz',
  b: 'vgn',
  c: 'xvd',
  d: 'sfe',
  e: 'wrd',
  f: 'dgr',
  g: 'fht',
  h: 'gjy',
  i: 'uok',
  j: 'hku',
  k: 'jli',
  l: 'kño',
  m: 'nj',
  n: 'bmh',
  o: 'ipl',
  p: 'ol',
  q: 'wa',
  r: 'etf',
  s: 'adw',
  t: 'ryg',
  u: 'yij',
  v: 'cbf',
  w: 'qes',
  x: 'zc',
  y: 'tuh',
  z: 'xa',
};

/**
 * One slip of the fingers on a folded word: a doubled letter ("fibrra"), a dropped one ("fbra"),
 * the key next door ("fibta") or an extra one beside it. Always exactly one edit from `word`,
 * and never another of the `avoid` words.
 */
export function misspell(random: Random, word: string, avoid: readonly string[] = []): string {
  for (let tries = 0; tries < 50; tries++) {
    const at = random.int(1, word.length - 1);
    const letter = word[at] as string;
    const near = NEIGHBOURS[letter] ?? 'e';
    const slip = random.pick(['double', 'drop', 'swap', 'extra'] as const);
    const out =
      slip === 'double'
        ? word.slice(0, at) + letter + word.slice(at)
        : slip === 'drop'
          ? word.slice(0, at) + word.slice(at + 1)
          : slip === 'swap'
            ? word.slice(0, at) + random.pick([...near]) + word.slice(at + 1)
            : word.slice(0, at) + random.pick([...near]) + word.slice(at);
    if (out.length >= 4 && editDistance(out, word) === 1 && !avoid.includes(out)) return out;
  }
  throw new Error(`misspell: could not misspell ${word}`);
}
