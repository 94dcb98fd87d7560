import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

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

/**
 * Serves the console at `/` with its assets. index.html is read per request (it is tiny), so a
 * console built or rebuilt while the server runs is served as it is now; without a build, a page
 * says how to make one.
 */
export function serveConsole(app: Express, dir: string): void {
  const index = join(dir, 'index.html');
  app.get('/', (_req, res) => {
    if (!existsSync(index)) {
      res.type('html').send(renderMissingConsole());
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(readFileSync(index, 'utf8'));
  });
  // Hashed file names: cache them for a year.
  app.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
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
