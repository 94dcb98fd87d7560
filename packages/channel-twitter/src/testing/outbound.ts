import { callOut as callOutAs } from '@centralita/channel-kit/conformance';

export interface OutboundResult {
  status: number | null;
  body: string;
  error?: string;
}

/**
 * One HTTP(S) call from the peer to a channel's webhook, with no connection reuse (a test server can
 * close at once). X only calls public HTTPS URLs without a port; the peer also calls plain
 * `http://127.0.0.1:PORT` because that is where test servers listen. X answers within 10 s or
 * gives up; so does the peer.
 */
export function callOut(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<OutboundResult> {
  return callOutAs(url, { ...init, userAgent: 'X-Webhooks/1.0 (centralita test peer)' });
}
