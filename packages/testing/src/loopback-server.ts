import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server on a free loopback port that remembers its live connections, so a test can cut
 * them all at once, as a network failure would. Peers that stand in for a channel extend it.
 */
export class LoopbackServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  constructor(onConnection: (socket: Socket) => void) {
    this.#server = createServer(onConnection);
  }

  get port(): number {
    return this.#port;
  }

  /** Starts listening on a free loopback port. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  /** Counts a socket among the live ones until it closes. */
  protected track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  /** Cuts every live connection mid-stream. */
  dropAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
