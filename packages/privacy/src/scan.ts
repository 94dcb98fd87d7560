import { createScanner, type Scanner } from './scanner.ts';
import type { PiiFinding, ScanOptions } from './types.ts';

// Scanners compiled for recent option sets: a server scanning each message with its
// workspace's settings compiles them once, not once a message.
const CACHE_SIZE = 64;
const cache = new Map<string, Scanner>();

function keyOf(options: ScanOptions): string {
  return JSON.stringify([options.country ?? 'ES', options.language ?? '', options.minConfidence ?? 0.5, options.customPatterns ?? []]);
}

/**
 * Finds personal data in `text`: one finding per span, in text order, each at or above
 * `minConfidence` (default 0.5). Throws a CentralitaError for an invalid country or pattern.
 */
export function scanText(text: string, options: ScanOptions = {}): PiiFinding[] {
  const key = keyOf(options);
  let scanner = cache.get(key);
  if (!scanner) {
    scanner = createScanner(options);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, scanner);
  }
  return scanner.scan(text);
}
