import { readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMemoryContext, waitFor } from '@centralita/channel-kit/conformance';
import { afterEach, expect, it } from 'vitest';
import { connectWeb } from './connection.ts';
import { safeClientId } from './session-store.ts';
import { WEB_MODE_DEFAULTS } from './types.ts';

// The one test of web mode with the real whatsapp-web.js: it launches Debian's Chromium
// (scripts/ensure-test-deps.sh installs it) as production does. This machine cannot reach
// web.whatsapp.com, so the launch succeeds and the navigation fails; that failure must become the
// account's state, not a crash, and stop must leave no Chromium behind.
const CHROMIUM = '/usr/bin/chromium';
let dataRoot: string | undefined;

afterEach(async () => {
  // Whatever happened, no Chromium of this test outlives it.
  if (!dataRoot) return;
  for (const pid of await chromiumsUsing(dataRoot)) process.kill(pid, 'SIGKILL');
  await rm(dataRoot, { recursive: true, force: true });
  dataRoot = undefined;
});

/** Processes whose command line names a profile under `root`: the Chromium this account launched. */
async function chromiumsUsing(root: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`--user-data-dir=${root}`)) pids.push(Number(entry));
  }
  return pids;
}

it('launches the real library on Debian Chromium; offline, the failed navigation becomes a degraded state and stop closes Chromium', {
  timeout: 60_000,
}, async () => {
  dataRoot = path.join(os.tmpdir(), `wa-chromium-test-${crypto.randomUUID()}`);
  const root = dataRoot;
  const ctx = createMemoryContext();
  const connection = connectWeb({ id: ctx.account.id, name: 'Tienda', config: { ...WEB_MODE_DEFAULTS, chromiumPath: CHROMIUM } }, ctx, {
    dataRoot: root,
    // One attempt is enough here: the next would start a minute later.
    backoff: { initialMs: 60_000 },
  });
  await connection.start(new AbortController().signal);
  expect(ctx.states[0]).toEqual({ state: 'connecting', detail: 'Starting WhatsApp Web in Chromium.' });

  let launched = false;
  const degraded = await waitFor(
    async () => {
      launched ||= (await chromiumsUsing(root)).length > 0;
      return ctx.states.find((s) => s.state !== 'connecting');
    },
    { timeoutMs: 45_000, intervalMs: 50, what: 'the account to leave connecting' },
  );
  expect(launched, 'Chromium ran with the account’s profile under the OS temp dir').toBe(true);
  expect(degraded.state).toBe('degraded');
  expect(degraded.detail).toMatch(
    /^Chromium started but could not open web\.whatsapp\.com \(net::ERR_[A-Z_]+\): this node seems to be offline, or its network blocks WhatsApp\. Trying again in 1 min\.$/,
  );
  expect(await connection.checkHealth?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/could not open web\.whatsapp\.com/) });
  await expect(
    connection.send({
      messageId: 'm',
      conversationId: 'c',
      text: 'hola',
      visibility: 'private',
      recipient: null,
      inReplyTo: [],
      allowSplit: false,
    }),
  ).rejects.toMatchObject({
    retryable: true,
    hold: expect.stringMatching(/Waiting for the WhatsApp Web session/),
  });

  await connection.stop();
  await waitFor(async () => (await chromiumsUsing(root)).length === 0, { timeoutMs: 10_000, what: 'Chromium to exit after stop' });
  expect(await readdir(root).catch(() => []), 'the unpacked profile is removed').not.toContain(safeClientId(ctx.account.id));
});
