import { isUtf8 } from 'node:buffer';
import { findInputProblem, type InputProblem } from '@centralita/core';

/** A webhook body read into fields, or exactly what is wrong with it and the status to answer. */
export type ReadBody =
  | { ok: true; value: unknown }
  | { ok: false; status: number; code: string; message: string; details?: InputProblem[] };

/**
 * Names the fields of a JSON body that were not valid UTF-8. Decoding replaces each bad sequence
 * with U+FFFD; when the raw bytes hold no genuine U+FFFD, every string holding one is a culprit.
 */
export function invalidUtf8Fields(raw: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return [];
  }
  if (raw.includes(Buffer.from('\uFFFD', 'utf8'))) return [];
  const fields: string[] = [];
  const stack: [unknown, string][] = [[parsed, '']];
  while (stack.length > 0 && fields.length < 10) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\uFFFD')) fields.push(path || 'body');
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) stack.push([child, path ? `${path}.${k}` : k]);
    }
  }
  return fields;
}

function refused(message: string, details: InputProblem[]): ReadBody {
  return { ok: false, status: 422, code: 'validation_failed', message, details };
}

function checked(value: unknown): ReadBody {
  const problem = findInputProblem(value, 'body');
  return problem ? refused(`The body has a problem: ${problem.message}.`, [problem]) : { ok: true, value };
}

/**
 * Reads a JSON webhook body strictly: valid UTF-8, valid JSON, no characters nothing may store
 * (NUL, control characters, lone surrogates) and no absurd nesting, each refused with the field.
 */
export function readJsonBody(raw: Buffer): ReadBody {
  if (!isUtf8(raw)) {
    const fields = invalidUtf8Fields(raw);
    return refused(
      `The body is not valid UTF-8${fields.length ? ` (in ${fields.join(', ')})` : ''}; send JSON encoded as UTF-8.`,
      fields.map((field) => ({ field, message: 'is not valid UTF-8' })),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { ok: false, status: 400, code: 'bad_request', message: `The body is not valid JSON: ${(err as Error).message}` };
  }
  return checked(value);
}

/**
 * Reads an `application/x-www-form-urlencoded` body strictly, as `readJsonBody` does: each value's
 * percent-decoded bytes must be UTF-8. A repeated name keeps its last value.
 */
export function readUrlEncodedBody(raw: Buffer): ReadBody {
  const fields: Record<string, string> = Object.create(null);
  for (const pair of raw.toString('latin1').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [name, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const key = decodeComponent(name);
    const text = decodeComponent(value);
    if (key === null) return refused('A field name in the form is not valid UTF-8.', [{ field: 'body', message: 'is not valid UTF-8' }]);
    if (text === null) return refused(`The form field ${key} is not valid UTF-8.`, [{ field: key, message: 'is not valid UTF-8' }]);
    fields[key] = text;
  }
  return checked({ ...fields });
}

/** Percent-decodes to bytes, then to text only if those bytes are UTF-8. */
function decodeComponent(s: string): string | null {
  const bytes: number[] = [];
  const plain = s.replace(/\+/g, ' ');
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(plain.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(plain.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  const buf = Buffer.from(bytes);
  return isUtf8(buf) ? buf.toString('utf8') : null;
}
