import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelAdapter } from '@centralita/channel-kit';
import { type AttachmentStorage, type Db, ping, postgresAttachmentStorage } from '@centralita/db';
import express, { Router } from 'express';
import type { Runner } from 'graphile-worker';
import helmet from 'helmet';
import { Server as SocketServer } from 'socket.io';
import { ChannelHost, parseAccountConfig } from './channels/host.ts';
import type { AppContext } from './context.ts';
import { createSecretBox } from './crypto.ts';
import { authenticate, resolvePrincipal } from './http/auth.ts';
import { sameOriginWrites } from './http/csrf.ts';
import { errorBody, errorHandler, notFound } from './http/errors.ts';
import { jsonBody, strictQueryEncoding } from './http/input.ts';
import { ApiRegistry } from './http/registry.ts';
import { startWorker } from './jobs.ts';
import type { AppLogger } from './logger.ts';
import { CommitStream } from './pipeline/commits.ts';
import { registerHandoffLinkRoutes } from './portal/handoff-links.ts';
import { registerPortalRoutes } from './portal/routes.ts';
import { createOrderedAdapter } from './realtime/ordered-adapter.ts';
import { createRealtime } from './realtime/realtime.ts';
import { rooms, withTwins } from './realtime/rooms.ts';
import { visibleConversation } from './routes/access.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerBroadcastRoutes } from './routes/broadcasts.ts';
import { registerBulkRoutes } from './routes/bulk.ts';
import { registerChannelRoutes } from './routes/channel-accounts.ts';
import { registerConsoleRoutes } from './routes/console.ts';
import { registerConsoleStateRoutes } from './routes/console-state.ts';
import { registerContactRoutes } from './routes/contacts.ts';
import { registerConversationRoutes } from './routes/conversations.ts';
import { registerHandoffRoutes } from './routes/handoffs.ts';
import { CONSOLE_DIST, consolePage, serveConsole } from './routes/home.ts';
import { registerIncidentRoutes } from './routes/incidents.ts';
import { registerMergeRoutes } from './routes/merges.ts';
import { registerPrivacyRoutes } from './routes/privacy.ts';
import { registerRoutingRoutes } from './routes/routing.ts';
import { registerSavedSearchRoutes } from './routes/saved-searches.ts';
import { registerTeamRoutes } from './routes/teams.ts';
import { registerTemplateRoutes } from './routes/templates.ts';
import { registerUploadRoutes } from './routes/uploads.ts';
import { registerUsageRoutes } from './routes/usage.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { Broadcasts } from './services/broadcasts.ts';
import { Handoffs } from './services/handoff.ts';
import { Inbox } from './services/inbox.ts';
import { IncidentDetector } from './services/incident-detector.ts';
import { Incidents } from './services/incidents.ts';
import { MergeService } from './services/merges.ts';
import { PrivacyGuard } from './services/privacy.ts';
import { ReplyPlanner } from './services/reply-options.ts';
import { RoutingService } from './services/routing.ts';
import { TemplateCatalog } from './services/templates.ts';
import { UsageService } from './services/usage.ts';

export const VERSION = '0.1.0';

/** How long requests already under way may take to finish when the node stops. */
const STOP_GRACE_MS = 5_000;

export interface CentralitaOptions {
  db: Db;
  logger: AppLogger;
  /** 32 bytes that encrypt channel secrets at rest. */
  secretKey: Buffer;
  adapters: readonly ChannelAdapter[];
  clock?: () => Date;
  /** Base URL for customer links; defaults to the address the server listens on. */
  publicUrl?: string;
  /** Run the job worker (sends, timers) in this process. @default true */
  worker?: boolean;
  /** Reverse proxies in front, for the client address. @default 0 */
  trustProxy?: number;
  /** How often a node tries to take over pull accounts nobody runs. @default 5000 */
  pullLockRetryMs?: number;
  /** The built console (apps/console/dist) served at `/`. @default that folder */
  consoleDir?: string;
  /** Where attachment bytes go. @default PostgreSQL (`attachment_blobs`) */
  attachments?: AttachmentStorage;
  settings?: Partial<AppContext['settings']>;
  /** Test-only pause points (the crash test holds a batch before its commit). */
  hooks?: AppContext['hooks'];
}

/**
 * A socket handshake is allowed from our own pages (same host, or the public URL's origin) and
 * from non-browser clients, which send no Origin.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return true;
  try {
    const o = new URL(origin);
    return o.host === host || o.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/** Whether a request carries a body at all; a content type alone (a bodiless DELETE) is none. */
function hasBody(headers: { 'content-length'?: string | undefined; 'transfer-encoding'?: string | undefined }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** A running Centralita node: HTTP API, webhooks, sockets, channel listeners and job worker. */
export interface Centralita {
  readonly ctx: AppContext;
  readonly http: HttpServer;
  readonly inbox: Inbox;
  listen(port: number, host: string): Promise<string>;
  stop(): Promise<void>;
}

/** Wires every part together; nothing listens until `listen`. */
export function createCentralita(options: CentralitaOptions): Centralita {
  const clock = options.clock ?? (() => new Date());
  const box = createSecretBox(options.secretKey, (secret) => options.logger.protect(secret));
  const realtime = createRealtime();
  const commits = new CommitStream((error) => options.logger.error({ error: String(error) }, 'a commit subscriber failed'));
  commits.subscribe((changes) => realtime.onCommit(changes));
  // Stored customer messages are read for phone numbers and addresses other contacts proved.
  const merges = new MergeService({ db: options.db, logger: options.logger, commits });
  commits.subscribe((changes) => merges.onCommit(changes));
  let baseUrl = options.publicUrl?.replace(/\/$/, '') ?? 'http://127.0.0.1';
  const publicUrl = () => baseUrl;
  const attachments = options.attachments ?? postgresAttachmentStorage(options.db.kysely);
  const settings: AppContext['settings'] = {
    portalTokenTtlMs: 30 * 24 * 60 * 60_000,
    sessionTtlMs: 12 * 60 * 60_000,
    loginFailuresAllowed: 10,
    uploadMaxBytes: 10 * 1024 * 1024,
    pendingUploadTtlMs: 24 * 60 * 60_000,
    ...options.settings,
  };
  const hooks = options.hooks ? { hooks: options.hooks } : {};
  // Built bottom up, each part given what it uses: nothing holds the context it is part of.
  const routing = new RoutingService({ db: options.db, clock, logger: options.logger, commits, realtime });
  const usage = new UsageService({ db: options.db, clock, logger: options.logger, commits, realtime });
  const adapters = new Map(options.adapters.map((a) => [a.kind, a]));
  const replies = new ReplyPlanner({
    db: options.db.kysely,
    adapter: (kind) => adapters.get(kind),
    parseConfig: (account, adapter) => parseAccountConfig(box, account, adapter),
    clock,
  });
  const templates = new TemplateCatalog({
    adapter: (kind) => adapters.get(kind),
    parseConfig: (account, adapter) => parseAccountConfig(box, account, adapter),
    clock,
  });
  const privacy = new PrivacyGuard({ db: options.db.kysely, logger: options.logger });
  // Before the inbox, which links each inbound batch; the inbox and broadcasts it uses come after.
  const incidents: Incidents = new Incidents({
    db: options.db.kysely,
    clock,
    logger: options.logger,
    commits,
    emit: (workspaceId, name, payload) => io.to(withTwins([rooms.everything(workspaceId)])).emit(name, payload),
    kick: (workspaceId) => routing.kick(workspaceId),
    inbox: (): Inbox => inbox,
    broadcasts: (): Broadcasts => broadcasts,
  });
  // The spike detector counts every stored customer message and proposes incidents to the above.
  const incidentDetector = new IncidentDetector({ db: options.db, clock, logger: options.logger, incidents });
  commits.subscribe((changes) => incidentDetector.onCommit(changes));
  const inbox = new Inbox({
    incidents,
    replies,
    templates,
    privacy,
    db: options.db,
    logger: options.logger,
    clock,
    publicUrl,
    attachments,
    settings,
    ...hooks,
    commits,
    adapter: (kind) => adapters.get(kind),
    portal: (conversationId, message) => realtime.portal(conversationId, message),
  });
  const handoffs = new Handoffs(
    {
      db: options.db.kysely,
      clock,
      publicUrl,
      commits,
      adapter: (kind) => adapters.get(kind),
      parseConfig: (account, adapter) => parseAccountConfig(box, account, adapter),
    },
    inbox,
  );
  const broadcasts = new Broadcasts({
    db: options.db,
    logger: options.logger,
    clock,
    commits,
    replies,
    templates,
    privacy,
    usage,
    adapter: (kind) => adapters.get(kind),
    parseConfig: (account, adapter) => parseAccountConfig(box, account, adapter),
    // Supervisors and admins hear broadcast.progress; `io` exists by the time anything is sent.
    emit: (workspaceId, name, payload) => io.to(withTwins([rooms.everything(workspaceId)])).emit(name, payload),
    settings,
  });
  const channels = new ChannelHost(options.adapters, {
    sink: inbox,
    db: options.db,
    box,
    logger: options.logger,
    clock,
    publicUrl,
    usage: (account, adapter) => usage.meter(account, adapter),
    ...(options.pullLockRetryMs ? { lockRetryMs: options.pullLockRetryMs } : {}),
  });
  const ctx: AppContext = {
    db: options.db,
    logger: options.logger,
    box,
    clock,
    publicUrl,
    channels,
    attachments,
    realtime,
    commits,
    routing,
    usage,
    templates,
    privacy,
    broadcasts,
    incidents,
    incidentDetector,
    ...hooks,
    settings,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 0);
  app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'script-src': ["'self'"] } } }));

  app.get('/healthz', async (_req, res) => {
    const database = await ping(options.db);
    res.status(database.ok ? 200 : 503).json({ status: database.ok ? 'ok' : 'degraded', version: VERSION, database });
  });
  serveConsole(app, options.consoleDir ?? CONSOLE_DIST);

  const root = Router();
  registerWebhookRoutes(root, ctx);
  registerPortalRoutes(root, ctx, inbox);
  registerHandoffLinkRoutes(root, ctx);
  app.use(root);

  const api = Router();
  api.use(strictQueryEncoding);
  api.use(sameOriginWrites(() => baseUrl));
  api.use(authenticate(ctx));
  const registry = new ApiRegistry(api);
  // File uploads take raw bytes of any type, so they come before the JSON rule and parser below;
  // a cookie upload proves it comes from our page with a custom header instead (routes/uploads.ts).
  registerUploadRoutes(registry, ctx);
  // Cookie-authenticated bodies must be JSON, a second line behind the origin rule: a cross-site
  // form can post urlencoded or multipart data, but not JSON without a CORS preflight.
  api.use((req, res, next) => {
    const cookieAuth = !req.headers.authorization;
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    if (cookieAuth && write && hasBody(req.headers) && !req.is('application/json')) {
      res.status(415).json(errorBody('unsupported_media_type', 'Send JSON (Content-Type: application/json).'));
      return;
    }
    next();
  });
  api.use(jsonBody('256kb'));
  registerAuthRoutes(api, registry, ctx);
  registerUserRoutes(registry, ctx);
  registerChannelRoutes(registry, ctx);
  registerUsageRoutes(registry, ctx);
  registerTemplateRoutes(registry, ctx);
  // Before the conversation routes: /conversations/counts must not be read as a conversation id.
  registerConsoleRoutes(registry, ctx);
  registerBulkRoutes(registry, ctx, inbox);
  registerConsoleStateRoutes(registry, ctx);
  registerContactRoutes(registry, ctx);
  registerMergeRoutes(registry, ctx, merges);
  registerConversationRoutes(registry, ctx, inbox);
  registerHandoffRoutes(registry, ctx, handoffs);
  registerBroadcastRoutes(registry, ctx);
  registerIncidentRoutes(registry, ctx);
  registerTeamRoutes(registry, ctx);
  registerRoutingRoutes(registry, ctx);
  registerSavedSearchRoutes(registry, ctx);
  registerPrivacyRoutes(registry, ctx);
  api.get('/openapi.json', (_req, res) => {
    res.json(registry.openapi({ title: 'Centralita API', version: VERSION }));
  });
  app.use('/api/v1', api);
  app.use(consolePage(options.consoleDir ?? CONSOLE_DIST));
  app.use(notFound);
  app.use(errorHandler(options.logger));

  const http = createServer(app);
  const io = new SocketServer(http, {
    serveClient: true,
    // Browsers send cookies on WebSocket handshakes from any page of the same site (a sibling
    // subdomain), and CORS does not apply to WebSockets, so the origin is checked here.
    allowRequest: (req, done) => done(null, originAllowed(req.headers.origin, req.headers.host, baseUrl)),
  });
  // Every node hears every broadcast through PostgreSQL NOTIFY, so a console connected to one node
  // sees what another node stored: nodes stay stateless behind any load balancer.
  io.adapter(
    createOrderedAdapter(options.db.pool, {
      errorHandler: (err) => options.logger.warn({ error: err.message }, 'socket.io fan-out error'),
    }),
  );
  realtime.attach(io, {
    db: options.db,
    clock,
    resolvePrincipal: (auth) => resolvePrincipal(ctx, auth),
    canView: (principal, id) => visibleConversation(ctx, principal, id).then(() => true),
  });

  let worker: Runner | null = null;
  let stopped = false;
  return {
    ctx,
    http,
    inbox,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => resolve());
      });
      const addr = http.address() as AddressInfo;
      const local = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
      if (!options.publicUrl) baseUrl = local;
      await ctx.routing.start();
      if (options.worker !== false) worker = await startWorker(ctx, inbox);
      channels.startPullListeners();
      incidentDetector.start();
      return local;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Stop taking work first, let what is under way finish, and only then close the channels
      // that work may still be using.
      // io.close() closes every socket and then the HTTP server, which waits for requests under
      // way; past the grace period the rest are cut.
      const grace = setTimeout(() => http.closeAllConnections(), STOP_GRACE_MS);
      http.closeIdleConnections();
      await io.close().catch(() => undefined);
      clearTimeout(grace);
      await worker?.stop();
      broadcasts.stop();
      await ctx.routing.stop();
      await channels.stop();
      // After the channels: the last messages they stored are counted too.
      await incidentDetector.stop();
      await merges.settled();
      await incidents.settled();
    },
  };
}
