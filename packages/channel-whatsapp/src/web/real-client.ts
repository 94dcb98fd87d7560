import { createReadStream } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Logger } from '@centralita/channel-kit';
import type WAWebJS from 'whatsapp-web.js';
import type { RemoteAuthStore } from './session-store.ts';
import type { WebChatLike, WebClientEvents, WebClientLike, WebClientOptions, WebMessageLike } from './types.ts';

type Library = typeof WAWebJS;

/**
 * whatsapp-web.js, loaded on first use: importing it pulls in puppeteer, which a process that runs
 * no web-mode account (or only loads the package) has no reason to load.
 */
export async function loadWhatsAppWeb(): Promise<Library> {
  const mod = (await import('whatsapp-web.js')) as { default?: Library } & Library;
  return mod.default ?? mod;
}

/** What this channel relies on of `RemoteAuth` beyond its typings (which declare none of it). */
export interface RemoteAuthInternals {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  afterAuthReady(): Promise<void>;
  storeRemoteSession(options?: { emit?: boolean }): Promise<void>;
  extractRemoteSession(): Promise<void>;
  unCompressSession(zipPath: string): Promise<void>;
  disconnect(): Promise<void>;
  destroy(): Promise<void>;
  userDataDir?: string;
  backupSync?: ReturnType<typeof setInterval>;
}

export interface RemoteAuthOptions {
  store: RemoteAuthStore;
  clientId: string;
  dataPath: string;
  backupSyncIntervalMs: number;
}

/** The part of unzipper (untyped) the restore uses: `promise()` settles on `close`, once every file is written. */
interface UnzipperModule {
  Extract(options: { path: string; concurrency?: number }): NodeJS.WritableStream & { promise(): Promise<void> };
}

export type RemoteAuthClass = new (options: RemoteAuthOptions) => RemoteAuthInternals;

/**
 * RemoteAuth with four changes, each because the library's own behaviour hurts a server:
 * - its periodic and first backups run in a timer nobody awaits, so a failed save (the database
 *   down, an archive over the host's limit) would be an unhandled rejection that ends the process:
 *   here it is logged and the previous copy stays;
 * - nothing is saved once the client is destroyed, so a node that gave the account up never
 *   overwrites the session the next owner keeps;
 * - `disconnect` (called for any unexpected WhatsApp Web state: CONFLICT, PROXYBLOCK,
 *   DEPRECATED_VERSION...) no longer deletes the stored session. The connection deletes it itself
 *   when the link is really gone (a logout, UNPAIRED, an auth failure), so a passing state does
 *   not force someone to scan a QR code again;
 * - the restored profile is complete before Chromium starts: the library resolves its unzip on
 *   the parser's `finish`, before the last files are written (unzipper's `close` comes after).
 */
export function guardRemoteAuth(Base: RemoteAuthClass, logger: Logger): RemoteAuthClass {
  return class GuardedRemoteAuth extends Base {
    #closed = false;

    override async storeRemoteSession(options?: { emit?: boolean }): Promise<void> {
      if (this.#closed) return;
      try {
        await super.storeRemoteSession(options);
        logger.debug({}, 'WhatsApp Web session saved to the account store');
      } catch (err) {
        logger.error({ error: describe(err) }, 'saving the WhatsApp Web session failed; the previous copy stays');
      }
    }

    override async afterAuthReady(): Promise<void> {
      try {
        await super.afterAuthReady();
      } catch (err) {
        logger.error({ error: describe(err) }, 'scheduling WhatsApp Web session backups failed');
      }
      // Destroyed during the library's first-minute wait: it scheduled its backups after our
      // destroy had cleared them, so they would hold the dead client for good.
      if (this.#closed) clearInterval(this.backupSync);
    }

    override async unCompressSession(zipPath: string): Promise<void> {
      const { Extract } = createRequire(import.meta.url)('unzipper') as UnzipperModule;
      const extract = Extract({ path: this.userDataDir ?? '', concurrency: 10 });
      const input = createReadStream(zipPath);
      await new Promise<void>((resolve, reject) => {
        input.once('error', reject);
        extract.promise().then(resolve, reject);
        input.pipe(extract);
      });
      await unlink(zipPath);
    }

    override async disconnect(): Promise<void> {
      clearInterval(this.backupSync);
      if (this.userDataDir) await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    }

    override async destroy(): Promise<void> {
      this.#closed = true;
      await super.destroy();
    }
  };
}

/**
 * The real client: whatsapp-web.js on the system Chromium, its session in the host's store.
 * `webVersionCache` keeps the library's default (a local cache of WhatsApp Web's page) with its
 * folder moved out of the working directory.
 */
export async function createRealClient(options: WebClientOptions): Promise<WebClientLike> {
  const lib = await loadWhatsAppWeb();
  const Auth = guardRemoteAuth(lib.RemoteAuth as unknown as RemoteAuthClass, options.logger);
  const client = new lib.Client({
    authStrategy: new Auth({
      store: options.store,
      clientId: options.clientId,
      dataPath: options.dataPath,
      backupSyncIntervalMs: options.backupSyncIntervalMs,
    }) as unknown as WAWebJS.AuthStrategy,
    puppeteer: {
      executablePath: options.chromiumPath,
      headless: options.headless,
      // Root in a container has no user namespaces for Chromium's sandbox, and /dev/shm is small there.
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    },
    webVersionCache: { type: 'local', path: options.webCachePath },
    // The account runs on one node at a time (the host's lock), so a WhatsApp Web open elsewhere
    // with this session is a stale copy: take the session back rather than give it up.
    takeoverOnConflict: true,
    takeoverTimeoutMs: 5_000,
  });
  return new RealWebClient(client, lib.MessageMedia);
}

/** The library's client seen through `WebClientLike`: media becomes a `MessageMedia` on the way out. */
class RealWebClient implements WebClientLike {
  constructor(
    private readonly client: WAWebJS.Client,
    private readonly Media: Library['MessageMedia'],
  ) {}

  get info(): WebClientLike['info'] {
    return (this.client.info as WebClientLike['info'] | undefined) ?? null;
  }

  on<E extends keyof WebClientEvents>(event: E, listener: (...args: WebClientEvents[E]) => void): this {
    this.client.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof WebClientEvents>(event: E, listener: (...args: WebClientEvents[E]) => void): this {
    this.client.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  initialize(): Promise<void> {
    return this.client.initialize();
  }

  destroy(): Promise<void> {
    return this.client.destroy();
  }

  logout(): Promise<void> {
    return this.client.logout();
  }

  async getState(): Promise<string | null> {
    return (await this.client.getState()) ?? null;
  }

  async sendMessage(
    chatId: string,
    content: string,
    options: {
      quotedMessageId?: string;
      media?: { mimetype: string; data: string; filename?: string | null; filesize?: number | null };
    } = {},
  ): Promise<WebMessageLike | null | undefined> {
    const media = options.media
      ? new this.Media(options.media.mimetype, options.media.data, options.media.filename ?? null, options.media.filesize ?? null)
      : undefined;
    const sent = await this.client.sendMessage(chatId, content, {
      ...(options.quotedMessageId ? { quotedMessageId: options.quotedMessageId } : {}),
      ...(media ? { media } : {}),
    });
    return sent as unknown as WebMessageLike | null | undefined;
  }

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid?: string; pn?: string }[]> {
    return this.client.getContactLidAndPhone(userIds);
  }

  async getChats(): Promise<WebChatLike[]> {
    return (await this.client.getChats()) as unknown as WebChatLike[];
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
