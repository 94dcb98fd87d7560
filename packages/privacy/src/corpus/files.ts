import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CorpusMessage } from './generator.ts';

/** Where the committed corpus lives: packages/privacy/corpus/. */
export const CORPUS_DIR = fileURLToPath(new URL('../../corpus/', import.meta.url));
export const MESSAGES_FILE = `${CORPUS_DIR}messages.jsonl`;
export const NEAR_MISSES_FILE = `${CORPUS_DIR}near-misses.jsonl`;

/** Reads a JSON-lines corpus file (blank lines skipped). */
export function readCorpusFile(path: string): CorpusMessage[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusMessage);
}

/** The committed corpus: the generated messages and the hand-written near misses. */
export function committedCorpus(): { messages: CorpusMessage[]; nearMisses: CorpusMessage[] } {
  return { messages: readCorpusFile(MESSAGES_FILE), nearMisses: readCorpusFile(NEAR_MISSES_FILE) };
}
