import { createScanner } from '../scanner.ts';
import { type Score, scoreFindings } from '../score.ts';
import type { ScanOptions } from '../types.ts';
import type { CorpusMessage } from './generator.ts';
import { CORPUS_PATTERNS } from './values.ts';

/** Scans every message with the corpus's workspace patterns (and `options`) and scores the findings. */
export function evaluateCorpus(messages: readonly CorpusMessage[], options: ScanOptions = {}): Score {
  const scanner = createScanner({ customPatterns: CORPUS_PATTERNS, ...options });
  return scoreFindings(messages.map((m) => ({ labels: m.labels, findings: scanner.scan(m.text) })));
}
