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

export type AppLogger = pino.Logger & Logger;

/** The server's structured logger (JSON lines on stdout). */
export function createLogger(level: string, destination?: pino.DestinationStream): AppLogger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'centralita' } }, destination);
}
