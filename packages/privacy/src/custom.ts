// A workspace's own identifiers (customer and contract numbers) as regular expressions. They come
// from an admin's settings, so they are checked before use: a pattern that does not compile, can
// match nothing at all, or could backtrack without end is refused with a message that says what
// to change (see pattern-guard.ts); and each one reports a bounded number of matches a text.
import { CentralitaError } from '@centralita/core';
import type { Candidate, Detector } from './detector.ts';
import { guardPattern, UnsafePattern } from './pattern-guard.ts';
import type { CustomPattern } from './types.ts';

/** Limits on a workspace pattern and its run. */
export const CUSTOM_LIMITS = {
  /** Characters of pattern source. */
  patternLength: 300,
  /** Patterns per workspace. */
  patterns: 50,
  /** Matches one pattern may report in one text; the rest of the text is not searched. */
  matches: 100,
} as const;

function refuse(name: string, why: string): never {
  throw new CentralitaError('validation_failed', `Custom pattern "${name}" ${why}`, { pattern: name });
}

// Texts on which a pattern that can match nothing at all shows it.
const EMPTY_PROBES = ['', ' ', 'a', '0', 'A-1 b.2', 'cliente 12345678 contrato CT-0001'];

/** Compiles a workspace pattern, or throws a CentralitaError that says what is wrong with it. */
export function compileCustomPattern(pattern: CustomPattern): RegExp {
  const name = pattern.name?.trim() ?? '';
  if (name === '') throw new CentralitaError('validation_failed', 'A custom pattern needs a name (for example "contract number").');
  if (typeof pattern.pattern !== 'string' || pattern.pattern === '') refuse(name, 'is empty: give a regular expression such as CT-\\d{8}.');
  if (pattern.pattern.length > CUSTOM_LIMITS.patternLength)
    refuse(name, `is ${pattern.pattern.length} characters long; the limit is ${CUSTOM_LIMITS.patternLength}.`);
  try {
    new RegExp(pattern.pattern, 'gu');
  } catch (err) {
    refuse(name, `is not a valid regular expression: ${(err as Error).message}.`);
  }
  let re: RegExp;
  try {
    re = new RegExp(guardPattern(pattern.pattern).source, 'gu');
  } catch (err) {
    if (!(err instanceof UnsafePattern)) throw err;
    refuse(name, `${err.message}; write it with a character class or a bounded count (\\d{6,10}) instead.`);
  }
  for (const probe of EMPTY_PROBES) {
    re.lastIndex = 0;
    for (let m = re.exec(probe); m !== null; m = re.exec(probe)) {
      if (m[0] === '') refuse(name, 'can match empty text; make every part of it required (for example \\d{6,10} rather than \\d*).');
    }
  }
  return re;
}

/** Compiles every workspace pattern into a detector of type 'custom' labelled with its name. */
export function customDetectors(patterns: readonly CustomPattern[]): Detector[] {
  if (patterns.length > CUSTOM_LIMITS.patterns)
    throw new CentralitaError('validation_failed', `${patterns.length} custom patterns; the limit is ${CUSTOM_LIMITS.patterns}.`);
  return patterns.map((p) => customDetector(p));
}

function customDetector(pattern: CustomPattern): Detector {
  const re = compileCustomPattern(pattern);
  const label = pattern.name.trim();
  const words = pattern.contextWords ?? [];
  // A pattern given without context words is trusted on its shape; one given with them asks
  // for one of them near a match (the workspace said its shape alone is not enough).
  const alone = words.length === 0 ? 0.6 : 0.4;
  return {
    name: `custom:${label}`,
    needs: 'any',
    context: { positive: { es: words, en: words }, demotedByReferenceWords: false },
    find(text, _scan, out: Candidate[]) {
      re.lastIndex = 0;
      let count = 0;
      for (let m = re.exec(text); m !== null && count < CUSTOM_LIMITS.matches; m = re.exec(text)) {
        // The probes refused patterns that match empty text; a lookbehind could still manage it.
        if (m[0] === '') {
          re.lastIndex++;
          continue;
        }
        out.push({ type: 'custom', start: m.index, end: m.index + m[0].length, alone, withContext: 0.9, label });
        count++;
      }
    },
  };
}
