// The privacy guard's benchmark: precision and recall on the committed labelled corpus, and how
// many messages of up to 280 characters one core scans a second.
import { createScanner, PII_TYPES, type PiiType, type Scanner, type TypeScore } from '@centralita/privacy';
import { CORPUS_PATTERNS, committedCorpus, evaluateCorpus } from '@centralita/privacy/corpus';

/** The short messages the speed figure scans: posts, DMs and short emails of the corpus, near misses included. */
const SHORT = 280;

export interface PrivacyFigures {
  messages: number;
  nearMisses: number;
  byType: Record<PiiType, TypeScore>;
  overall: TypeScore;
  speed: { texts: number; meanLength: number; withPatterns: Rate; withoutPatterns: Rate; digitTest: Rate };
}

/**
 * Messages scanned a second of wall time, and a second of this process's CPU time: the machine
 * is shared, so wall time also counts the moments another process held the core.
 */
export interface Rate {
  wall: number;
  cpu: number;
}

/** Scans `texts` round and round for `ms` on this thread. */
function rate(scan: (text: string) => unknown, texts: readonly string[], ms: number): Rate {
  let n = 0;
  let sink = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  // Check the clock every 256 messages: reading it costs more than a short scan.
  while (elapsed < ms) {
    for (let k = 0; k < 256; k++) {
      const r = scan(texts[n % texts.length] as string);
      if (r) sink++;
      n++;
    }
    elapsed = performance.now() - started;
  }
  const used = process.cpuUsage(cpu);
  if (sink < 0) throw new Error('unreachable');
  return { wall: (n / elapsed) * 1000, cpu: n / ((used.user + used.system) / 1e6) };
}

function warm(scanner: Scanner, texts: readonly string[], ms: number): void {
  rate((t) => scanner.scan(t), texts, ms);
}

/**
 * Scores the committed corpus (with its workspace patterns, near misses included) and measures
 * single-thread scan speed with and without workspace patterns, after a warm-up.
 */
export function benchPrivacy(options: { warmupMs: number; durationMs: number }): PrivacyFigures {
  const { messages, nearMisses } = committedCorpus();
  const all = [...messages, ...nearMisses];
  const score = evaluateCorpus(all);
  const texts = all.map((m) => m.text).filter((t) => t.length <= SHORT);
  const withPatterns = createScanner({ customPatterns: CORPUS_PATTERNS });
  const without = createScanner();
  warm(withPatterns, texts, options.warmupMs);
  warm(without, texts, options.warmupMs);
  // The floor under any scan: one test for a digit per message.
  const digitTest = rate((t) => /\d/.test(t), texts, Math.min(options.durationMs, 1_000));
  return {
    messages: messages.length,
    nearMisses: nearMisses.length,
    byType: score.byType,
    overall: score.overall,
    speed: {
      texts: texts.length,
      meanLength: texts.reduce((n, t) => n + t.length, 0) / texts.length,
      withPatterns: rate((t) => withPatterns.scan(t), texts, options.durationMs),
      withoutPatterns: rate((t) => without.scan(t), texts, options.durationMs),
      digitTest,
    },
  };
}

/** The lines `npm run bench` prints for the privacy section. */
export function privacyLines(f: PrivacyFigures, fmt: (n: number, digits?: number) => string): string[] {
  const types = PII_TYPES.filter((t) => f.byType[t].labels > 0 || f.byType[t].findings > 0)
    .map((t) => {
      const s = f.byType[t];
      return `${t} ${fmt(s.precision, 3)}/${fmt(s.recall, 3)} (${s.truePositives} of ${s.labels}, ${s.findings - s.truePositives} wrong)`;
    })
    .join(', ');
  const s = f.speed;
  const r = (x: Rate) => `${fmt(x.cpu, 0)}/s (${fmt(x.wall, 0)}/s wall)`;
  return [
    `privacy guard on the committed corpus (${f.messages} labelled messages + ${f.nearMisses} near misses, ${f.overall.labels} values): precision ${fmt(f.overall.precision, 3)} over all types (target 0.95), recall ${fmt(f.overall.recall, 3)}`,
    `  precision/recall per type: ${types}`,
    `privacy scan, one thread, ${s.texts} corpus messages of up to ${SHORT} characters (mean ${fmt(s.meanLength, 0)}), messages per CPU second: with 2 workspace patterns ${r(s.withPatterns)}, without ${r(s.withoutPatterns)}, vs target 20,000/s: ${fmt(s.withPatterns.cpu / 20_000, 2)}x / ${fmt(s.withoutPatterns.cpu / 20_000, 2)}x; a bare digit test of the same messages ${r(s.digitTest)}`,
  ];
}
