import type { Logger } from '@centralita/channel-kit';
import pino from 'pino';

/**
 * Field names that never reach a log line, wherever they appear: passwords, tokens, cookies,
 * channel secrets. A secret that must be logged cannot be; that is the point.
 */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'cookie',
  '*.cookie',
  'config',
  '*.config',
];

const CENSOR = '[redacted]';

/**
 * Credentials that look like credentials, wherever they stand in a line: inside an error message,
 * a request path, a URL. Field names cannot catch those, so the written line itself is scrubbed.
 */
const PATTERNS: [RegExp, string][] = [
  // Session (cts_), API (ctk_) and customer-link (ctp_) tokens.
  [/\b(ct[skp]_)[A-Za-z0-9_-]{8,}/g, `$1${CENSOR}`],
  // A customer page path is its own credential, even when the token is malformed.
  [/(\/c\/)[^/\s"?#\\]+/g, `$1${CENSOR}`],
  [/\b(Bearer\s+)[^\s"\\]+/gi, `$1${CENSOR}`],
  [/\b(centralita_session=)[^;\s"\\]+/g, `$1${CENSOR}`],
  // user:password@ in a connection string or URL.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"\\]*:)[^@\s"\\]+@/gi, `$1${CENSOR}@`],
];

/** Removes every credential a line may carry: by pattern, and every secret the node has read. */
export function scrubLine(line: string, secrets: ReadonlySet<string>): string {
  let out = line;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of secrets) {
    // The line is JSON, so a secret appears in its escaped form.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (out.includes(escaped)) out = out.split(escaped).join(CENSOR);
  }
  return out;
}

export type AppLogger = pino.Logger &
  Logger & {
    /**
     * Adds a value that must never be written (a channel secret once decrypted), whatever field or
     * message it turns up in. Short values are ignored: they would censor ordinary words.
     */
    protect(secret: string): void;
  };

/** The server's structured logger (JSON lines on stdout), scrubbed of credentials. */
export function createLogger(level: string, destination?: pino.DestinationStream): AppLogger {
  const secrets = new Set<string>();
  const logger = pino(
    {
      level,
      redact: { paths: REDACT, censor: CENSOR },
      base: { app: 'centralita' },
      hooks: { streamWrite: (line) => scrubLine(line, secrets) },
    },
    destination,
  );
  return Object.assign(logger, {
    protect(secret: string) {
      if (secret.length >= 8) secrets.add(secret);
    },
  });
}
