// Makes a workspace's regular expression safe to run on every message. JavaScript's engine
// backtracks, so "(\d+)+x" or "\d+\d+\d+x" can take minutes on a long run of digits. The guard
// reads the pattern once: it bounds every open-ended repeat ("+", "*", "{n,}") to MAX_REPEAT, and
// estimates the ways a match attempt can split the text (the product of each repeat's range, a
// repeated group's raised to its count) so it can refuse a pattern whose attempts could explode.

/** The most characters one open-ended repeat ("\d+") takes once bounded: workspace ids are short. */
export const MAX_REPEAT = 32;
/**
 * The most ways one match attempt may try to split the text: "[A-Z]+\d+" (32 + 32) and
 * "\d{1,30}\d{1,30}x" (30 x 30) pass; "\d+\d+" (32 x 32), "(a|ab)*" (2^32) do not. A text
 * of 20,000 characters then costs at most some 20 million steps of the engine.
 */
export const MAX_ATTEMPT_COST = 1_000;

/** A pattern made safe: its source with every repeat bounded, and its estimated attempt cost. */
export interface GuardedPattern {
  source: string;
  cost: number;
}

/** Why a pattern is refused. */
export class UnsafePattern extends Error {}

class Reader {
  at = 0;
  out = '';

  constructor(readonly source: string) {}

  peek(offset = 0): string {
    return this.source[this.at + offset] ?? '';
  }

  take(n = 1): string {
    const s = this.source.slice(this.at, this.at + n);
    this.at += n;
    this.out += s;
    return s;
  }
}

/** alternation := sequence ('|' sequence)*; its cost is the sum of its branches'. */
function alternation(r: Reader): number {
  let cost = sequence(r);
  while (r.peek() === '|') {
    r.take();
    cost += sequence(r);
  }
  return cost;
}

/** One part of a sequence: an atom (a character, class, escape or group) and its repeat. */
interface Part {
  ways: number;
  /** The fewest times the atom occurs: an optional one ("x?") fixes no boundary. */
  min: number;
  source: string;
  group: boolean;
}

// Characters to tell whether two atoms can take the same one.
const PROBES = [...'0159amzAMZñéÉß \t\n-._/:#@+,;()[]{}*?!$%&=\\|\'"`~^<>€中'];

function probesTaken(part: Part): Set<string> | null {
  // A group is assumed to take anything: what it takes depends on its whole inside.
  if (part.group) return null;
  try {
    const re = new RegExp(`^(?:${part.source})$`, 'u');
    return new Set(PROBES.filter((c) => re.test(c)));
  } catch {
    return null;
  }
}

/**
 * Whether the boundary between two neighbouring atoms is fixed: no character can be taken by
 * both, so a repeat of the first ends where the second begins ("[A-Z]+\\d+", "\\d+-").
 */
function disjoint(a: Part, b: Part): boolean {
  const ta = probesTaken(a);
  const tb = probesTaken(b);
  if (ta === null || tb === null) return false;
  for (const c of ta) if (tb.has(c)) return false;
  return true;
}

/**
 * Whether the split between parts i and i + 1 is fixed: the next part must take a character,
 * and neither part i nor, past any optional parts ("x?"), the last required one before it can
 * take any character the next one can ("\\d+x?\\d+" is not fixed: with no x, the digits meet).
 */
function fixedBoundary(parts: readonly Part[], i: number): boolean {
  const next = parts[i + 1] as Part;
  if (next.min === 0) return false;
  for (let j = i; j >= 0; j--) {
    const part = parts[j] as Part;
    if (!disjoint(part, next)) return false;
    if (part.min > 0) return true;
  }
  return true;
}

/**
 * sequence := (atom quantifier?)*. Neighbouring repeats that can take the same characters
 * multiply their ways ("\\d+\\d+": 32 x 32); where two neighbours cannot, the split there is
 * fixed and the costs on either side add up ("CLI-\\d+-\\d+": 32 + 32).
 */
function sequence(r: Reader): number {
  const parts: Part[] = [];
  while (r.at < r.source.length && r.peek() !== '|' && r.peek() !== ')') {
    const from = r.out.length;
    const inner = atom(r);
    const source = r.out.slice(from);
    const { ways, min } = quantifier(r, inner);
    parts.push({ ways, min, source, group: source.startsWith('(') });
  }
  let total = 0;
  let stretch = 1;
  parts.forEach((part, i) => {
    stretch *= part.ways;
    if (i + 1 === parts.length || fixedBoundary(parts, i)) {
      if (stretch > 1) total += stretch;
      stretch = 1;
    }
  });
  return Math.max(1, total);
}

function atom(r: Reader): number {
  const c = r.peek();
  if (c === '(') {
    r.take();
    if (r.peek() === '?') {
      // (?: (?= (?! (?<= (?<! (?<name>
      if (r.peek(1) === '<' && r.peek(2) !== '=' && r.peek(2) !== '!') {
        const close = r.source.indexOf('>', r.at);
        r.take(close - r.at + 1);
      } else r.take(r.peek(1) === '<' ? 3 : 2);
    }
    const cost = alternation(r);
    if (r.peek() !== ')') throw new UnsafePattern('has a group that is not closed');
    r.take();
    return cost;
  }
  if (c === '[') {
    r.take();
    if (r.peek() === '^') r.take();
    // A "]" first in a class is a literal only without the u flag; with it, it ends the class.
    while (r.at < r.source.length && r.peek() !== ']') r.take(r.peek() === '\\' ? 2 : 1);
    r.take();
    return 1;
  }
  if (c === '\\') {
    const next = r.peek(1);
    if (/[1-9]/.test(next) || (next === 'k' && r.peek(2) === '<')) throw new UnsafePattern('uses a back-reference');
    if ((next === 'p' || next === 'P' || next === 'u') && r.peek(2) === '{') {
      r.take(r.source.indexOf('}', r.at) - r.at + 1);
      return 1;
    }
    r.take(next === 'x' ? 4 : next === 'u' ? 6 : next === 'c' ? 3 : 2);
    return 1;
  }
  r.take();
  return 1;
}

/** Reads an optional quantifier after an atom of cost `inner`, bounding an open-ended one. */
function quantifier(r: Reader, inner: number): { ways: number; min: number } {
  const c = r.peek();
  let min: number;
  let max: number;
  if (c === '*' || c === '+' || c === '?') {
    min = c === '+' ? 1 : 0;
    max = c === '?' ? 1 : MAX_REPEAT;
    r.at++;
    r.out += c === '?' ? '?' : `{${min},${MAX_REPEAT}}`;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(r.source.slice(r.at));
    if (!m) return { ways: inner, min: 1 };
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Math.max(min, MAX_REPEAT) : Number(m[3]);
    r.at += m[0].length;
    r.out += `{${min},${max}}`;
  } else return { ways: inner, min: 1 };
  if (r.peek() === '?') r.take();
  // Each count from min to max is one way to split; a repeated group multiplies its own ways.
  return { ways: inner === 1 ? max - min + 1 : inner ** max * (max - min + 1), min };
}

/**
 * Bounds the repeats of a pattern source and estimates its cost; throws UnsafePattern when it
 * uses a back-reference or its attempts could split the text more than MAX_ATTEMPT_COST ways.
 * The source must already compile as a regular expression with the u flag.
 */
export function guardPattern(source: string): GuardedPattern {
  const r = new Reader(source);
  const cost = alternation(r);
  if (r.at < source.length) throw new UnsafePattern('has a ")" without its "("');
  if (cost > MAX_ATTEMPT_COST)
    throw new UnsafePattern(
      'repeats parts that can take the same characters (as in "\\d+\\d+" or "(a|ab)*"), which can take exponential time',
    );
  return { source: r.out, cost };
}
