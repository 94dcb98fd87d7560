import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Db } from '@centralita/db';
import { launchChromium } from '@centralita/testing';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../apps/server/src/demo.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { CONSOLE_DIST } from '../apps/server/src/routes/home.ts';
import { percentile } from './stats.ts';

/** The built console's JavaScript and CSS, raw and gzipped. */
export function consoleBundle(): { js: number; jsGzip: number; css: number; cssGzip: number } {
  const dir = join(CONSOLE_DIST, 'assets');
  const out = { js: 0, jsGzip: 0, css: 0, cssGzip: 0 };
  for (const f of readdirSync(dir)) {
    const data = readFileSync(join(dir, f));
    if (f.endsWith('.js')) {
      out.js += data.length;
      out.jsGzip += gzipSync(data).length;
    } else if (f.endsWith('.css')) {
      out.css += data.length;
      out.cssGzip += gzipSync(data).length;
    }
  }
  return out;
}

/**
 * Time to interactive in headless Chromium on loopback, with the demo data: from navigation to a
 * usable sign-in form (cold cache, then warm), and from pressing "Sign in" to the inbox listing
 * conversations. Each measured `runs` times in fresh browser contexts.
 */
export async function benchConsole(db: Db, runs: number) {
  const node = createCentralita({
    db,
    logger: createLogger('silent'),
    secretKey: Buffer.alloc(32, 3),
    adapters: installedAdapters(),
    worker: false,
  });
  const url = await node.listen(0, '127.0.0.1');
  await seedDemo(node.ctx, node.inbox);
  const browser = await launchChromium();
  const cold: number[] = [];
  const warm: number[] = [];
  const inbox: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      let t0 = performance.now();
      await page.goto(url);
      await page.getByLabel(/Email|Correo/).waitFor();
      cold.push(performance.now() - t0);
      t0 = performance.now();
      await page.reload();
      await page.getByLabel(/Email|Correo/).waitFor();
      warm.push(performance.now() - t0);
      await page.getByLabel(/Email|Correo/).fill(DEMO_USERS[0]?.email ?? '');
      await page.getByLabel(/Password|Contraseña/).fill(DEMO_PASSWORD);
      t0 = performance.now();
      await page.getByRole('button', { name: /Sign in|Entrar/ }).click();
      await page.getByTestId('view-all').or(page.getByTestId('view-team')).first().waitFor();
      await page.getByTestId('conversation-list').locator('li').first().waitFor();
      inbox.push(performance.now() - t0);
      await context.close();
    }
  } finally {
    await browser.close();
    await node.stop();
  }
  return { cold: percentile(cold, 50), warm: percentile(warm, 50), inbox: percentile(inbox, 50), runs };
}
