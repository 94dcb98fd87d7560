import type { WebhookRequest } from '@centralita/channel-kit';
import type { ConformancePeer } from '@centralita/channel-kit/conformance';

/** A form post as a browser's fetch makes it: JSON fields, from one client address. */
export function formPost(fields: Record<string, unknown>, headers: Record<string, string> = {}): WebhookRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    query: {},
    rawBody: Buffer.from(JSON.stringify(fields)),
    clientIp: '198.51.100.7',
  };
}

/**
 * The web form's test peer: a customer filling in the form. The form needs no stand-in for a
 * vendor (its inbound side is a plain HTTP request and replies go to the customer page), so the
 * peer only builds requests. Exported as `@centralita/channel-webform/testing`.
 */
export function webformPeer(): ConformancePeer {
  return {
    async inbound({ from, text }) {
      return formPost({ name: 'Ana', email: from, message: text }, { 'idempotency-key': `k-${from}-${text}` });
    },
    malformed: () => ({ ...formPost({}), rawBody: Buffer.from('{"name": "Ana", ') }),
    recipient: () => null,
  };
}
