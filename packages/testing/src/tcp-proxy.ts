import { connect } from 'node:net';
import { LoopbackServer } from './loopback-server.ts';

/**
 * A loopback TCP proxy in front of a real server, so a test can cut every live connection at
 * once (a network drop) while the server itself keeps running.
 */
export class TcpProxy extends LoopbackServer {
  /** Connections made through the proxy so far. */
  connections = 0;

  constructor(target: { host: string; port: number }) {
    super((client) => {
      this.connections++;
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.track(s);
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }
}
