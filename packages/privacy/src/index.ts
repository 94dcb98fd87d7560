// The privacy guard: finds personal data in text (pure, no I/O) and masks it.

export { maskText } from './mask.ts';
export { scanText } from './scan.ts';
export type { CustomPattern, PiiFinding, PiiType, ScanOptions } from './types.ts';
export { PII_TYPES } from './types.ts';
