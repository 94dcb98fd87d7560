import type { z } from 'zod';

/**
 * A delivery or API answer that does not have the shape X documents. The message names the field
 * ("data.payload.author_id is missing") so whoever reads the log can tell X's change from ours;
 * a webhook answers it with 400.
 */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
  /** Dotted path of the field at fault, `data.payload.author_id`, when one field is. */
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(message);
    if (field !== undefined) this.field = field;
  }

  /** The error for one field: `PayloadError.at('data.payload.author_id', 'is missing')`. */
  static at(field: string, problem: string): PayloadError {
    return new PayloadError(`${field} ${problem}`, field);
  }
}

/** Joins a base name and a zod path the way a reader writes it: `tweet_create_events[0].id_str`. */
export function fieldPath(where: string, path: readonly PropertyKey[]): string {
  let out = where;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** What one zod issue means, in words: "is missing", "must be a string, not a number". */
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const input = (issue as { input?: unknown }).input;
    if (input === undefined) return 'is missing';
    const got = input === null ? 'null' : Array.isArray(input) ? 'an array' : `a ${typeof input}`;
    return `must be ${article(issue.expected)}, not ${got}`;
  }
  // Our own schemas word their refinements as predicates ("must be a numeric X id").
  return issue.message;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Parses `value` or throws a PayloadError that names the first field at fault under `where`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw PayloadError.at(where || 'body', 'is not valid');
  throw PayloadError.at(fieldPath(where, issue.path) || 'body', describe(issue));
}

/** The same check without throwing: the parsed value, or the reason as one line of text. */
export function parseOrReason<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): { ok: true; value: z.output<S> } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parseOrThrow(schema, value, where) };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, reason: error.message };
    throw error;
  }
}
