/** The kinds of personal data the guard knows. */
export const PII_TYPES = ['dni', 'nie', 'nif', 'iban', 'card', 'phone', 'email', 'ssn_es', 'iccid', 'imei', 'custom'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** One piece of personal data found in a text: `text.slice(start, end)` is what was found. */
export interface PiiFinding {
  type: PiiType;
  /** UTF-16 offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  /** 0..1: a checksum that holds, and context words ("DNI", "mi cuenta") near it, raise it. */
  confidence: number;
  /** For `custom`: the workspace pattern's name ("contract number"). */
  label?: string;
}

/** A workspace's own identifier (a customer or contract number), as a regular expression source. */
export interface CustomPattern {
  name: string;
  /** JavaScript regular expression source, matched with the `gu` flags. */
  pattern: string;
  /** Words that, near a match, make it more likely (e.g. "contrato", "cliente"). */
  contextWords?: string[];
}

export interface ScanOptions {
  /** ISO 3166-1 alpha-2, for phone numbers without a country code and country detectors; default ES. */
  country?: string;
  /** 'es' or 'en' (or a BCP 47 tag), for context words; both are tried when absent. */
  language?: string;
  customPatterns?: readonly CustomPattern[];
  /** Findings below this confidence are left out; default 0.5. */
  minConfidence?: number;
}
