// Writes the labelled corpus: `node_modules/.bin/tsx packages/privacy/corpus/generate.ts
// [--seed N] [--count N] [--out FILE]`; with no options, the committed messages.jsonl.
import { writeFileSync } from 'node:fs';
import { COMMITTED_COUNT, COMMITTED_SEED, generateCorpus, MESSAGES_FILE, toJsonLines } from '../src/corpus/index.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const seed = Number(option('--seed') ?? COMMITTED_SEED);
const count = Number(option('--count') ?? COMMITTED_COUNT);
const out = option('--out') ?? MESSAGES_FILE;
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: generate.ts [--seed INTEGER] [--count POSITIVE INTEGER] [--out FILE]\n');
  process.exit(2);
}
const messages = generateCorpus(seed, count);
writeFileSync(out, toJsonLines(messages));
process.stdout.write(
  `${messages.length} messages, ${messages.reduce((n, m) => n + m.labels.length, 0)} labelled values, seed ${seed}: ${out}\n`,
);
