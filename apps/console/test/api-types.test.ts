import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, useServer } from '@centralita/server/test-harness';
import openapiTS, { astToString } from 'openapi-typescript';
import { expect, it } from 'vitest';

// The console's request types are generated from the server's OpenAPI document, itself generated
// from the zod schemas that validate each request. This test keeps the committed file current:
// it fails when a route changed without `npm run api-types -w @centralita/console`.
const file = join(import.meta.dirname, '..', 'src', 'api', 'schema.ts');
const HEADER = "// Generated from the server's OpenAPI document by `npm run api-types -w @centralita/console`. Do not edit.\n\n";

// biome-ignore lint/correctness/useHookAtTopLevel: a Vitest fixture named like a hook, not a React hook
const t = useServer({ worker: false });

it('the console’s API types match the server’s OpenAPI document', async () => {
  const res = await call(t.url, 'GET', '/api/v1/openapi.json');
  expect(res.status).toBe(200);
  const generated = HEADER + astToString(await openapiTS(res.json as never, { alphabetize: true }));
  if (process.env.UPDATE_API_TYPES === '1') writeFileSync(file, generated);
  const committed = readFileSync(file, 'utf8');
  expect(committed === generated, 'apps/console/src/api/schema.ts is stale: run `npm run api-types -w @centralita/console`').toBe(true);
});
