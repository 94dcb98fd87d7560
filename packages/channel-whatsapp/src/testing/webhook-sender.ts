import { createHmac, randomInt } from 'node:crypto';
import { callOut as callOutAs } from '@centralita/channel-kit/conformance';

/** What a webhook endpoint answered the peer. `status` is null when the call itself failed. */
export interface WebhookCallResult {
  status: number | null;
  body: string;
  error?: string;
}

export interface VerifyResult extends WebhookCallResult {
  /** The challenge sent; a correct endpoint answers 200 with exactly this body. */
  challenge: string;
  verified: boolean;
}

export interface DeliveryResult extends WebhookCallResult {
  /** The exact bytes posted, which the signature covers. */
  rawBody: string;
  /** The `X-Hub-Signature-256` header sent, or null with `signature: 'none'`. */
  signature: string | null;
}

export type SignatureMode = 'good' | 'bad' | 'none';

/** One recorded POST to a webhook. */
export interface WebhookDelivery extends DeliveryResult {
  url: string;
  at: Date;
}

/**
 * JSON as Meta's webhook sender writes it: non-ASCII as `\uXXXX` and '/' as `\/`. A receiver that
 * checks the signature over its own re-serialisation instead of the raw bytes fails on the first
 * "¿" or URL, which is the point.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`, as Meta signs every delivery. */
export function webhookSignature(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** One HTTP(S) call without connection reuse, answered or failed within 10 s like Meta's sender. */
function callOut(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<WebhookCallResult> {
  return callOutAs(url, { ...init, userAgent: 'facebookexternalua' });
}

/** Meta's verification request: `GET url?hub.mode=subscribe&hub.challenge=...&hub.verify_token=...`. */
export async function verifyWebhook(
  url: string,
  verifyToken: string,
  challenge: string = String(randomInt(1e9, 2e9)),
): Promise<VerifyResult> {
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', verifyToken);
  const result = await callOut(target.toString(), { method: 'GET' });
  return { ...result, challenge, verified: result.status === 200 && result.body === challenge };
}

/**
 * POSTs a delivery. `good` signs with the app secret; `bad` signs with another secret (a well
 * formed header that must still be refused); `none` sends no signature header at all.
 */
export async function deliver(
  url: string,
  appSecret: string,
  payload: unknown,
  signature: SignatureMode = 'good',
): Promise<DeliveryResult> {
  const rawBody = typeof payload === 'string' ? payload : metaJson(payload);
  const header =
    signature === 'none' ? null : webhookSignature(signature === 'good' ? appSecret : `${appSecret}-not-the-app-secret`, rawBody);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (header) headers['x-hub-signature-256'] = header;
  const result = await callOut(url, { method: 'POST', headers, body: rawBody });
  return { ...result, rawBody, signature: header };
}
