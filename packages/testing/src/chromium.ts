import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, where `npm test` installs it. */
export const CHROMIUM_PATH = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;

/**
 * Launches the machine's Chromium headless through playwright-core. The flags keep it from
 * reaching out to Google's services, which this machine's closed network refuses, and let it run
 * as root in a container.
 */
export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error('Chromium is not installed: `npm test` installs Debian’s chromium package.');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
