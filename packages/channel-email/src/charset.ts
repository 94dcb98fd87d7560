import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * What mail clients do with 8-bit bytes whose charset nobody declared: UTF-8 when they are valid
 * UTF-8, else the charset the message declares for its body, else Windows-1252 (a superset of
 * ISO-8859-1 for printable text, and what "Latin-1" mail from Windows really is).
 */
export const FALLBACK_CHARSET = 'windows-1252';

/** Declared charsets that say nothing about 8-bit bytes: they are read as if none were declared. */
const VAGUE = new Set([
  '',
  'usascii',
  'ascii',
  'us',
  'ansix341968',
  'unknown',
  'unknown8bit',
  'xunknown',
  '8bit',
  'none',
  'default',
  'charset',
]);

function key(charset: string): string {
  return charset.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** True for a declared charset that names a real decoder (not us-ascii, unknown-8bit, garbage). */
export function usableCharset(charset: string | null | undefined): charset is string {
  if (!charset) return false;
  const k = key(charset);
  if (VAGUE.has(k)) return false;
  // mailparser (libmime) decodes ISO-2022-JP itself; iconv-lite knows the rest.
  return k === 'iso2022jp' || iconv.encodingExists(charset.trim());
}

/** True when the declared charset is UTF-8 in any spelling. */
export function isUtf8Charset(charset: string): boolean {
  return key(charset) === 'utf8';
}

export function hasEightBit(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return true;
  return false;
}

/** The charset to read undeclared 8-bit `bytes` with: UTF-8 if they are valid UTF-8, else `fallback`. */
export function detectCharset(bytes: Uint8Array, fallback: string | null): string {
  if (isUtf8(bytes)) return 'utf-8';
  return fallback && usableCharset(fallback) && !isUtf8Charset(fallback) ? fallback : FALLBACK_CHARSET;
}

/** Decodes bytes with a charset iconv-lite knows, or as Windows-1252 when it does not. */
export function decodeBytes(bytes: Uint8Array, charset: string): string {
  const cs = iconv.encodingExists(charset) ? charset : FALLBACK_CHARSET;
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), cs);
}
