import { replaceUnsafeText } from '@centralita/core';

/**
 * Text from a stranger's mail that PostgreSQL, a browser or a log cannot hold as sent: NUL
 * (PostgreSQL's `text` and `jsonb` refuse it), the other C0 controls and DEL, and lone UTF-16
 * surrogates (they have no UTF-8 form). Mail is stored whatever it holds, so these are replaced
 * with U+FFFD rather than refused (core's `replaceUnsafeText`, the rule the host applies to every
 * channel). Tab, line feed and carriage return stay in bodies; a vertical tab or form feed is a
 * line break there.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const BREAKS = /[\u000B\u000C]/g;

/** A body text: vertical tab and form feed turned into line breaks, then core's replacement of the rest. */
export function cleanText(text: string): string {
  return replaceUnsafeText(text.replace(BREAKS, '\n'));
}

/** A one-line value (subject, display name, file name): line breaks and tabs become spaces too. */
export function cleanLine(text: string): string {
  return cleanText(text)
    .replace(/[\t\r\n]+/g, ' ')
    .trim();
}
