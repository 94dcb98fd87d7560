// The privacy guard: finds personal data in text (pure, no I/O) and masks it.

export { CUSTOM_LIMITS, compileCustomPattern } from './custom.ts';
export type { Candidate, ContextLanguage, ContextWords, Detector, DetectorRegistry, DigitRun, ScanContext } from './detector.ts';
export { cardBrand } from './detectors/card.ts';
export { MASK, maskText } from './mask.ts';
export { type GuardedPattern, guardPattern, MAX_ATTEMPT_COST, MAX_REPEAT, UnsafePattern } from './pattern-guard.ts';
export { defaultRegistry, detectorsFor } from './registry.ts';
export { scanText } from './scan.ts';
export { createScanner, type Scanner, type ScannerOptions } from './scanner.ts';
export { type LabelledSpan, matches, type Score, type ScoredText, scoreFindings, type TypeScore } from './score.ts';
export type { CustomPattern, PiiFinding, PiiType, ScanOptions } from './types.ts';
export { PII_TYPES } from './types.ts';
