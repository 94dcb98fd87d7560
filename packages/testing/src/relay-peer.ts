import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { hmacSha256, type WebhookRequest } from '@centralita/channel-kit';
import { LoopbackServer } from './loopback-server.ts';
import { RELAY_SIGNATURE_HEADER, type RelayMessage } from './relay-protocol.ts';

export type { RelayMessage } from './relay-protocol.ts';

/**
 * A tiny line-protocol server standing in for a pull channel (a mailbox, a polled API) in tests.
 * `HELLO <cursor> [token]` answers `OK streaming` (or `ERR` for a wrong token), then streams every
 * message after the cursor and new ones as they arrive; `REGISTER <json>` records a webhook;
 * `SEND <json>` records an outbound text and answers `OK <id>`. It can drop every connection,
 * which is what the conformance suite's reconnect check needs.
 */
export class RelayPeer extends LoopbackServer {
  readonly messages: RelayMessage[] = [];
  readonly sent: { to: string; text: string; ref: string; id: string }[] = [];
  /** Webhooks push-mode accounts registered, with the token each signs with: where `deliver` posts. */
  readonly webhooks: { url: string; token: string }[] = [];
  /** How many of the next registrations to refuse, as a channel's API that is down would. */
  failRegistrations = 0;
  /**
   * While set, every send is refused as out of credits (`HOLD <retryAfterMs> <reason>`), as X's
   * 402 is: nothing is recorded as sent. `retryAfterMs` 0 leaves the wait to the host.
   */
  outOfCredits: { reason: string; retryAfterMs: number } | null = null;
  /** Sends refused while out of credits, by their `ref` (message id and part). */
  readonly refused: string[] = [];
  #subscribers = new Set<(m: RelayMessage) => void>();

  readonly #token: string | null;

  /** `token`: the stream is opened only with it (`HELLO <cursor> <token>`), and deliveries are signed with it. */
  constructor(options: { token?: string } = {}) {
    super((socket) => this.#accept(socket));
    this.#token = options.token ?? null;
  }

  /**
   * The webhook request a push-mode relay makes for `m`: the message as JSON, signed with the token
   * (`x-relay-signature: sha256=<hex HMAC>`).
   */
  webhookRequest(m: RelayMessage, token = this.#token ?? ''): WebhookRequest {
    return this.sign(
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        query: {},
        rawBody: Buffer.from(JSON.stringify(m)),
        clientIp: '127.0.0.1',
      },
      token,
    );
  }

  /**
   * Posts `m` to every registered webhook, signed, as a push-mode relay does, and returns each
   * answer's status (a real channel delivers again after anything but a 2xx).
   */
  async deliver(m: RelayMessage): Promise<number[]> {
    return Promise.all(
      this.webhooks.map(async ({ url, token }) => {
        const req = this.webhookRequest(m, token);
        const res = await fetch(url, { method: 'POST', headers: req.headers as Record<string, string>, body: new Uint8Array(req.rawBody) });
        await res.arrayBuffer();
        return res.status;
      }),
    );
  }

  /** `req` signed again over its current body, as the relay signs what it sends. */
  sign(req: WebhookRequest, token = this.#token ?? ''): WebhookRequest {
    return { ...req, headers: { ...req.headers, [RELAY_SIGNATURE_HEADER]: `sha256=${hmacSha256(token, req.rawBody, 'hex')}` } };
  }

  /** A customer writes: the message becomes available to pull. */
  push(from: string, text: string, replyTo?: string, options: { proactive?: boolean } = {}): RelayMessage {
    const seq = this.messages.length + 1;
    const m: RelayMessage = {
      seq,
      id: `relay-${seq}`,
      from,
      text,
      ...(replyTo ? { replyTo } : {}),
      ...(options.proactive ? { proactive: true } : {}),
    };
    this.messages.push(m);
    for (const s of this.#subscribers) s(m);
    return m;
  }

  #accept(socket: Socket): void {
    this.track(socket);
    const lines = createInterface({ input: socket });
    let unsubscribe = () => {};
    socket.on('close', () => unsubscribe());
    socket.on('error', () => undefined);
    lines.on('line', (line) => {
      const [verb, ...rest] = line.split(' ');
      const arg = rest.join(' ');
      if (verb === 'HELLO') {
        const [cursor, token] = rest;
        if (this.#token !== null && token !== this.#token) {
          socket.end('ERR wrong token\n');
          return;
        }
        const after = Number(cursor) || 0;
        socket.write('OK streaming\n');
        const write = (m: RelayMessage) => socket.write(`${JSON.stringify(m)}\n`);
        for (const m of this.messages) if (m.seq > after) write(m);
        this.#subscribers.add(write);
        unsubscribe = () => this.#subscribers.delete(write);
      } else if (verb === 'REGISTER') {
        // A push-mode account tells the relay where to deliver: `REGISTER <json { url, token }>`.
        const body = JSON.parse(arg) as { url: string; token?: string };
        if (this.#token !== null && body.token !== this.#token) {
          socket.end('ERR wrong token\n');
          return;
        }
        if (this.failRegistrations > 0) {
          this.failRegistrations -= 1;
          socket.end('ERR registrations are unavailable, try later\n');
          return;
        }
        const known = this.webhooks.find((w) => w.url === body.url);
        if (known) known.token = body.token ?? '';
        else this.webhooks.push({ url: body.url, token: body.token ?? '' });
        socket.end('OK registered\n');
      } else if (verb === 'SEND') {
        const body = JSON.parse(arg) as { to: string; text: string; ref: string };
        if (this.outOfCredits) {
          this.refused.push(body.ref);
          socket.end(`HOLD ${this.outOfCredits.retryAfterMs} ${this.outOfCredits.reason}\n`);
          return;
        }
        const prior = this.sent.find((s) => s.ref === body.ref);
        const id = prior?.id ?? `out-${this.sent.length + 1}`;
        if (!prior) this.sent.push({ ...body, id });
        socket.end(`OK ${id}\n`);
      } else {
        socket.end('ERR unknown verb\n');
      }
    });
  }
}
