import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, useServer } from '../harness.ts';
import { type JsonSchema, readOperations } from './openapi.ts';

// "Too long" means "longer than documented": a string field the document leaves unbounded could
// only be refused by the body size limit, which names no field. So every string a client sends
// declares how long it may be (maxLength), or what it must look like (pattern, format, enum).
const t = useServer({ worker: false });
let doc: Parameters<typeof readOperations>[0];

beforeAll(async () => {
  const f = await createFixture(t);
  doc = (await call(t.url, 'GET', '/api/v1/openapi.json', { token: f.adminToken })).json;
});

function bounded(s: JsonSchema): boolean {
  return s.maxLength !== undefined || s.pattern !== undefined || s.enum !== undefined || s.const !== undefined || s.format === 'uuid';
}

describe('the OpenAPI document', () => {
  it('bounds every string field an operation takes', () => {
    const unbounded: string[] = [];
    for (const op of readOperations(doc)) {
      for (const field of op.fields) {
        const type = field.schema.type;
        if ((type === 'string' || (Array.isArray(type) && type.includes('string'))) && !bounded(field.schema)) {
          unbounded.push(`${op.method} ${op.path} ${field.in} ${field.name}`);
        }
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('names the role every operation requires', () => {
    for (const op of readOperations(doc)) expect(['public', 'agent', 'supervisor', 'admin'], `${op.method} ${op.path}`).toContain(op.role);
  });
});
