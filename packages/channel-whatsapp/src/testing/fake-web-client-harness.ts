import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AccountState, AccountStateReport, AccountStore, ChannelConnection } from '@centralita/channel-kit';
import { createMemoryContext, type MemoryContext, waitFor } from '@centralita/channel-kit/conformance';
import { connectWeb, type WebConnectionOptions } from '../web/connection.ts';
import { WEB_MODE_DEFAULTS, type WebClientOptions, type WebModeConfig } from '../web/types.ts';
import { createFakeWebClient, FakeWebClient, type FakeWebClientOptions } from './fake-web-client.ts';

/** A started web-mode connection on the fake client and an in-memory context. */
export interface WebAccountHarness {
  fake: FakeWebClient;
  ctx: MemoryContext;
  connection: ChannelConnection;
  config: WebModeConfig;
  /** What each `createClient` call was given (one per attempt). */
  builds: WebClientOptions[];
  /** Every state report with the time it was made (ms), for checking the waits between attempts. */
  timeline: { at: number; report: AccountStateReport }[];
  /** The first report of `state` from the `from`-th report on, once it comes. */
  waitForState(state: AccountState, options?: { from?: number; detail?: RegExp; timeoutMs?: number }): Promise<AccountStateReport>;
  stop(): Promise<void>;
}

export interface WebAccountOptions {
  fake?: FakeWebClient | FakeWebClientOptions;
  config?: Partial<WebModeConfig>;
  store?: AccountStore;
  /** Connection options; the defaults here retry within tens of milliseconds. */
  connection?: Omit<WebConnectionOptions, 'createClient'>;
}

/** Connects a web-mode account to the fake client (the same fake for every attempt) and starts it. */
export async function startWebAccount(options: WebAccountOptions = {}): Promise<WebAccountHarness> {
  const fake = options.fake instanceof FakeWebClient ? options.fake : createFakeWebClient(options.fake);
  const ctx = createMemoryContext(options.store ? { store: options.store } : {});
  const timeline: WebAccountHarness['timeline'] = [];
  const report = ctx.reportState.bind(ctx);
  ctx.reportState = async (r) => {
    timeline.push({ at: Date.now(), report: r });
    await report(r);
  };
  const config: WebModeConfig = { ...WEB_MODE_DEFAULTS, backupSyncMs: 60_000, ...options.config };
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'wa-web-test-'));
  const builds: WebClientOptions[] = [];
  const connection = connectWeb({ id: ctx.account.id, name: ctx.account.name, config }, ctx, {
    backoff: { initialMs: 30, maxMs: 240 },
    emitRetryMs: 20,
    sendWaitMs: 200,
    dataRoot,
    ...options.connection,
    createClient: (o) => {
      builds.push(o);
      return fake;
    },
  });
  await connection.start(new AbortController().signal);
  return {
    fake,
    ctx,
    connection,
    config,
    builds,
    timeline,
    waitForState: (state, o = {}) =>
      waitFor(() => ctx.states.slice(o.from ?? 0).find((s) => s.state === state && (!o.detail || o.detail.test(s.detail))), {
        timeoutMs: o.timeoutMs ?? 5_000,
        what: `the account state ${state}${o.detail ? ` (${o.detail})` : ''}`,
      }).catch((err: Error) => {
        throw new Error(`${err.message}; states: ${JSON.stringify(ctx.states.map((s) => [s.state, s.detail]))}`);
      }),
    async stop() {
      await connection.stop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}
