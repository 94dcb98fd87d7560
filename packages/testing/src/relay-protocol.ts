// What the relay test channel's adapter and its peer agree on, kept apart so neither imports the other.

/** The header a push-mode relay signs its deliveries with: `sha256=<hex HMAC of the body>`. */
export const RELAY_SIGNATURE_HEADER = 'x-relay-signature';

/** A message waiting on the relay peer for the adapter to pull. */
export interface RelayMessage {
  seq: number;
  id: string;
  from: string;
  text: string;
  replyTo?: string;
  /** A public post the relay found by listening (no one addressed the brand): emitted with origin proactive. */
  proactive?: boolean;
}
