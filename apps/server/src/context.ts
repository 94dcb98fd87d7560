import type { AttachmentStorage, Db } from '@centralita/db';
import type { ChannelHost } from './channels/host.ts';
import type { SecretBox } from './crypto.ts';
import type { AppLogger } from './logger.ts';
import type { CommitStream } from './pipeline/commits.ts';
import type { WorkerNodeTimings } from './pipeline/worker-nodes.ts';
import type { Realtime } from './realtime/realtime.ts';
import type { Broadcasts } from './services/broadcasts.ts';
import type { IncidentDetector } from './services/incident-detector.ts';
import type { Incidents } from './services/incidents.ts';
import type { PrivacyGuard } from './services/privacy.ts';
import type { RoutingService } from './services/routing.ts';
import type { TemplateCatalog } from './services/templates.ts';
import type { UsageService } from './services/usage.ts';

/** Everything a request handler, job or socket may use; built once by `createCentralita`. */
export interface AppContext {
  readonly db: Db;
  readonly logger: AppLogger;
  readonly box: SecretBox;
  /** The clock; tests inject one. */
  readonly clock: () => Date;
  /** Base URL for links given to customers (portal pages, form pages). */
  readonly publicUrl: () => string;
  readonly channels: ChannelHost;
  /** Where attachment bytes are kept (PostgreSQL unless the composition root says otherwise). */
  readonly attachments: AttachmentStorage;
  readonly realtime: Realtime;
  /** Publish what you committed to conversations and messages here: consoles and routing hear it. */
  readonly commits: CommitStream;
  readonly routing: RoutingService;
  /** The usage ledger of metered channel accounts: prices, budgets, notices and held replies. */
  readonly usage: UsageService;
  /** The accounts' approved message templates (WhatsApp), cached a few minutes. */
  readonly templates: TemplateCatalog;
  /** The privacy guard: workspace settings, scanning, and the refusal of public replies that leak personal data. */
  readonly privacy: PrivacyGuard;
  /** Incident status updates: estimate, fan-out, progress (services/broadcasts.ts). */
  readonly broadcasts: Broadcasts;
  /** Mass incidents: declare, propose, link, resolve (services/incidents.ts). */
  readonly incidents: Incidents;
  /** The spike detector: counts inbound messages per key and bucket, proposes incidents (services/incident-detector.ts). */
  readonly incidentDetector: IncidentDetector;
  /** Test-only pause points; production code never sets them. */
  readonly hooks?: {
    /** Runs inside an inbound batch's transaction, just before its commit, with the batch's texts. */
    beforeCommit?(account: { id: string }, stored: number, texts: string[]): Promise<void>;
  };
  readonly settings: {
    /** How long a customer's conversation link works. */
    portalTokenTtlMs: number;
    sessionTtlMs: number;
    /** Failed sign-ins per email and client within 15 minutes before a pause. */
    loginFailuresAllowed: number;
    /** The largest file an agent may upload for a reply (`POST /attachments`). */
    uploadMaxBytes: number;
    /** How long an uploaded file nobody sent is kept before the hourly cleanup deletes it. */
    pendingUploadTtlMs: number;
    /** Broadcast messages a minute by channel `kind` or `kind:visibility`, over the defaults (tests and benches go faster). */
    broadcastRates?: Record<string, number | null>;
    /** Recipients a broadcast's fan-out queues per transaction. @default 200 */
    broadcastChunk?: number;
    /** Heartbeat and dead-node timings of the job worker (pipeline/worker-nodes.ts). */
    workerNodes?: Partial<WorkerNodeTimings>;
  };
}
