import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

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
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: init.method,
        agent: false,
        headers: {
          'user-agent': 'X-Webhooks/1.0 (centralita test peer)',
          ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }),
          ...init.headers,
        },
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString() }));
        res.on('error', (err) => resolve({ status: res.statusCode ?? null, body: '', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (err) => resolve({ status: null, body: '', error: err.message }));
    req.end(init.body);
  });
}
