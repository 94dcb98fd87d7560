import { CentralitaError } from '@centralita/core';
import { type CompiledContext, compileContext, contextLanguages, contextOf, DEMOTED } from './context.ts';
import { customDetectors } from './custom.ts';
import type { Candidate, Detector, DetectorRegistry, DigitRun, ScanContext } from './detector.ts';
import { defaultRegistry, detectorsFor } from './registry.ts';
import { digitRuns, hasDigit } from './text.ts';
import type { PiiFinding, ScanOptions } from './types.ts';

/** The fewest digits of a number the shipped detectors read from digit runs (an NSS has 12). */
const LONG_NUMBER = 12;

/** Options of a scanner: those of `scanText`, and the detectors to draw from. */
export interface ScannerOptions extends ScanOptions {
  /** The detectors by country; default {@link defaultRegistry}. */
  registry?: DetectorRegistry;
}

/** A scan with its detectors, context words and workspace patterns compiled once. */
export interface Scanner {
  readonly country: string;
  /** The findings in `text`, one per span, in text order. */
  scan(text: string): PiiFinding[];
}

interface Prepared {
  detector: Detector;
  context: CompiledContext;
}

/**
 * Compiles a scanner: the country's detectors, the workspace's patterns (throws a CentralitaError
 * naming a pattern that is invalid or unsafe) and the context words of the language.
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const country = (options.country ?? 'ES').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    throw new CentralitaError('validation_failed', `Country "${options.country}" is not an ISO 3166-1 alpha-2 code such as ES or GB.`);
  const minConfidence = options.minConfidence ?? 0.5;
  if (!(minConfidence >= 0 && minConfidence <= 1))
    throw new CentralitaError('validation_failed', `minConfidence is ${minConfidence}; give a number from 0 to 1.`);
  const languages = contextLanguages(options.language);
  const builtIn = detectorsFor(country, options.registry ?? defaultRegistry);
  const custom = customDetectors(options.customPatterns ?? []);
  // Workspace patterns run before the detectors marked `last`, so the phone detector skips them.
  const ordered = [...builtIn.filter((d) => !d.last), ...custom, ...builtIn.filter((d) => d.last)];
  const prepared: Prepared[] = ordered.map((detector) => ({ detector, context: compileContext(detector.context, languages) }));
  const hasAny = prepared.some((p) => p.detector.needs === 'any');

  return {
    country,
    scan(text: string): PiiFinding[] {
      if (text.length === 0) return [];
      const digit = hasDigit(text);
      const at = text.includes('@');
      if (!digit && !at && !hasAny) return [];
      const found: Candidate[] = [];
      const owners: Prepared[] = [];
      let runs: DigitRun[] | null = null;
      let runsMin = 0;
      const scan: ScanContext = {
        country,
        found,
        digitRuns: (minDigits = LONG_NUMBER) => {
          // Runs kept for a smaller minimum serve a larger one after a filter.
          if (runs === null || runsMin > minDigits) {
            runs = digitRuns(text, minDigits);
            runsMin = minDigits;
          }
          return runsMin === minDigits ? runs : runs.filter((r) => r.digits.length >= minDigits);
        },
      };
      for (const p of prepared) {
        const needs = p.detector.needs;
        if ((needs === 'digit' && !digit) || (needs === 'at' && !at)) continue;
        const before = found.length;
        p.detector.find(text, scan, found);
        for (let i = before; i < found.length; i++) owners.push(p);
      }
      if (found.length === 0) return [];
      return resolve(text, found, owners, minConfidence);
    },
  };
}

interface Weighed {
  candidate: Candidate;
  confidence: number;
  rank: number;
}

/** Weighs each candidate's context, drops those under the threshold, keeps one finding per span. */
function resolve(text: string, found: Candidate[], owners: Prepared[], minConfidence: number): PiiFinding[] {
  const kept: Weighed[] = [];
  for (let i = 0; i < found.length; i++) {
    const c = found[i] as Candidate;
    const owner = owners[i] as Prepared;
    const context = contextOf(text, c.start, c.end, owner.context);
    const confidence = context === 'positive' ? c.withContext : context === 'reference' ? Math.min(c.alone, DEMOTED) : c.alone;
    if (confidence >= minConfidence) kept.push({ candidate: c, confidence, rank: i });
  }
  // One type per span: the longest candidate wins (an IBAN over the digits inside it, an email
  // over a DNI in its local part), then the surest, then the detector that ran first.
  kept.sort(
    (a, b) => b.candidate.end - b.candidate.start - (a.candidate.end - a.candidate.start) || b.confidence - a.confidence || a.rank - b.rank,
  );
  const chosen: Weighed[] = [];
  for (const w of kept) {
    if (chosen.every((c) => c.candidate.end <= w.candidate.start || c.candidate.start >= w.candidate.end)) chosen.push(w);
  }
  chosen.sort((a, b) => a.candidate.start - b.candidate.start);
  return chosen.map(({ candidate: c, confidence }) => {
    const finding: PiiFinding = { type: c.type, start: c.start, end: c.end, confidence: Math.round(confidence * 100) / 100 };
    if (c.label !== undefined) finding.label = c.label;
    return finding;
  });
}
