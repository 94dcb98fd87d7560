import type { Logger } from '@centralita/channel-kit';
import type { RemoteAuthStore } from './session-store.ts';

/** An account's web-mode settings, as the channel's config produces them. */
export interface WebModeConfig {
  /** The system Chromium puppeteer drives; no browser is ever downloaded. @default '/usr/bin/chromium' */
  chromiumPath: string;
  /**
   * How long WhatsApp Web may take to become ready after the phone linked it (or after a start
   * with a stored session) before Chromium is restarted: `ready` stops coming after some WhatsApp
   * Web updates, and a restart is what brings it back. @default 120000
   */
  readyTimeoutMs: number;
  /** How often the session archive is copied to the host's store; whatsapp-web.js refuses less than 60000. */
  backupSyncMs: number;
  headless: boolean;
  /** The number the account should be linked to (E.164), named beside the QR code and checked on ready. */
  ownNumber?: string | null;
}

export const WEB_MODE_DEFAULTS = Object.freeze({
  chromiumPath: '/usr/bin/chromium',
  readyTimeoutMs: 120_000,
  backupSyncMs: 300_000,
  headless: true,
});

/** The identity kind of a whatsapp-web.js linked id, stored as the whole `<n>@lid` string. */
export const WHATSAPP_LID_IDENTITY = 'whatsapp_lid';

/** whatsapp-web.js's `MessageAck` levels, mirrored so the library is not loaded to read them. */
export const ACK = Object.freeze({ ERROR: -1, PENDING: 0, SERVER: 1, DEVICE: 2, READ: 3, PLAYED: 4 });

/** Media as whatsapp-web.js carries it: base64 data, as `MessageMedia` holds it. */
export interface WebMedia {
  mimetype: string;
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** What this channel reads of a whatsapp-web.js `Message`. */
export interface WebMessageLike {
  id: { _serialized: string; fromMe: boolean; remote: string; id: string };
  /** The chat: the sender of a one-to-one message (`<phone>@c.us` or `<n>@lid`). */
  from: string;
  to: string;
  fromMe: boolean;
  body: string;
  /** `chat`, `image`, `ptt`, `document`...: whatsapp-web.js's `MessageTypes`. */
  type: string;
  /** Unix seconds. */
  timestamp: number;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  isStatus?: boolean;
  /** The raw model the library wraps (not in its typings): the sender's push name, the media's size. */
  _data?: { notifyName?: string; size?: number; filename?: string; mimetype?: string };
  downloadMedia(): Promise<WebMedia | undefined>;
  getQuotedMessage(): Promise<WebMessageLike | undefined>;
  getContact(): Promise<{ pushname?: string; name?: string }>;
}

/** What the replay reads of a whatsapp-web.js `Chat`. */
export interface WebChatLike {
  id: { _serialized: string };
  isGroup: boolean;
  /** Unix seconds of the chat's last activity. */
  timestamp?: number;
  fetchMessages(options: { limit?: number }): Promise<WebMessageLike[]>;
}

/** The events of whatsapp-web.js's `Client` this channel listens to, with their arguments. */
export interface WebClientEvents {
  qr: [qr: string];
  authenticated: [payload?: unknown];
  auth_failure: [message: string];
  ready: [];
  /** A `WAState` (`UNPAIRED`, `CONFLICT`...), `LOGOUT`, or a sentence ("Max qrcode retries reached"). */
  disconnected: [reason: string];
  change_state: [state: string];
  message: [message: WebMessageLike];
  message_ack: [message: WebMessageLike, ack: number];
  remote_session_saved: [];
}

/** The part of whatsapp-web.js's `Client` this channel uses; the real one and the test fake both implement it. */
export interface WebClientLike {
  on<E extends keyof WebClientEvents>(event: E, listener: (...args: WebClientEvents[E]) => void): unknown;
  off<E extends keyof WebClientEvents>(event: E, listener: (...args: WebClientEvents[E]) => void): unknown;
  /** Launches Chromium and opens WhatsApp Web; resolves once a QR code shows or the session is restored. */
  initialize(): Promise<void>;
  /** Closes Chromium; harmless when it is not open. */
  destroy(): Promise<void>;
  /** Unlinks this device from the phone. */
  logout(): Promise<void>;
  /** WhatsApp Web's socket state (`CONNECTED`, `TIMEOUT`...); rejects when the page is gone. */
  getState(): Promise<string | null>;
  sendMessage(
    chatId: string,
    content: string,
    options?: { quotedMessageId?: string; media?: WebMedia },
  ): Promise<WebMessageLike | null | undefined>;
  /** whatsapp-web.js 1.34's lid ↔ phone mapping: `{ lid: '<n>@lid', pn: '<phone>@c.us' }`, each absent when unknown. */
  getContactLidAndPhone(userIds: string[]): Promise<{ lid?: string; pn?: string }[]>;
  getChats(): Promise<WebChatLike[]>;
  /** The linked account, once ready (`wid` is `<phone>@c.us`, or `<n>@lid` when the phone is unknown). */
  readonly info?: { wid: { user: string; server?: string; _serialized: string }; pushname?: string } | null;
}

/** What `createClient` is given to build one client: one per start or restart. */
export interface WebClientOptions {
  /** The account id made safe for whatsapp-web.js (letters, digits, `-`, `_`). */
  clientId: string;
  /** This account's scratch directory under the OS temp dir, where Chromium's profile is unpacked. */
  dataPath: string;
  /** Where RemoteAuth keeps the session archive: the host's store. */
  store: RemoteAuthStore;
  backupSyncIntervalMs: number;
  chromiumPath: string;
  headless: boolean;
  /** Where whatsapp-web.js caches WhatsApp Web's page, shared by the node's accounts (never the working directory). */
  webCachePath: string;
  logger: Logger;
}
