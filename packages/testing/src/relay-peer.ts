import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/** A message waiting on the relay peer for the adapter to pull. */
export interface RelayMessage {
  seq: number;
  id: string;
  from: string;
  text: string;
  replyTo?: string;
}

/**
 * A tiny line-protocol server standing in for a pull channel (a mailbox, a polled API) in tests.
 * `HELLO <cursor>` streams every message after the cursor and then new ones as they arrive;
 * `SEND <json>` records an outbound text and answers `OK <id>`. It can drop every connection,
 * which is what the conformance suite's reconnect check needs.
 */
export class RelayPeer {
  readonly messages: RelayMessage[] = [];
  readonly sent: { to: string; text: string; ref: string; id: string }[] = [];
  #server: Server;
  #sockets = new Set<Socket>();
  #subscribers = new Set<(m: RelayMessage) => void>();
  #port = 0;

  constructor() {
    this.#server = createServer((socket) => this.#accept(socket));
  }

  get port(): number {
    return this.#port;
  }

  /** Starts listening on a free loopback port. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const addr = this.#server.address();
    this.#port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  /** A customer writes: the message becomes available to pull. */
  push(from: string, text: string, replyTo?: string): RelayMessage {
    const seq = this.messages.length + 1;
    const m: RelayMessage = { seq, id: `relay-${seq}`, from, text, ...(replyTo ? { replyTo } : {}) };
    this.messages.push(m);
    for (const s of this.#subscribers) s(m);
    return m;
  }

  /** Cuts every live connection, as a network failure would. */
  dropAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const lines = createInterface({ input: socket });
    let unsubscribe = () => {};
    socket.on('close', () => {
      this.#sockets.delete(socket);
      unsubscribe();
    });
    socket.on('error', () => undefined);
    lines.on('line', (line) => {
      const [verb, ...rest] = line.split(' ');
      const arg = rest.join(' ');
      if (verb === 'HELLO') {
        const after = Number(arg) || 0;
        const write = (m: RelayMessage) => socket.write(`${JSON.stringify(m)}\n`);
        for (const m of this.messages) if (m.seq > after) write(m);
        this.#subscribers.add(write);
        unsubscribe = () => this.#subscribers.delete(write);
      } else if (verb === 'SEND') {
        const body = JSON.parse(arg) as { to: string; text: string; ref: string };
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
