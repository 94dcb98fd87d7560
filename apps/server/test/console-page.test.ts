import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useServer } from './harness.ts';

// A console build as Vite writes it: index.html, hashed assets each beside its .br and .gz.
const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(dir, 'assets'));
const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Centralita</title><div id="root"></div>');
writeFileSync(join(dir, 'assets', 'index-abc123.js'), js);
writeFileSync(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(js));
writeFileSync(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(js));
writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>C</title></svg>');

const t = useServer({ worker: false, consoleDir: dir });
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the console’s page and files', () => {
  it('answers a browser asking for any screen’s address with the app, so reloads and shared links work', async () => {
    for (const path of ['/', '/inbox/mine', '/inbox/all/7b0c4a52-6a8e-4c59-9a57-3c1f1f0f0f0f', '/supervisor/rules?x=1']) {
      const res = await fetch(`${t.url}${path}`, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(await res.text(), path).toContain('<div id="root">');
    }
  });

  it('keeps JSON 404s under the API, webhooks, customer pages and health, even for a browser', async () => {
    for (const path of ['/api/v1/nothing', '/webhooks/nothing', '/c/nothing', '/healthz/nothing', '/assets/missing.js']) {
      const res = await fetch(`${t.url}${path}`, { headers: html });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/application\/json/);
    }
  });

  it('answers clients that do not ask for HTML with the JSON 404', async () => {
    const res = await fetch(`${t.url}/inbox/mine`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    const any = await fetch(`${t.url}/inbox/mine`, { headers: { accept: '*/*' } });
    expect(any.status).toBe(404);
  });

  it('sends the brotli or gzip file the build made, whichever the browser takes, cached for a year', async () => {
    const br = await fetch(`${t.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toContain('immutable');
    expect(await br.text()).toBe(js);
    const gz = await fetch(`${t.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toBe(js);
    const plain = await fetch(`${t.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
  });

  it('has a favicon', async () => {
    const res = await fetch(`${t.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/image\/svg\+xml/);
  });
});
