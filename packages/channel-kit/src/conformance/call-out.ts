import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a peer's call to a webhook got: the status and body, or why there was none. */
export interface CallOutResult {
  status: number | null;
  body: string;
  error?: string;
}

/**
 * One HTTP(S) call from a channel's test peer to a webhook, as the channel's platform makes it:
 * no connection reuse (a test server can close at once), its own user agent, and an answer within
 * `timeoutMs` or none (X and Meta give up after about 10 s). Never rejects: a failure is the
 * result's `error`.
 */
export function callOut(
  url: string,
  init: { method: 'GET' | 'POST'; userAgent: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<CallOutResult> {
  const timeoutMs = init.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: init.method,
        agent: false,
        headers: {
          'user-agent': init.userAgent,
          ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }),
          ...init.headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString() }));
        res.on('error', (err) => resolve({ status: res.statusCode ?? null, body: '', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs / 1000} s`)));
    req.on('error', (err) => resolve({ status: null, body: '', error: err.message }));
    req.end(init.body);
  });
}
