/**
 * Text from outside that PostgreSQL or a browser cannot hold as sent: NUL (PostgreSQL's `text`
 * refuses it outright), other C0 controls and DEL (invisible, and they break terminals, logs and
 * CSV exports), and lone UTF-16 surrogates (they cannot be encoded as UTF-8 at all). Tab, line
 * feed and carriage return stay: a textarea posts CRLF line breaks.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** How deeply a JSON body may nest objects and arrays. A documented API limit. */
export const MAX_INPUT_DEPTH = 32;

/** What is wrong with one string, in words a client developer can act on; null when nothing. */
export function textProblem(text: string): string | null {
  const m = UNSAFE.exec(text);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  const at = `at character ${m.index + 1}`;
  if (code === 0) return `contains a NUL character (U+0000) ${at}`;
  if (code >= 0xd800 && code <= 0xdfff) return `contains a lone UTF-16 surrogate (U+${hex(code)}) ${at}`;
  return `contains the control character U+${hex(code)} ${at}; only tab, line feed and carriage return are allowed`;
}

/**
 * The same text with every unsafe character replaced by U+FFFD, for input that must be stored
 * whatever it holds (mail, a channel's own payload) rather than refused.
 */
export function replaceUnsafeText(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, '\uFFFD') : text;
}

/**
 * A channel's text cut to `max` UTF-16 units (an ellipsis marks the cut) without splitting a
 * surrogate pair, with unsafe characters replaced: what a parser stores of a text of any size.
 */
export function capStoredText(text: string, max: number): string {
  let cut = text;
  if (cut.length > max) {
    const last = cut.charCodeAt(max - 1);
    cut = `${cut.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)}…`;
  }
  return replaceUnsafeText(cut);
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** One problem found in a parsed input, with the path of the field that holds it. */
export interface InputProblem {
  /** Dotted path inside the input, `contact.name`, `tags.2`; the input's own name at its root. */
  field: string;
  message: string;
}

/**
 * Walks a parsed JSON value (keys and values) and reports the first string that is unsafe, or a
 * nesting deeper than `MAX_INPUT_DEPTH`. Iterative, so no input can exhaust the stack.
 */
export function findInputProblem(value: unknown, where: string, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string; depth: number };
    const v = item.value;
    const field = item.path || where;
    const named = item.path ? `${where} field ${item.path}` : where;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { field, message: `${named} ${problem}` };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (item.depth >= maxDepth) {
      return { field, message: `${named} nests deeper than ${maxDepth} levels of objects and arrays` };
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as readonly [string, unknown];
      const path = item.path ? `${item.path}.${key}` : key;
      const keyProblem = Array.isArray(v) ? null : textProblem(key);
      if (keyProblem) return { field: path, message: `the name of ${where} field ${path} ${keyProblem}` };
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return null;
}

/**
 * A copy of a value with `replaceUnsafeText` applied to every string in it, keys included; bytes
 * and dates are kept as they are. For events from channels, which are stored rather than refused.
 */
export function replaceUnsafeDeep<T>(value: T): T {
  if (typeof value === 'string') return replaceUnsafeText(value) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => replaceUnsafeDeep(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[replaceUnsafeText(k)] = replaceUnsafeDeep(v);
  return out as T;
}
