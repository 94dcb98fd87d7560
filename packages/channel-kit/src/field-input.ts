/**
 * What a console's form needs to ask for one config field. `text` is a multi-line box (a PEM
 * certificate, a long intro); with `list` it holds one value per line and the field is an array.
 */
export interface FieldInput {
  type: 'string' | 'number' | 'boolean' | 'enum' | 'text';
  options?: string[];
  default?: unknown;
  required: boolean;
  min?: number;
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** An array of strings, one a line. */
  list?: boolean;
}

/** A field the adapter's schema does not describe: free text, not required. */
export const PLAIN_INPUT: FieldInput = { type: 'string', required: false };

/** Strings longer than this are asked for in a multi-line box. */
const LONG_TEXT = 500;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first branch of an `anyOf` that is not `null` (an optional field written as `T | null`). */
function unwrap(p: Json): Json {
  const branches = Array.isArray(p.anyOf) ? p.anyOf.filter(isObject) : [];
  const real = branches.find((b) => b.type !== 'null');
  return real ? { ...real, ...(p.default !== undefined ? { default: p.default } : {}) } : p;
}

// JSON Schema writes "no limit" for a safe integer as ±2^53-1: not worth showing as a bound.
const bound = (v: unknown): number | undefined => (typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);

function inputOf(raw: Json, required: boolean): FieldInput {
  const p = unwrap(raw);
  const base: FieldInput = { type: 'string', required, ...(p.default !== undefined ? { default: p.default } : {}) };
  if (Array.isArray(p.enum) && p.enum.every((o) => typeof o === 'string')) return { ...base, type: 'enum', options: p.enum };
  if (p.type === 'boolean') return { ...base, type: 'boolean' };
  if (p.type === 'number' || p.type === 'integer') {
    const min = bound(p.minimum ?? p.exclusiveMinimum);
    const max = bound(p.maximum ?? p.exclusiveMaximum);
    return {
      ...base,
      type: 'number',
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(p.type === 'integer' ? { integer: true } : {}),
    };
  }
  if (p.type === 'array') return { ...base, type: 'text', list: true };
  if (typeof p.maxLength === 'number' && p.maxLength > LONG_TEXT) return { ...base, type: 'text' };
  return base;
}

/**
 * Each property of an object's JSON Schema (as `z.toJSONSchema(schema, { io: 'input' })` writes
 * it) as a form input, in the schema's order. A field is required when the schema lists it
 * (no default, not optional).
 */
export function fieldInputs(schema: Record<string, unknown>): [string, FieldInput][] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, Json] => isObject(entry[1]))
    .map(([name, p]) => [name, inputOf(p, required.has(name))]);
}
