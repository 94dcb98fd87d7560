import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `body` with `secret`, in the encoding a channel uses (WhatsApp hex, X base64). */
export function hmacSha256(secret: string, body: Buffer | string, encoding: 'hex' | 'base64' | 'base64url'): string {
  return createHmac('sha256', secret).update(body).digest(encoding);
}

/**
 * Compares a signature header with the expected value in constant time. `prefix` is stripped
 * first ('sha256='). A missing or malformed header is simply not valid.
 */
export function verifySignature(header: string | undefined, expected: string, prefix = ''): boolean {
  if (!header?.startsWith(prefix)) return false;
  const given = Buffer.from(header.slice(prefix.length));
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}
