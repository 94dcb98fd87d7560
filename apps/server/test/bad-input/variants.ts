import fc from 'fast-check';
import { type Field, type JsonSchema, schemaType } from './openapi.ts';

// What a careless client or an attacker sends in place of a field's value. Each variant knows how
// it is written on the wire, because some (a lone surrogate, invalid UTF-8) cannot be made by
// JSON.stringify and must be spliced into the bytes.

/** A value for one field, as the bytes it takes in a JSON body or a query string. */
export interface Variant {
  kind: string;
  /** The JSON text of the value in a body (a string's quotes included). */
  json: Buffer;
  /** The percent-encoded value in a query string or path. */
  query: string;
}

const q = (s: string) => Buffer.from(JSON.stringify(s), 'utf8');
const pct = (s: string) => encodeURIComponent(s);

/** Some ordinary text around the bad character, so the position varies. */
const around = fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }));

const control = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 11, max: 12 }),
  fc.integer({ min: 14, max: 31 }),
  fc.constant(127),
);

export const nulVariant: fc.Arbitrary<Variant> = around.map(([a, b]) => ({
  kind: 'NUL',
  json: q(`${a}\u0000${b}`),
  query: pct(`${a}\u0000${b}`),
}));

export const controlVariant: fc.Arbitrary<Variant> = fc.tuple(around, control).map(([[a, b], c]) => {
  const s = `${a}${String.fromCharCode(c)}${b}`;
  return { kind: `control U+${c.toString(16).padStart(4, '0')}`, json: q(s), query: pct(s) };
});

export const surrogateVariant: fc.Arbitrary<Variant> = fc.tuple(around, fc.integer({ min: 0xd800, max: 0xdfff })).map(([[a, b], code]) => {
  // \uXXXX in JSON text is legal syntax; the server must still refuse the lone half.
  const escaped = `\\u${code.toString(16)}`;
  const inner = (s: string) => JSON.stringify(s).slice(1, -1);
  return { kind: 'lone surrogate', json: Buffer.from(`"${inner(a)}${escaped}${inner(b)}"`, 'utf8'), query: `${pct(a)}%ED%A0%80${pct(b)}` };
});

/** Bytes that are not UTF-8: a stray continuation byte, a truncated sequence, an overlong form, Latin-1. */
const badBytes = fc.constantFrom([0x80], [0xc3], [0xe9, 0x41], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff]);

export const invalidUtf8Variant: fc.Arbitrary<Variant> = fc.tuple(around, badBytes).map(([[a, b], bytes]) => {
  const inner = (s: string) => Buffer.from(JSON.stringify(s).slice(1, -1), 'utf8');
  return {
    kind: 'invalid UTF-8',
    json: Buffer.concat([Buffer.from('"'), inner(a), Buffer.from(bytes), inner(b), Buffer.from('"')]),
    query: `${pct(a)}${bytes.map((x) => `%${x.toString(16).toUpperCase()}`).join('')}${pct(b)}`,
  };
});

/** Longer than the field's documented maxLength, by one or by a lot. */
export function tooLongVariant(schema: JsonSchema): fc.Arbitrary<Variant> {
  const max = schema.maxLength ?? 0;
  return fc.integer({ min: max + 1, max: max + 2000 }).map((n) => {
    const s = 'a'.repeat(n);
    return { kind: `${n} characters (limit ${max})`, json: q(s), query: s };
  });
}

/** Arrays inside arrays, past the documented depth. */
export const tooDeepVariant: fc.Arbitrary<Variant> = fc.integer({ min: 33, max: 5000 }).map((depth) => ({
  kind: `nested ${depth} deep`,
  json: Buffer.from(`${'['.repeat(depth)}"x"${']'.repeat(depth)}`),
  query: `${'['.repeat(depth)}`,
}));

/** A value of another JSON type than the field's. */
export function wrongTypeVariant(schema: JsonSchema): fc.Arbitrary<Variant> {
  const type = schemaType(schema);
  const candidates: unknown[] = [];
  if (type !== 'string') candidates.push('a string', '12');
  if (type !== 'number' && type !== 'integer') candidates.push(12345, -1.5, 1e308);
  if (type !== 'boolean') candidates.push(true);
  if (type !== 'object') candidates.push({ nested: 'object' }, JSON.parse('{"__proto__":"x"}'));
  if (type !== 'array') candidates.push(['an', 'array']);
  if (type === 'integer') candidates.push(1.5);
  return fc.constantFrom(...candidates).map((v) => ({
    kind: `wrong type ${JSON.stringify(v)}`,
    json: Buffer.from(JSON.stringify(v)),
    query: pct(typeof v === 'string' ? v : JSON.stringify(v)),
  }));
}

/** Past a number's documented range. */
export function outOfRangeVariant(schema: JsonSchema): fc.Arbitrary<Variant> {
  const values: number[] = [];
  if (schema.maximum !== undefined) values.push(schema.maximum + 1, schema.maximum * 1000 + 7);
  if (schema.minimum !== undefined) values.push(schema.minimum - 1, -1e9);
  return fc.constantFrom(...values).map((v) => ({ kind: `out of range ${v}`, json: Buffer.from(String(v)), query: String(v) }));
}

/** What can be wrong with a path segment that should name a record. */
export const badPathVariant: fc.Arbitrary<Variant> = fc
  .constantFrom('%00', '..%2F..%2Fetc', "'%20OR%201%3D1--", '%E0', 'a'.repeat(300), '%F0%9F%99%82', 'null', '-1', '%20')
  .map((raw) => ({ kind: `path ${raw.slice(0, 30)}`, json: Buffer.alloc(0), query: raw }));

/** Which variants apply to a field, with a name for the report. */
export function variantsFor(field: Field): [string, fc.Arbitrary<Variant>][] {
  if (field.in === 'path') return [['bad path parameter', badPathVariant]];
  const type = schemaType(field.schema);
  const out: [string, fc.Arbitrary<Variant>][] = [];
  if (type === 'string' || field.in === 'query') {
    out.push(['NUL', nulVariant], ['control character', controlVariant], ['invalid UTF-8', invalidUtf8Variant]);
    // A lone surrogate cannot be written in a query string as UTF-8 at all: it is invalid UTF-8 there.
    if (field.in === 'body') out.push(['lone surrogate', surrogateVariant]);
    if (field.schema.maxLength !== undefined) out.push(['too long', tooLongVariant(field.schema)]);
  }
  if (field.in === 'body') out.push(['wrong type', wrongTypeVariant(field.schema)], ['too deep', tooDeepVariant]);
  if (field.in === 'query' && (type !== 'string' || field.schema.enum || field.schema.pattern || field.schema.format)) {
    out.push([
      'wrong type',
      fc.constantFrom('not-a-number', '1e999', '-', 'true1').map((v) => ({ kind: `wrong type ${v}`, json: Buffer.alloc(0), query: v })),
    ]);
  }
  if ((type === 'integer' || type === 'number') && (field.schema.maximum !== undefined || field.schema.minimum !== undefined)) {
    out.push(['out of range', outOfRangeVariant(field.schema)]);
  }
  return out;
}
