/** A place inside a JSON value: the keys and indexes that lead to it from the root. */
export type JsonPath = (string | number)[];

/**
 * Every path to a value inside a JSON value, the root's (`[]`) first: what a parser's hostile
 * test replaces one at a time, so every field of a genuine payload meets every bad value.
 */
export function jsonPaths(value: unknown, prefix: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [prefix];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...jsonPaths(v, [...prefix, i]));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

/** A copy of `value` with the value at `path` replaced by `replacement` (the original is left as it was). */
export function replacedAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = replacement;
  return copy;
}
