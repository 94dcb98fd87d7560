import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelAdapter } from '@centralita/channel-kit';
import { createFixture, type Fixture, PASSWORD, useServer } from '@centralita/server/test-harness';
import { launchChromium } from '@centralita/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

// What every browser test of the console shares: the production build, a real server on a fresh
// PostgreSQL, Debian's Chromium, sign-in, screenshots (apps/console/test-artifacts, not committed).
const root = join(import.meta.dirname, '..');
export const artifacts = join(root, 'test-artifacts');

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 360, height: 740 } as const;

/**
 * Builds the console once per test file into its own folder, so test files running side by side
 * never replace each other's build. In its own process: Vitest sets NODE_ENV=test, which would make
 * a development build, and the console under test is the production build users get.
 */
function buildConsole(): string {
  const out = join(tmpdir(), `centralita-console-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  execFileSync(
    process.execPath,
    [join(root, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error', '--outDir', out, '--emptyOutDir'],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' },
  );
  return out;
}

export interface ConsoleTest {
  readonly url: string;
  readonly f: Fixture;
  readonly server: ReturnType<typeof useServer>;
  /** A new browser context (its own cookies), signed in as `email`, on the inbox. */
  signIn(email: string, options?: { viewport?: { width: number; height: number }; lang?: 'es' | 'en' }): Promise<Page>;
  /** Fails the test when the page logged a missing translation or an uncaught error. */
  expectClean(page: Page): void;
  shot(page: Page, name: string): Promise<void>;
}

/** Sets up one test file: server, fixture (a user per role, a web-form account) and browser. */
export function useConsole(options: { adapters?: ChannelAdapter[] } = {}): ConsoleTest {
  const dir = buildConsole();
  const server = useServer({ worker: true, adapters: options.adapters ?? [], consoleDir: dir });
  let browser: Browser;
  let fixture: Fixture;
  const problems = new WeakMap<Page, string[]>();
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    fixture = await createFixture(server);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const test: ConsoleTest = {
    get url() {
      return server.url;
    },
    get f() {
      return fixture;
    },
    server,
    async signIn(email, { viewport = DESKTOP, lang = 'en' } = {}) {
      const context = await browser.newContext({ viewport, locale: lang === 'es' ? 'es-ES' : 'en-GB' });
      contexts.push(context);
      // Each step fails on its own within 10 s, naming what it waited for, well inside the test's time.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const seen: string[] = [];
      problems.set(page, seen);
      page.on('console', (m) => {
        if (m.type() === 'error' && m.text().startsWith('missing translation')) seen.push(m.text());
      });
      page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
      await page.goto(server.url);
      const go = lang === 'es' ? 'Entrar' : 'Sign in';
      await page.locator('input[name=email]').fill(email);
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: go }).click();
      await page.getByTestId('user-menu').waitFor();
      return page;
    },
    expectClean(page) {
      expect(problems.get(page) ?? []).toEqual([]);
    },
    async shot(page, name) {
      await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    },
  };
  return test;
}

/** The page has no horizontal scrollbar: nothing is wider than the screen. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
}

/** Every screen's smoke test runs on a phone and a desktop, in Spanish and in English. */
export const SCREENS = [
  ['es', PHONE],
  ['en', PHONE],
  ['es', DESKTOP],
  ['en', DESKTOP],
] as const;

export const languageName = (lang: 'es' | 'en') => (lang === 'es' ? 'Spanish' : 'English');
