import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, RequestHandler } from 'express';
import expressStaticGzip from 'express-static-gzip';

/** Where `npm run build -w @centralita/console` (run by `npm start` and `npm test`) puts the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist', import.meta.url));

/**
 * The console's policy: scripts only from this origin (the XSS defence), no plugins, not framed.
 * Images may come from https so an agent can choose to load an email's remote images; email HTML
 * never carries an active `src` for them until then.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the API, channels and operators: never answered with the console's page. */
const NOT_CONSOLE = /^\/(api|webhooks|c|healthz|socket\.io|assets)(\/|$)/;

/**
 * Serves the console's files: hashed assets (cached for a year, served as the brotli or gzip file
 * the build wrote beside each one, so nothing is compressed per request) and the favicon.
 */
export function serveConsole(app: Express, dir: string): void {
  app.use(
    '/assets',
    expressStaticGzip(join(dir, 'assets'), {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      serveStatic: { immutable: true, maxAge: '365d', index: false },
    }),
  );
  app.get(['/favicon.svg', '/favicon.ico'], (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('image/svg+xml').sendFile(join(dir, 'favicon.svg'), (err) => {
      if (err && !res.headersSent) res.status(404).end();
    });
  });
}

/**
 * The console's page for `/` and for every other GET that asks for HTML outside the API's and
 * channels' paths, so a conversation's URL survives a reload or a shared link. Registered after
 * every route, just before the JSON 404. index.html is read per request (it is tiny), so a console
 * rebuilt while the server runs is served as it is now; without a build, a page says how to make one.
 */
export function consolePage(dir: string): RequestHandler {
  const index = join(dir, 'index.html');
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    // A browser's navigation prefers HTML; fetch, curl (`*/*`) and API clients get the JSON 404.
    if (req.path !== '/' && req.accepts(['json', 'html']) !== 'html') return next();
    if (!existsSync(index)) {
      res.type('html').send(renderMissingConsole());
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(readFileSync(index, 'utf8'));
  };
}

function renderMissingConsole(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Centralita</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>Centralita is running</h1>
<p>The agent console is not built on this machine. <code>npm start</code> builds it; by hand:
<code>npm run build -w @centralita/console</code>, then restart.</p>
<ul>
<li><a href="/healthz">/healthz</a>: health, with the database state</li>
<li><a href="/api/v1/openapi.json">/api/v1/openapi.json</a>: the REST API description</li>
</ul>
</body></html>`;
}
