// The labelled corpus: its seeded generator, the committed files, and scoring a scanner on them.
// For tests and the benchmark; the guard itself does not need it.

export { evaluateCorpus } from './evaluate.ts';
export { CORPUS_DIR, committedCorpus, MESSAGES_FILE, NEAR_MISSES_FILE, readCorpusFile } from './files.ts';
export { COMMITTED_COUNT, COMMITTED_SEED, type CorpusMessage, generateCorpus, toJsonLines } from './generator.ts';
export type { Style } from './phrasebook.ts';
export { CORPUS_PATTERNS } from './values.ts';
