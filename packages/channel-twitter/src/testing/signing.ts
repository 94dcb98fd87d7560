import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The answer X expects to a CRC check: `sha256=` + base64(HMAC-SHA256(consumer secret, crc_token)).
 * Written here from X's webhook docs, independently of the channel's own code, so a test that
 * compares the two catches a mistake in either.
 */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(crcToken).digest('base64')}`;
}

/** The `x-twitter-webhooks-signature` value X sends with a delivery of `rawBody`. */
export function webhookSignature(consumerSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(rawBody).digest('base64')}`;
}

/** Whether `signature` is X's signature of `rawBody` (constant-time comparison). */
export function verifyWebhookSignature(consumerSecret: string, rawBody: string | Buffer, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(webhookSignature(consumerSecret, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** RFC 3986 percent-encoding, as OAuth 1.0a signs (and as twitter-api-v2 encodes). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The fields of an `Authorization: OAuth k="v", ...` header, decoded; null when it is not OAuth. */
export function parseOAuthHeader(header: string | undefined): Record<string, string> | null {
  if (!header || !/^OAuth\s/i.test(header)) return null;
  const fields: Record<string, string> = {};
  for (const m of header.slice(6).matchAll(/([A-Za-z0-9_%.-]+)="([^"]*)"/g)) {
    if (m[1] !== undefined && m[2] !== undefined) fields[decodeURIComponent(m[1])] = decodeURIComponent(m[2]);
  }
  return fields;
}

/**
 * Checks an OAuth 1.0a HMAC-SHA1 signature the way X does: the base string is the method, the URL
 * without query, and the sorted, encoded query and oauth_* parameters (JSON bodies are not signed).
 * The timestamp and nonce are not checked: the peer's clock may be a test's fake one.
 */
export function oauthSignatureValid(input: {
  method: string;
  baseUrl: string;
  query: URLSearchParams;
  oauth: Record<string, string>;
  consumerSecret: string;
  tokenSecret: string;
}): boolean {
  const params: Array<[string, string]> = [];
  for (const [k, v] of input.query) params.push([percentEncode(k), percentEncode(v)]);
  for (const [k, v] of Object.entries(input.oauth)) {
    if (k !== 'oauth_signature' && k.startsWith('oauth_')) params.push([percentEncode(k), percentEncode(v)]);
  }
  params.sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1));
  const paramString = params.map(([k, v]) => `${k}=${v}`).join('&');
  const base = `${input.method.toUpperCase()}&${percentEncode(input.baseUrl)}&${percentEncode(paramString)}`;
  const key = `${percentEncode(input.consumerSecret)}&${percentEncode(input.tokenSecret)}`;
  const expected = createHmac('sha1', key).update(base).digest('base64');
  const a = Buffer.from(expected);
  const b = Buffer.from(input.oauth.oauth_signature ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}
