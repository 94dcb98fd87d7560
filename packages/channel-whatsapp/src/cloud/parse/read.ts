import { capStoredText, replaceUnsafeText } from '@centralita/core';

/**
 * Small readers for untrusted JSON. Every read goes through `own` so a key the sender controls
 * (a message `type` of "constructor", say) never reaches an inherited property, and every string
 * that leaves here is cut and made storable.
 */

export type Json = Record<string, unknown>;

/** Longest text one message carries. WhatsApp stops text at 4,096 characters; the rest is not Meta. */
export const MAX_TEXT_LENGTH = 10_000;

/** Longest short field we keep (names, titles, ids, mime types): far beyond any real one. */
export const MAX_FIELD_LENGTH = 512;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of an object, or undefined for anything else. */
export function own(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** An own property that is itself an object. */
export function obj(value: unknown, key: string): Json | undefined {
  const v = own(value, key);
  return isRecord(v) ? v : undefined;
}

/** An own property that is a list, or an empty list. */
export function list(value: unknown, key: string): unknown[] {
  const v = own(value, key);
  return Array.isArray(v) ? v : [];
}

/** Cuts a text to `max` UTF-16 units without splitting a surrogate pair, then makes it storable. */
export function capText(text: string, max = MAX_TEXT_LENGTH): string {
  return capStoredText(text, max);
}

/**
 * A string field trimmed, cut and made storable; undefined when absent, empty or not text.
 * Numbers are read as their decimal text: Meta sends ids and codes either way.
 */
export function str(value: unknown, key: string, max = MAX_FIELD_LENGTH): string | undefined {
  const v = own(value, key);
  const text = typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
  if (text === undefined) return undefined;
  const out = capText(text.trim(), max);
  return out === '' ? undefined : out;
}

/** A multi-line text field (a body, a caption): kept as written apart from the outer blanks. */
export function longText(value: unknown, key: string): string | undefined {
  return str(value, key, MAX_TEXT_LENGTH);
}

/** A number field, also when sent as a decimal string ("12.5"). */
export function num(value: unknown, key: string): number | undefined {
  const v = own(value, key);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.length > 40 || !/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A boolean field, also when sent as "true" or "false". */
export function bool(value: unknown, key: string): boolean | undefined {
  const v = own(value, key);
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** WhatsApp began in 2009; nothing it sends is older. */
const EARLIEST = Date.UTC(2009, 0, 1);
/** Clocks drift; a day ahead is generous, more is not a real timestamp. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * A webhook `timestamp` (unix seconds, as a string or a number) as a date, or null when it is
 * missing or absurd (before 2009, more than a day ahead of `now`, not a whole number).
 */
export function unixTime(value: unknown, key: string, now: Date): Date | null {
  const seconds = num(value, key);
  if (seconds === undefined || !Number.isInteger(seconds)) return null;
  const ms = seconds * 1000;
  if (ms < EARLIEST || ms > now.getTime() + FUTURE_SLACK_MS) return null;
  return new Date(ms);
}

/** The digits of a WhatsApp id (`wa_id`, `from`): 5 to 20 of them, or undefined. */
export function waDigits(value: unknown, key: string): string | undefined {
  const text = str(value, key, 40);
  if (!text) return undefined;
  const digits = text.replace(/^\+/, '');
  return /^[0-9]{5,20}$/.test(digits) ? digits : undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ids with control characters are refused
const ID_UNSAFE = /[\s\u0000-\u001f\u007f\ufffd]/;

/** An id (wamid, BSUID, media id): one token of at most 256 characters, or undefined. */
export function id(value: unknown, key: string): string | undefined {
  const v = own(value, key);
  const text = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
  if (!text || text.length > 256 || ID_UNSAFE.test(replaceUnsafeText(text))) return undefined;
  return text;
}

/** Describes a value for a problem sentence: "a number", "null", "an array". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'missing';
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}
