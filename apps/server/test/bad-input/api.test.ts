import { fuzzParameters, fuzzTimeout } from '@centralita/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, useServer } from '../harness.ts';
import { type Field, type Operation, type Role, readOperations, setAt, validExample } from './openapi.ts';
import { type Variant, variantsFor } from './variants.ts';
import { buildWorld, fillPath, settled, storedRows, type World } from './world.ts';

// Every operation of the OpenAPI document, every field it documents, every way that field can be
// wrong, sent as every role and as a stranger: a 4xx that names the field (or the role's 401/403),
// never a 5xx, nothing stored, and no credential in the log. New routes are covered by being
// documented.
const t = useServer({ worker: false });
let world: World;
let ops: Operation[];
let cases = 0;

const ROLES: (Role | 'stranger')[] = ['stranger', 'agent', 'supervisor', 'admin'];
const RANK: Record<Role | 'stranger', number> = { stranger: 0, public: 0, agent: 1, supervisor: 2, admin: 3 };
/** Problems found before anyone is authenticated: the body cannot even be read. */
const PARSE_LEVEL = new Set(['invalid UTF-8']);

beforeAll(async () => {
  world = await buildWorld(t);
  const doc = await call(t.url, 'GET', '/api/v1/openapi.json', { token: world.fixture.adminToken });
  ops = readOperations(doc.json);
  await settled(t);
});

/** Sends one operation with one field replaced by a variant. */
async function send(op: Operation, field: Field, variant: Variant, as: Role | 'stranger') {
  const headers: Record<string, string> = {};
  if (as !== 'stranger' && as !== 'public') headers.authorization = `Bearer ${world.tokens[as]}`;
  let path = fillPath(op, world, field.in === 'path' ? { name: field.name, raw: variant.query } : undefined);
  let body: Buffer | undefined;
  if (op.body) {
    const base = validExample(op.body);
    if (field.in === 'body') {
      // The marker is replaced by the variant's own bytes, which JSON.stringify could not write.
      const marked = Buffer.from(JSON.stringify(setAt(base, field.path, '\u2063MARK\u2063')), 'utf8');
      const mark = Buffer.from(JSON.stringify('\u2063MARK\u2063'), 'utf8');
      const at = marked.indexOf(mark);
      body = Buffer.concat([marked.subarray(0, at), variant.json, marked.subarray(at + mark.length)]);
    } else {
      body = Buffer.from(JSON.stringify(base));
    }
    headers['content-type'] = 'application/json';
  }
  if (field.in === 'query') path += `?${encodeURIComponent(field.name)}=${variant.query}`;
  const res = await fetch(`${t.url}${path}`, { method: op.method, headers, ...(body ? { body: new Uint8Array(body) } : {}) });
  const text = await res.text();
  let json: { error?: { code?: string; message?: string; details?: { field?: string }[] } } | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/** What must come back, in words, or null when the answer is right. */
function judge(op: Operation, field: Field, kind: string, as: Role | 'stranger', answer: Awaited<ReturnType<typeof send>>): string | null {
  const { status, json } = answer;
  if (status >= 500) return `a ${status}`;
  // A path that does not even decode is refused by the router, before anyone's role is read.
  if (field.in === 'path') return status >= 400 ? null : `accepted with ${status}`;
  const allowed = RANK[as] >= RANK[op.role];
  if (!allowed && !PARSE_LEVEL.has(kind)) {
    const want = as === 'stranger' ? 401 : 403;
    return status === want ? null : `${status} instead of ${want} for ${as}`;
  }
  if (status < 400) return `accepted with ${status}`;
  if (!allowed) return null;
  const named =
    json?.error?.details?.some((d) => d.field === field.name || d.field?.startsWith(`${field.name}.`)) ||
    json?.error?.message?.includes(field.name);
  return named ? null : `${status} without naming ${field.name}: ${answer.text.slice(0, 200)}`;
}

describe('every documented field refuses what it cannot hold', () => {
  it(
    'answers each bad variant with a 4xx naming the field, as every role, storing nothing',
    async () => {
      const targets = ops.flatMap((op) =>
        op.fields.flatMap((field) => variantsFor(field).map(([name, arb]) => ({ op, field, name, arb }))),
      );
      expect(targets.length).toBeGreaterThan(200);
      // Drawn by index, so a reported counterexample is short: the case, the variant and the role.
      const target = fc
        .nat({ max: targets.length - 1 })
        .chain((i) => fc.tuple(fc.constant(i), (targets[i] as (typeof targets)[number]).arb, fc.constantFrom(...ROLES)));
      await fc.assert(
        fc.asyncProperty(target, async ([i, variant, as]) => {
          const { op, field, name } = targets[i] as (typeof targets)[number];
          cases += 1;
          const before = await storedRows(t);
          const answer = await send(op, field, variant, as);
          const problem = judge(op, field, name, as, answer);
          const after = await storedRows(t);
          const where = `${op.method} ${op.path} ${field.in} ${field.name} = ${variant.kind} as ${as}`;
          expect(problem, where).toBeNull();
          expect(after, `${where} stored something`).toEqual(before);
        }),
        fuzzParameters(3000),
      );
      console.info(`bad-input suite: ${cases} generated cases over ${targets.length} (operation, field, variant) targets`);
    },
    fuzzTimeout(120_000),
  );

  it('lives through it all: the node still answers, nothing leaked to its log, no prototype polluted', async () => {
    const health = await call(t.url, 'GET', '/healthz');
    expect(health.status).toBe(200);
    const logs = t.logs.join('');
    for (const secret of world.secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('unhandled error');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
