import { toE164 } from '@centralita/channel-kit';

/** Why the link is down, as the account's state and the sentence its administrators read. */
export interface Problem {
  state: 'degraded' | 'logged_out';
  sentence: string;
  /** The stored session is useless now (the phone unlinked this device): forget it and show a new QR code. */
  unlinked: boolean;
}

/** The first line of a library error (some are thrown as bare strings: 'auth timeout'), short enough for a state. */
export function errorText(err: unknown): string {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  const line = (raw ?? 'unknown error').split('\n')[0]?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line || 'unknown error';
}

const NETWORK = /net::ERR_[A-Z_]+/;
const NO_BROWSER =
  /Browser was not found|Failed to launch the browser process|Could not find (Chrome|Chromium|expected browser)|spawn \S+ ENOENT|ENOENT|EACCES/i;

/** What an `initialize()` (or building the client) that failed means for the account. */
export function initProblem(err: unknown, chromiumPath: string): Problem {
  const text = errorText(err);
  const net = NETWORK.exec(text)?.[0];
  if (net) {
    return {
      state: 'degraded',
      sentence: `Chromium started but could not open web.whatsapp.com (${net}): this node seems to be offline, or its network blocks WhatsApp.`,
      unlinked: false,
    };
  }
  if (NO_BROWSER.test(text)) {
    return {
      state: 'degraded',
      sentence: `Chromium could not start from ${chromiumPath} (${text}): install Debian's chromium package there, or set chromiumPath.`,
      unlinked: false,
    };
  }
  if (/auth timeout/i.test(text)) {
    return { state: 'degraded', sentence: 'WhatsApp Web opened but its app did not load within 30 s (auth timeout).', unlinked: false };
  }
  if (/Invalid (clientId|backupSyncIntervalMs)/.test(text)) {
    return { state: 'degraded', sentence: `The web-mode settings are invalid: ${text}`, unlinked: false };
  }
  return { state: 'degraded', sentence: `WhatsApp Web could not start (${text}).`, unlinked: false };
}

/** What a `disconnected` event's reason (a WAState, `LOGOUT`, or a sentence) means for the account. */
export function disconnectProblem(reason: string): Problem {
  switch (reason) {
    case 'LOGOUT':
      return { state: 'logged_out', sentence: 'The phone logged this device out (WhatsApp > Linked devices).', unlinked: true };
    case 'UNPAIRED':
    case 'UNPAIRED_IDLE':
      return {
        state: 'logged_out',
        sentence: `WhatsApp unlinked this device (${reason}): the phone removed it, or was not opened for about two weeks.`,
        unlinked: true,
      };
    case 'TOS_BLOCK':
    case 'SMB_TOS_BLOCK':
      return {
        state: 'logged_out',
        sentence: `WhatsApp blocked this number (${reason}). This mode automates WhatsApp Web, which WhatsApp can block; the Cloud API mode is the supported way.`,
        unlinked: true,
      };
    case 'CONFLICT':
      return { state: 'degraded', sentence: 'WhatsApp Web was opened with this session somewhere else (CONFLICT).', unlinked: false };
    case 'PROXYBLOCK':
      return { state: 'degraded', sentence: "WhatsApp refused this node's network address (PROXYBLOCK).", unlinked: false };
    case 'DEPRECATED_VERSION':
      return {
        state: 'degraded',
        sentence: 'WhatsApp says this WhatsApp Web version is too old (DEPRECATED_VERSION): whatsapp-web.js needs an update.',
        unlinked: false,
      };
    default:
      return { state: 'degraded', sentence: `WhatsApp Web disconnected (${errorText(reason)}).`, unlinked: false };
  }
}

/** A WhatsApp id as a person reads it: `+34600123456` for `34600123456@c.us`, else the id itself. */
export function widLabel(wid: string | null | undefined): string | null {
  if (!wid) return null;
  const m = /^(\d+)@(c\.us|s\.whatsapp\.net)$/.exec(wid);
  return m?.[1] ? (toE164(m[1]) ?? `+${m[1]}`) : wid;
}

/** "1 min 20 s", "5 s": how long until the next attempt. */
export function formatDelay(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
