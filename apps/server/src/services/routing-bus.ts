import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { AppLogger } from '../logger.ts';

const CHANNEL = 'centralita_routing';

/**
 * Tells the other nodes to route a workspace now. A node routes when something happens on it;
 * when what happened frees capacity or brings an agent (an agent online, a conversation resolved,
 * new rules), another node may be deciding from a snapshot a moment older, so it is told too.
 * PostgreSQL LISTEN/NOTIFY on a connection of its own; if that connection drops, nodes fall back
 * on the minute sweep until it is back.
 */
export class RoutingBus {
  private readonly node = randomUUID();
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly logger: AppLogger,
    private readonly onKick: (workspaceId: string) => void,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'centralita-routing-bus' });
    client.on('error', () => this.reconnect());
    client.on('end', () => this.reconnect());
    client.on('notification', (msg) => {
      try {
        const { workspaceId, node } = JSON.parse(msg.payload ?? '{}') as { workspaceId?: string; node?: string };
        if (workspaceId && node !== this.node) this.onKick(workspaceId);
      } catch {
        // Not ours (or garbled): nothing to route.
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'routing bus could not listen; retrying');
      this.reconnect();
    }
  }

  /** Asks the other nodes to route this workspace (through any connection of the pool). */
  async publish(pool: pg.Pool, workspaceId: string): Promise<void> {
    await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ workspaceId, node: this.node })]);
  }

  private reconnect(): void {
    if (this.stopped || this.retry) return;
    const old = this.client;
    this.client = null;
    old?.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, 2_000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
