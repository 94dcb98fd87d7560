import { createHmac } from 'node:crypto';

// Reply prefixes as mail clients write them across languages: Re, Fwd/Fw (English), AW/WG
// (German), RV/RE (Spanish Outlook), RES/ENC (Portuguese), TR (French), SV/VS (Nordic),
// Antw (Dutch), Odp (Polish), and the numbered "Re[2]:" some clients use.
const PREFIX = /^\s*(?:(?:re|fwd?|aw|wg|rv|res|enc|tr|sv|vs|antw|odp|ynt|r)(?:\s*\[\d+\]|\s*\(\d+\))?\s*[:：]\s*)+/i;
const TAG = /\[#[A-Z0-9]{10}\]/gi;
// Crockford's base32 without I, L, O, U: nothing a customer could misread when quoting a token.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The subject a reply and its original share: prefixes, list tags in brackets, our reply token,
 * case and spacing removed. Empty for subjects that say nothing ("", "Re:", "(no subject)").
 */
export function normaliseSubject(subject: string | null | undefined): string {
  let s = (subject ?? '').replace(TAG, ' ');
  // Prefixes can follow a list tag ("[soporte] Re: ...") and repeat ("RE: AW: Fwd:").
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/^\s*\[[^\]]{1,40}\]\s*/, '').replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  const key = s.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
  return key === '(no subject)' || key === '(sin asunto)' ? '' : key;
}

/**
 * A conversation's reply token: ten base32 characters of an HMAC of its id, so it is stable
 * across retries (the same mail always carries the same token) and cannot be guessed or forged
 * to slip a message into someone else's conversation.
 */
export function replyToken(secret: string, conversationId: string): string {
  const mac = createHmac('sha256', secret).update(conversationId).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of mac) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 10) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 10) break;
  }
  return out;
}

/** The subject of an outgoing reply: "Re: " once, the original subject, and the token tag. */
export function replySubject(subject: string | null | undefined, token: string): string {
  const base = (subject ?? '').replace(TAG, '').trim();
  const clean = base.replace(PREFIX, '').trim();
  const text = clean ? `Re: ${clean}` : 'Re: (no subject)';
  return `${text} [#${token}]`;
}

/** A reply token found in a subject tag or a plus address (`user+c-TOKEN@domain`), upper-cased. */
export function findReplyToken(subject: string | null | undefined, addresses: readonly string[]): string | null {
  for (const a of addresses) {
    const m = /\+c-([0-9a-z]{10})@/i.exec(a);
    if (m?.[1]) return m[1].toUpperCase();
  }
  const tag = /\[#([0-9A-Z]{10})\]/i.exec(subject ?? '');
  return tag?.[1] ? tag[1].toUpperCase() : null;
}

/** The support address with the token as its plus part: soporte+c-TOKEN@example.com. */
export function plusAddress(address: string, token: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+c-${token.toLowerCase()}${address.slice(at)}`;
}
