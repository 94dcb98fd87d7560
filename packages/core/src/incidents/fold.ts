// Text as incident matching and the spike detector compare it: accents, case, punctuation and
// spacing never decide whether "Sin conexión!!" and "sin conexion" are the same words.

// Links and handles name other things: "@fibra_madrid" is an account, not a complaint about fibre.
const URL = /\b(?:https?:\/\/|www\.)\S*/giu;
const HANDLE = /@\w+/gu;

const WORD = /[\p{L}\p{N}]+/gu;
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;

/** Lower case without accents; plain ASCII (most of it) skips Unicode normalisation. */
function unaccented(text: string): string {
  const lower = text.toLowerCase();
  return NON_ASCII.test(lower) ? lower.normalize('NFKD').replace(/\p{M}+/gu, '') : lower;
}

/** Lower case, no accents, every run of anything but letters and digits one space, trimmed. */
export function foldText(text: string): string {
  return (unaccented(text).match(WORD) ?? []).join(' ');
}

/** The folded words of a text, links and @handles left out ("#SinFibra" is the word "sinfibra"). */
export function foldedWords(text: string): string[] {
  let plain = text;
  if (plain.includes('http') || plain.includes('www.')) plain = plain.replace(URL, ' ');
  if (plain.includes('@')) plain = plain.replace(HANDLE, ' ');
  return unaccented(plain).match(WORD) ?? [];
}

/**
 * Whether `a` and `b` are at most one edit apart: one letter changed, added, removed, or two
 * neighbours swapped ("fibrra", "fibar" for "fibra"). Linear, allocating nothing: it runs for
 * every word of every inbound message.
 */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la && i === lb) return true;
  if (la === lb) {
    // One substitution, or one transposition of neighbours.
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2);
  }
  // One insertion or deletion: skip the extra letter of the longer word.
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** Whether `a` from `ia` and `b` from `ib` are the same to their ends. */
function sameFrom(a: string, ia: number, b: string, ib: number): boolean {
  if (a.length - ia !== b.length - ib) return false;
  for (let k = 0; ia + k < a.length; k++) if (a.charCodeAt(ia + k) !== b.charCodeAt(ib + k)) return false;
  return true;
}
