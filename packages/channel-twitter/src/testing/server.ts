import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { Answer, PeerCore, RouteDef } from './core.ts';
import type { Faults, RateLimits, XRoute } from './limits.ts';
import { type ProblemAnswer, problems } from './problems.ts';
import { activityRoutes } from './routes-activity.ts';
import { dmRoutes } from './routes-dms.ts';
import { postRoutes } from './routes-posts.ts';
import { oauthSignatureValid, parseOAuthHeader } from './signing.ts';

/** One request the peer answered, for tests that check what a channel called. */
export interface XRequestLog {
  method: string;
  route: XRoute | null;
  path: string;
  /** The HTTP status answered; 0 when the peer cut the connection (a `'reset'` fault). */
  status: number;
  auth: 'user' | 'app' | 'none';
}

interface Matcher {
  def: RouteDef;
  method: string;
  pattern: RegExp;
  names: string[];
}

function matcher(def: RouteDef): Matcher {
  const [method, path] = def.route.split(' ') as [string, string];
  const names: string[] = [];
  const source = path.replace(/:([a-z_]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { def, method, pattern: new RegExp(`^${source}$`), names };
}

// Literal paths first, so `/2/users/me` is not read as `/2/users/:id`.
const MATCHERS = [...postRoutes, ...dmRoutes, ...activityRoutes].map(matcher).sort((a, b) => a.names.length - b.names.length);

function find(method: string, path: string): { m: Matcher; params: Record<string, string> } | null {
  for (const m of MATCHERS) {
    if (m.method !== method) continue;
    const hit = m.pattern.exec(path);
    if (!hit) continue;
    const params: Record<string, string> = {};
    m.names.forEach((name, i) => {
      params[name] = decodeURIComponent(hit[i + 1] ?? '');
    });
    return { m, params };
  }
  return null;
}

type Auth = { kind: 'user' | 'app' } | { kind: 'none'; problem: ProblemAnswer };

/**
 * User context is OAuth 1.0a naming the peer's consumer key and access token, with a valid
 * HMAC-SHA1 signature over the URL actually called; app-only is `Bearer <token>`. A valid
 * credential of the wrong kind gets X's 403 "Unsupported Authentication", a bad one 401.
 */
function authenticate(req: IncomingMessage, url: URL, core: PeerCore, want: RouteDef['auth']): Auth {
  const header = req.headers.authorization;
  const c = core.credentials;
  let kind: 'user' | 'app' | null = null;
  if (header?.startsWith('Bearer ')) {
    if (header.slice(7) !== c.bearerToken) return { kind: 'none', problem: problems.unauthorized() };
    kind = 'app';
  } else {
    const oauth = parseOAuthHeader(header);
    if (!oauth || oauth.oauth_consumer_key !== c.appKey || oauth.oauth_token !== c.accessToken)
      return { kind: 'none', problem: problems.unauthorized() };
    const signed = oauthSignatureValid({
      method: req.method ?? 'GET',
      baseUrl: `https://${req.headers.host}${url.pathname}`,
      query: url.searchParams,
      oauth,
      consumerSecret: c.appSecret,
      tokenSecret: c.accessSecret,
    });
    if (!signed) return { kind: 'none', problem: problems.unauthorized() };
    kind = 'user';
  }
  if (want === 'user' && kind === 'app') {
    return {
      kind: 'none',
      problem: problems.unsupportedAuthentication('OAuth 2.0 Application-Only', 'OAuth 1.0a User Context, OAuth 2.0 User Context'),
    };
  }
  if (want === 'app' && kind === 'user') {
    return { kind: 'none', problem: problems.unsupportedAuthentication('OAuth 1.0a User Context', 'OAuth 2.0 Application-Only') };
  }
  return { kind };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

function send(res: ServerResponse, answer: Answer, headers: Record<string, string>): void {
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'api-version': '2.168', ...headers });
  res.end(body);
}

export interface PeerServer {
  server: Server;
  port: number;
  requests: XRequestLog[];
  dropConnections(): void;
  close(): Promise<void>;
}

/** Starts the HTTPS server on 127.0.0.1 at a free port. */
export async function startServer(
  tls: { key: string; cert: string },
  core: PeerCore,
  limits: RateLimits,
  faults: Faults,
): Promise<PeerServer> {
  const requests: XRequestLog[] = [];
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const log = (route: XRoute | null, status: number, auth: XRequestLog['auth']) =>
      requests.push({ method, route, path: url.pathname, status, auth });
    const found = find(method, url.pathname);
    if (!found) {
      log(null, 404, 'none');
      return send(res, problems.notFound(), {});
    }
    const { route } = found.m.def;
    const auth = authenticate(req, url, core, found.m.def.auth);
    if (auth.kind === 'none') {
      log(route, auth.problem.status, 'none');
      return send(res, auth.problem, {});
    }
    const fault = faults.take(route);
    if (fault) {
      log(route, fault.status === 'reset' ? 0 : fault.status, auth.kind);
      if (fault.status === 'reset') return void req.socket.destroy();
      const reset = fault.resetInSeconds === undefined ? undefined : Math.floor(core.now().getTime() / 1000) + fault.resetInSeconds;
      if (fault.status === 429 && !fault.usageCap)
        return send(res, problems.rateLimited(), limits.headers(route, { remaining: 0, ...(reset ? { reset } : {}) }));
      const answer =
        fault.status === 429
          ? problems.usageCapExceeded(core.brand.id)
          : fault.status === 402
            ? problems.creditsDepleted(core.brand.id)
            : fault.status === 503
              ? problems.serviceUnavailable()
              : problems.internalError();
      return send(res, answer, limits.headers(route));
    }
    const limit = limits.take(route);
    if (limit.over) {
      log(route, 429, auth.kind);
      return send(res, problems.rateLimited(), limit.headers);
    }
    const unknown = [...url.searchParams.keys()].find((k) => !found.m.def.query.includes(k));
    if (unknown !== undefined) {
      const bad = problems.invalidRequest(
        `The query parameter [${unknown}] is not one of [${found.m.def.query.join(',')}]`,
        unknown,
        url.searchParams.get(unknown) ?? '',
      );
      log(route, bad.status, auth.kind);
      return send(res, bad, limit.headers);
    }
    let body: unknown;
    const raw = await readBody(req);
    if (raw && (method === 'POST' || method === 'PUT')) {
      try {
        body = JSON.parse(raw);
      } catch {
        const bad = problems.invalidRequest('The request body is not valid JSON');
        log(route, bad.status, auth.kind);
        return send(res, bad, limit.headers);
      }
    }
    const answer = await found.m.def.handle({ core, params: found.params, query: url.searchParams, body, auth: auth.kind });
    log(route, answer.status, auth.kind);
    // Headers after the handler: a request that spent budget shows it in its own answer.
    send(res, answer, limits.headers(route));
  }

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { ...problems.internalError().body, detail: `X test peer: ${String(err)}` } }, {});
      else res.destroy();
    });
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('X test peer: no port');
  return {
    server,
    port: address.port,
    requests,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
