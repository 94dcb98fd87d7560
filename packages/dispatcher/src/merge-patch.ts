import { CentralitaError } from '@centralita/core';
import { type Schedule, scheduleSchema } from '@centralita/routing';

/**
 * Applies a partial change the way every PATCH of the API does (JSON Merge Patch, RFC 7396):
 * objects merge key by key, arrays and scalars replace, `null` removes the key, and a key left
 * out (or undefined) keeps its value. So `{ capacity: { total: 5 } }` keeps the per-channel
 * capacities, and `{ skills: { billing: null } }` drops one skill and keeps the others.
 */
export function mergePatch<T>(target: T, patch: unknown): T {
  if (!isRecord(patch)) return patch as T;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out as T;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A partial schedule: given keys replace (shifts, holidays) or clear (timezone: null). */
export interface SchedulePatch {
  timezone?: string | null;
  shifts?: Schedule['shifts'];
  holidays?: string[];
}

/**
 * The schedule a patch leaves: merged over the current one, then checked whole, so a first
 * schedule without shifts is refused (naming `field.shifts`) instead of stored half-made.
 */
export function patchSchedule(current: Schedule | null, patch: SchedulePatch, field: string): Schedule {
  const merged = mergePatch(current ?? {}, patch);
  const out = scheduleSchema.safeParse(merged);
  if (!out.success) {
    const details = out.error.issues.map((i) => ({ field: [field, ...i.path].join('.'), message: i.message }));
    throw new CentralitaError(
      'validation_failed',
      `Invalid ${field}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return out.data;
}
