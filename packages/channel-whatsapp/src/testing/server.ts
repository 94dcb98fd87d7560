import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { graphErrorAnswer, traceId } from './errors.ts';
import type { Faults } from './limits.ts';
import type { Answer, RouteContext } from './route-kit.ts';
import { route } from './routes.ts';
import type { PeerRoute } from './state.ts';

export interface PeerServer {
  port: number;
  dropConnections(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const trace =
    body && typeof body === 'object' && 'error' in body
      ? String((body as { error: { fbtrace_id?: string } }).error.fbtrace_id ?? traceId())
      : traceId();
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'x-fb-trace-id': trace,
    'x-fb-rev': '1020304050',
    ...headers,
  });
  res.end(text);
}

async function sendAnswer(res: ServerResponse, answer: Answer): Promise<void> {
  if (answer.kind === 'json') return sendJson(res, answer.status, answer.body, answer.headers);
  const { bytes, mimeType, chunked, filename } = answer;
  const headers: Record<string, string> = { 'content-type': mimeType, 'cache-control': 'no-cache' };
  if (filename) headers['content-disposition'] = `attachment; filename="${filename.replace(/"/g, '')}"`;
  if (!chunked) headers['content-length'] = String(bytes.length);
  res.writeHead(200, headers);
  // Written in pieces so a client's size cap has something to stop part-way.
  for (let i = 0; i < bytes.length; i += 16_384) {
    if (res.destroyed) return;
    // A client that stops reading closes the socket; 'close' ends the wait 'drain' would never end.
    if (!res.write(bytes.subarray(i, i + 16_384)))
      await new Promise<void>((r) => {
        res.once('drain', r);
        res.once('close', r);
      });
  }
  res.end();
}

/** Starts plain HTTP on 127.0.0.1 at a free port; faults apply before the route's own answer. */
export async function startServer(ctx: RouteContext, faults: Faults): Promise<PeerServer> {
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const found = route(ctx, method, url, req.headers.authorization);
    const log = (r: PeerRoute | null, status: number) => ctx.state.requests.push({ method, path: url.pathname, route: r, status });
    if ('answer' in found) {
      log(found.route, found.answer.status);
      return sendAnswer(res, found.answer);
    }
    const fault = faults.take(found.route);
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.drop) {
        log(found.route, 0);
        req.socket.destroy();
        return;
      }
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      if (fault.code !== undefined) {
        const spec = { code: fault.code, ...(fault.subcode === undefined ? {} : { subcode: fault.subcode }) };
        const answer = graphErrorAnswer({
          ...spec,
          ...(fault.httpStatus === undefined ? {} : { httpStatus: fault.httpStatus }),
          ...(fault.details === undefined ? {} : { details: fault.details }),
        });
        log(found.route, answer.status);
        return sendJson(res, answer.status, answer.body, headers);
      }
      if (fault.httpStatus !== undefined) {
        log(found.route, fault.httpStatus);
        res.writeHead(fault.httpStatus, { 'content-type': 'text/html', ...headers });
        res.end(`<html><body><h1>${fault.httpStatus}</h1>The server is temporarily unable to handle the request.</body></html>`);
        return;
      }
      // Only a delay: go on to the real answer.
    }
    if (res.destroyed) return;
    const answer = await found.handle(body, req.headers['content-type'] ?? '');
    log(found.route, answer.status);
    await sendAnswer(res, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        const answer = graphErrorAnswer({ code: 1, details: `WhatsApp test peer: ${String(err)}` });
        sendJson(res, answer.status, answer.body);
      } else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('WhatsApp test peer: no port');
  return {
    port: address.port,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
