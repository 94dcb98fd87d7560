import type { PiiType } from './types.ts';

/** A language the context words are written in. */
export type ContextLanguage = 'es' | 'en';

/**
 * A place in the text that may be personal data, before context words are weighed. A detector
 * gives two confidences: the one its shape and checksum earn alone, and the one it earns when a
 * context word ("DNI", "tarjeta") is near.
 */
export interface Candidate {
  type: PiiType;
  start: number;
  end: number;
  /** Confidence with no context word near (a checksum that holds earns >= 0.5 alone). */
  alone: number;
  /** Confidence with a context word near. */
  withContext: number;
  label?: string;
}

/**
 * A run of digits joined by single separators ("4111 1111-1111"), found once per scan and shared
 * by the detectors of long numbers. `groups[i]` is the i-th group's [start, end) in the text;
 * `digits` is every digit of the run, and `offsets[i]` where group i starts in `digits`.
 */
export interface DigitRun {
  start: number;
  end: number;
  groups: readonly (readonly [number, number])[];
  digits: string;
  offsets: readonly number[];
  /** The separator characters between groups: `separators[i]` follows group i. */
  separators: string;
}

/** What a detector may read besides the text. */
export interface ScanContext {
  /** ISO 3166-1 alpha-2, upper case (the scan's country). */
  readonly country: string;
  /**
   * The text's runs of at least `minDigits` digits (default 12, the shortest number the shipped
   * detectors read from runs), computed on first use and shared by the detectors that ask.
   */
  digitRuns(minDigits?: number): readonly DigitRun[];
  /** Candidates the detectors before this one found (a later detector may skip what they hold). */
  readonly found: readonly Candidate[];
}

/** Words that make a candidate more (positive) or less (negative) likely, by language. */
export interface ContextWords {
  positive: Readonly<Partial<Record<ContextLanguage, readonly string[]>>>;
  /**
   * Whether an order, invoice or tracking word just before the candidate (and nearer than any
   * positive word) drops it below the default threshold: true for shapes a reference number can
   * take by chance (Luhn passes one number in ten).
   */
  demotedByReferenceWords: boolean;
}

/**
 * One family of personal data (a Spanish DNI, an IBAN), pluggable per country through a
 * {@link DetectorRegistry}. `find` pushes candidates; the scanner weighs context, applies the
 * threshold and resolves overlaps.
 */
export interface Detector {
  readonly name: string;
  /** A cheap prefilter: 'digit' detectors run only on text with a digit, 'at' only with an '@'. */
  readonly needs: 'digit' | 'at' | 'any';
  readonly context: ContextWords;
  /** Runs after the detectors without it, so it can skip what they found (`ScanContext.found`). */
  readonly last?: boolean;
  find(text: string, scan: ScanContext, out: Candidate[]): void;
}

/** Which detectors run for a scan: the universal ones plus those of the scan's country. */
export interface DetectorRegistry {
  readonly universal: readonly Detector[];
  /** By ISO 3166-1 alpha-2 code, upper case. */
  readonly countries: Readonly<Record<string, readonly Detector[]>>;
}
