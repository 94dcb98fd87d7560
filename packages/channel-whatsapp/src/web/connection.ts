import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelConnection, ChannelContext } from '@centralita/channel-kit';
import { DEFAULT_MAX_MEDIA_BYTES } from './inbound.ts';
import { Intake } from './intake.ts';
import { WebLifecycle } from './lifecycle.ts';
import { createRealClient } from './real-client.ts';
import { sendWeb } from './send.ts';
import { createSessionStore, DEFAULT_DATA_ROOT, removeDataPath, safeClientId, sessionDataPath, sessionName } from './session-store.ts';
import type { WebClientLike, WebClientOptions, WebModeConfig } from './types.ts';

export interface WebConnectionOptions {
  /**
   * Builds the client for one attempt (a new one after every restart). Default: whatsapp-web.js's
   * `Client` on the configured Chromium, with `RemoteAuth` over the account store. Tests pass the
   * fake from `@centralita/channel-whatsapp/testing`.
   */
  createClient?: (options: WebClientOptions) => WebClientLike | Promise<WebClientLike>;
  /** The largest inbound attachment kept; a larger one leaves a line in the text. @default 16 MiB */
  maxMediaBytes?: number;
  /** The wait after the first failure, doubling after each further one up to `maxMs`. @default { initialMs: 5000, maxMs: 600000 } */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How much a replay after `ready` reads back. @default { chats: 30, messagesPerChat: 50 } */
  replay?: { chats?: number; messagesPerChat?: number };
  /** The first wait before emitting again what the host could not store. @default 1000 */
  emitRetryMs?: number;
  /** How long a reply waits for a session that is starting before it is held. @default 5000 */
  sendWaitMs?: number;
  /** The longest text of one message; longer replies are refused or, when allowed, split. @default 65536 (WhatsApp's limit) */
  textLimit?: number;
  /** Where accounts' scratch directories go. @default `<os temp dir>/centralita-whatsapp` */
  dataRoot?: string;
}

/**
 * One web-mode account's connection: a linked-device session of WhatsApp Web in the system
 * Chromium, driven by whatsapp-web.js. `start` returns at once and the session comes up in the
 * background, its progress (a QR code to scan, ready, offline, logged out) reported through
 * `ctx.reportState`. The session is stored through the context, so it follows the account to the
 * node that holds its lock. This mode automates WhatsApp Web: WhatsApp can block numbers that use it.
 */
export function connectWeb(
  account: { id: string; name: string; config: WebModeConfig },
  ctx: ChannelContext,
  options: WebConnectionOptions = {},
): ChannelConnection {
  const { config } = account;
  const root = options.dataRoot ?? DEFAULT_DATA_ROOT;
  const clientId = safeClientId(account.id);
  const dataPath = sessionDataPath(account.id, root);
  const sessions = createSessionStore(ctx.store, dataPath);
  const intake = new Intake(ctx, {
    maxMediaBytes: options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
    replayChats: options.replay?.chats ?? 30,
    replayMessagesPerChat: options.replay?.messagesPerChat ?? 50,
    retryMs: options.emitRetryMs ?? 1_000,
  });
  const lifecycle = new WebLifecycle({
    ctx,
    config,
    intake,
    sessions,
    session: sessionName(clientId),
    clientOptions: {
      clientId,
      dataPath,
      store: sessions,
      backupSyncIntervalMs: config.backupSyncMs,
      chromiumPath: config.chromiumPath,
      headless: config.headless,
      webCachePath: path.join(root, 'web-cache'),
      logger: ctx.logger,
    },
    createClient: options.createClient ?? createRealClient,
    backoff: { initialMs: options.backoff?.initialMs ?? 5_000, maxMs: options.backoff?.maxMs ?? 600_000 },
  });

  let started = false;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await lifecycle.stop();
      await intake.close();
      // The unpacked profile holds the session's keys; the store keeps the copy that matters.
      await removeDataPath(dataPath).catch(() => {});
    })();
    return stopping;
  };

  return {
    async start(signal) {
      if (started || stopping) return;
      started = true;
      signal.addEventListener('abort', () => void stop(), { once: true });
      await mkdir(dataPath, { recursive: true });
      await intake.load();
      lifecycle.start();
    },
    stop,
    send: async (message) => sendWeb(await lifecycle.readyClient(options.sendWaitMs ?? 5_000), message, options.textLimit),
    checkHealth: () => lifecycle.checkHealth(),
  };
}
