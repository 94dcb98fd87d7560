/**
 * Handoff reference codes: what a customer carries from one channel to another (a WhatsApp
 * message prefilled through a wa.me link: "REF-7KQ2M4XAB9TC"). Eleven random characters of
 * Crockford's base32 (no I, L, O, U: nothing to misread; two digits at least, so no word passes
 * for one) and a check character: 55 bits, too many to guess or to flood a message with, and a
 * typo or an order number that happens to look like a code is not taken for one.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY = 11;
export const HANDOFF_CODE_PATTERN = /\bREF[-\s]?([0-9A-Z]{12})\b/gi;

/** The check character of a code body: a position-weighted sum modulo 32 (catches most typos and swaps). */
function check(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * ALPHABET.indexOf(body[i] as string);
  return ALPHABET[sum % 32] as string;
}

/** A fresh random code, "REF-" and twelve characters. */
export function newHandoffCode(): string {
  for (;;) {
    let body = '';
    const random = globalThis.crypto.getRandomValues(new Uint8Array(BODY));
    for (const r of random) body += ALPHABET[r % 32];
    const code = `${body}${check(body)}`;
    if (digits(code) >= 2) return `REF-${code}`;
  }
}

/** Codes carry at least two digits, so no word ("referencias") can pass for one. */
function digits(s: string): number {
  return s.replace(/[^0-9]/g, '').length;
}

/**
 * The valid handoff codes in a text, normalised ("ref 7kq2mxa…" → "REF-7KQ2MXA…"); the letters
 * people confuse (O for 0, I and L for 1) are read as the digits they look like.
 */
export function findHandoffCodes(text: string): string[] {
  if (!/ref/i.test(text)) return [];
  const out: string[] = [];
  for (const m of text.matchAll(HANDOFF_CODE_PATTERN)) {
    const raw = (m[1] as string).toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
    if ([...raw].some((c) => !ALPHABET.includes(c)) || digits(raw) < 2) continue;
    const body = raw.slice(0, BODY);
    if (check(body) !== raw[BODY]) continue;
    const code = `REF-${raw}`;
    if (!out.includes(code)) out.push(code);
  }
  return out;
}
