import type { z } from 'zod';
import { ConfigError } from './errors.ts';

/** Parses adapter config with a zod schema, turning failures into a `ConfigError` per field. */
export function parseWithSchema<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
}
