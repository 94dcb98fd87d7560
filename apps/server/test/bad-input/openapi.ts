// Reads the server's own OpenAPI document into what the bad-input suite needs: every operation,
// the role it requires, and every field it takes with that field's documented limits. The suite
// is driven by this alone, so a route added later is covered without new test code.

/** The subset of JSON Schema that zod's generator writes for our routes. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

export type Role = 'public' | 'agent' | 'supervisor' | 'admin';

/** One input of an operation: a body field (at any depth), a query parameter or a path parameter. */
export interface Field {
  in: 'body' | 'query' | 'path';
  /** Dotted path as the API names it in errors: `text`, `schedule.shifts.0.start`, `q`, `id`. */
  name: string;
  /** Where it sits in the body, array items as 0. */
  path: (string | number)[];
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI path, `/api/v1/conversations/{id}`. */
  path: string;
  role: Role;
  body: JsonSchema | null;
  fields: Field[];
  pathParams: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { 'x-centralita-role'?: Role; requestBody?: unknown; parameters?: unknown[] }>>;
}

/** The first concrete alternative of a schema: the object side of `anyOf: [object, null]`. */
export function concrete(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf ?? schema.oneOf;
  if (!options) return schema;
  return options.find((o) => o.type !== 'null') ?? options[0] ?? schema;
}

function typeOf(schema: JsonSchema): string | undefined {
  const s = concrete(schema);
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
}

export { typeOf as schemaType };

/** Every leaf and container field under a body schema, depth first. */
function bodyFields(schema: JsonSchema, path: (string | number)[], out: Field[], depth = 0): void {
  if (depth > 6) return;
  const s = concrete(schema);
  const type = typeOf(s);
  if (path.length > 0) out.push({ in: 'body', name: path.join('.'), path, schema: s });
  if (type === 'object' && s.properties) {
    for (const [key, child] of Object.entries(s.properties)) bodyFields(child, [...path, key], out, depth + 1);
  } else if (type === 'array' && s.items) {
    bodyFields(s.items, [...path, 0], out, depth + 1);
  }
}

/** Every operation of the document with its fields. */
export function readOperations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body =
        ((op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content?.['application/json']?.schema as
          | JsonSchema
          | undefined) ?? null;
      const fields: Field[] = [];
      if (body) bodyFields(body, [], fields);
      const pathParams: string[] = [];
      for (const p of (op.parameters ?? []) as { name: string; in: string; schema: JsonSchema }[]) {
        if (p.in === 'query') fields.push({ in: 'query', name: p.name, path: [p.name], schema: concrete(p.schema) });
        if (p.in === 'path') {
          pathParams.push(p.name);
          fields.push({ in: 'path', name: p.name, path: [p.name], schema: p.schema });
        }
      }
      const role = op['x-centralita-role'];
      if (!role) throw new Error(`${method.toUpperCase()} ${path} does not say which role it requires (x-centralita-role)`);
      ops.push({ method: method.toUpperCase(), path, role, body, fields, pathParams });
    }
  }
  return ops;
}

/** Known-good values for the patterns our schemas use, so a generated body is valid but for one field. */
const PATTERN_EXAMPLES: [RegExp, string][] = [
  [/\[01\]\\d\|2\[0-3\]\):\[0-5\]\\d\$$/, '09:30'],
  [/^\^\\d\{4\}-\\d\{2\}-\\d\{2\}\$$/, '2026-12-24'],
  [/^\^\\d\{1,18\}\$$/, '1'],
  [/a-zA-Z\]\{2,3\}/, 'es'],
  [/^\^\[a-z\]\[a-z0-9_-\]/, 'webform'],
  [/^\^\[a-z0-9_-\]\{1,40\}\$$/, 'hello'],
  [/\\p\{L\}/, 'vip'],
];

/** A value the schema accepts: required properties only, the smallest legal sizes. */
export function validExample(schema: JsonSchema, key = ''): unknown {
  const s = concrete(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) {
        const child = s.properties?.[name];
        if (child) out[name] = validExample(child, name);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => validExample(s.items ?? {}));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'string': {
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'email') return 'someone@example.com';
      if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
      if (key === 'timezone') return 'Europe/Madrid';
      if (key === 'password') return 'a long enough password';
      if (s.pattern) return PATTERN_EXAMPLES.find(([p]) => p.test(s.pattern as string))?.[1] ?? 'x';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    }
    default:
      return null;
  }
}

/** A copy of `base` with `value` at `path`, creating the objects and arrays on the way. */
export function setAt(base: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === 'number') {
    const arr = Array.isArray(base) ? [...base] : [];
    arr[head] = setAt(arr[head], rest, value);
    return arr;
  }
  const obj: Record<string, unknown> = typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base } : {};
  // defineProperty, so a field named __proto__ is a plain key, as JSON.parse makes it on the server.
  Object.defineProperty(obj, head, {
    value: setAt(Object.hasOwn(obj, head) ? obj[head] : undefined, rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return obj;
}
