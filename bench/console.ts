import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Db } from '@centralita/db';
import { launchChromium } from '@centralita/testing';
import type { Page } from 'playwright-core';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../apps/server/src/demo.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { CONSOLE_DIST } from '../apps/server/src/routes/home.ts';
import { percentile } from './stats.ts';

export interface ConsoleFigures {
  /** JavaScript the browser fetched before the inbox listed its rows, raw and gzipped (KiB). */
  jsBeforeInbox: { files: number; raw: number; gzip: number };
  /** Every JavaScript chunk of the build, gzipped (KiB), lazy screens included. */
  jsAllGzip: number;
  cssGzip: number;
  signInForm: { cold: number; warm: number };
  /** From the click on "Sign in" to the first rows of an inbox of `conversations` (median of warm runs). */
  signInToInbox: number;
  conversations: number;
  runs: number;
  /** From a web-form post's 2xx to its row visible in an open inbox (median). */
  webhookToRow: number;
  rowRuns: number;
}

const SUPERVISOR = DEMO_USERS[1];

/**
 * The console as an agent meets it, in headless Chromium on loopback, on the production build:
 * what it downloads before the inbox is usable, how long sign-in takes to a full inbox, and how
 * long a customer's message takes from the webhook's answer to a row on an open screen.
 */
export async function benchConsole(db: Db, options: { runs: number; rowRuns: number; conversations: number }): Promise<ConsoleFigures> {
  const node = createCentralita({
    db,
    logger: createLogger('silent'),
    secretKey: Buffer.alloc(32, 3),
    adapters: installedAdapters(),
    worker: false,
    // Every customer posts from their own address, as in the web-form bench (one proxy in front).
    trustProxy: 1,
  });
  const url = await node.listen(0, '127.0.0.1');
  const demo = await seedDemo(node.ctx, node.inbox);
  await postForms(demo.formUrl, options.conversations, 'Bench');
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  context.setDefaultTimeout(30_000);
  try {
    const page = await context.newPage();
    const fetched = new Set<string>();
    const record = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/assets/') && u.pathname.endsWith('.js')) fetched.add(u.pathname);
    };
    page.on('response', record);
    const newest = `Bench ${options.conversations}`;

    // Cold: an empty cache. The JavaScript counted is what was fetched until the rows showed.
    let t0 = performance.now();
    await page.goto(`${url}/sign-in?next=/inbox/all`);
    await page.locator('input[name=email]').waitFor();
    const cold = performance.now() - t0;
    await signIn(page);
    await row(page, newest).first().waitFor();
    page.off('response', record);
    const jsBeforeInbox = sizeOf([...fetched].map((p) => join(CONSOLE_DIST, p)));

    const warmForm: number[] = [];
    const inbox: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      await context.clearCookies();
      t0 = performance.now();
      await page.goto(`${url}/sign-in?next=/inbox/all`);
      await page.locator('input[name=email]').waitFor();
      warmForm.push(performance.now() - t0);
      t0 = await signIn(page);
      await row(page, newest).first().waitFor();
      inbox.push(performance.now() - t0);
    }

    // An open inbox; each post's subject is new, so its row is the one that appears.
    const rows: number[] = [];
    for (let i = 0; i < options.rowRuns; i++) {
      const subject = `Live ${i + 1} ${Math.random().toString(36).slice(2, 8)}`;
      const res = await postForm(demo.formUrl, subject);
      if (!res.ok) throw new Error(`web-form post answered ${res.status}`);
      const answered = performance.now();
      await row(page, subject).first().waitFor();
      rows.push(performance.now() - answered);
    }
    const all = bundle();
    return {
      jsBeforeInbox,
      jsAllGzip: all.jsGzip,
      cssGzip: all.cssGzip,
      signInForm: { cold, warm: percentile(warmForm, 50) },
      signInToInbox: percentile(inbox, 50),
      conversations: options.conversations,
      runs: options.runs,
      webhookToRow: percentile(rows, 50),
      rowRuns: options.rowRuns,
    };
  } finally {
    await browser.close();
    await node.stop();
  }
}

/** The inbox row whose subject is `subject` (the row's text starts with it, then the preview). */
function row(page: Page, subject: string) {
  return page.getByText(new RegExp(`^${subject}\\b`));
}

/** Fills the sign-in form as the demo supervisor and clicks; returns the moment of the click. */
async function signIn(page: Page): Promise<number> {
  await page.locator('input[name=email]').fill(SUPERVISOR.email);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  const clicked = performance.now();
  await page.getByRole('button', { name: /^(Sign in|Entrar)$/ }).click();
  return clicked;
}

let n = 0;
function postForm(formUrl: string, subject: string, from = Math.random().toString(36).slice(2, 10)) {
  n += 1;
  return fetch(formUrl, {
    method: 'POST',
    signal: AbortSignal.timeout(10_000),
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    body: JSON.stringify({ name: `Cliente ${from}`, email: `${from}@example.com`, subject, message: `${subject}: no tengo conexión.` }),
  });
}

/** `count` conversations, from as many customers, numbered in the order they were posted. */
async function postForms(formUrl: string, count: number, prefix: string): Promise<void> {
  for (let i = 1; i <= count; i += 1) {
    const res = await postForm(formUrl, `${prefix} ${i}`, `c${i}`);
    if (!res.ok) throw new Error(`seeding: web-form post ${i} answered ${res.status}: ${await res.text()}`);
  }
}

function sizeOf(files: string[]): { files: number; raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    if (!existsSync(f)) continue;
    const data = readFileSync(f);
    raw += data.length / 1024;
    gzip += gzipSync(data, { level: 9 }).length / 1024;
  }
  return { files: files.length, raw, gzip };
}

/** Every JavaScript and CSS file of the build, gzipped (the .br and .gz copies beside them aside). */
function bundle(): { jsGzip: number; cssGzip: number } {
  const dir = join(CONSOLE_DIST, 'assets');
  let jsGzip = 0;
  let cssGzip = 0;
  for (const f of readdirSync(dir)) {
    const data = readFileSync(join(dir, f));
    if (f.endsWith('.js')) jsGzip += gzipSync(data, { level: 9 }).length / 1024;
    else if (f.endsWith('.css')) cssGzip += gzipSync(data, { level: 9 }).length / 1024;
  }
  return { jsGzip, cssGzip };
}
