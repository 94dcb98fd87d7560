/**
 * Text from a stranger's mail that PostgreSQL, a browser or a log cannot hold as sent: NUL
 * (PostgreSQL's `text` and `jsonb` refuse it), the other C0 controls and DEL, and lone UTF-16
 * surrogates (they have no UTF-8 form). Mail is stored whatever it holds, so these are replaced
 * with U+FFFD rather than refused. Tab, line feed and carriage return stay in bodies; a vertical
 * tab or form feed is a line break there.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const BREAKS = /[\u000B\u000C]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ANY_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF]/;

/** A body text: controls replaced, vertical tab and form feed turned into line breaks. */
export function cleanText(text: string): string {
  if (!ANY_UNSAFE.test(text)) return text;
  return text.replace(BREAKS, '\n').replace(CONTROL, '\uFFFD');
}

/** A one-line value (subject, display name, file name): line breaks and tabs become spaces too. */
export function cleanLine(text: string): string {
  return cleanText(text)
    .replace(/[\t\r\n]+/g, ' ')
    .trim();
}

/**
 * A copy of an event-shaped value with `cleanText` applied to every string in it, keys included;
 * bytes and dates are kept as they are. Iterative over a bounded shape (our own events), so it is
 * a last guard, not a parser.
 */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[cleanText(k)] = cleanDeep(v);
  return out as T;
}
