import { z } from 'zod';
import { addBusinessMinutes, type CompiledSchedule } from './schedule.ts';

export const slaPolicySchema = z.strictObject({
  name: z.string().min(1).max(200),
  /** Null applies to every team without a policy of its own. */
  teamId: z.uuid().nullable().default(null),
  /** Applies to conversations whose priority is at least this; the highest that fits wins. */
  minPriority: z.number().int().min(-1000).max(1000).default(0),
  firstResponseMinutes: z
    .number()
    .int()
    .positive()
    .max(60 * 24 * 60),
  nextResponseMinutes: z
    .number()
    .int()
    .positive()
    .max(60 * 24 * 60)
    .nullable()
    .default(null),
  /** Count only the team's business hours (when the team has them). */
  businessHours: z.boolean().default(true),
});

export type SlaPolicyInput = z.input<typeof slaPolicySchema>;
export interface SlaPolicy extends z.output<typeof slaPolicySchema> {
  id: string;
}

/** The policy for a team and priority: the team's own before the workspace-wide ones. */
export function pickSlaPolicy(policies: readonly SlaPolicy[], teamId: string | null, priority: number): SlaPolicy | null {
  let best: SlaPolicy | null = null;
  for (const p of policies) {
    if (p.teamId !== null && p.teamId !== teamId) continue;
    if (p.minPriority > priority) continue;
    if (!best) best = p;
    else if ((p.teamId !== null) !== (best.teamId !== null)) best = p.teamId !== null ? p : best;
    else if (p.minPriority > best.minPriority) best = p;
  }
  return best;
}

/** When a response of `kind` is due, counted in the team's business hours when the policy says so. */
export function slaDueAt(
  policy: SlaPolicy,
  kind: 'first' | 'next',
  from: Date,
  team: { hours: CompiledSchedule | null; timezone: string },
): Date | null {
  const minutes = kind === 'first' ? policy.firstResponseMinutes : policy.nextResponseMinutes;
  if (minutes === null) return null;
  return addBusinessMinutes(from, minutes, policy.businessHours ? team.hours : null, team.timezone);
}

/** Without an SLA, a conversation is treated as due this long after its wait began. */
export const DEFAULT_TARGET_MINUTES = 60;

/**
 * The waiting queue's order, as one instant per conversation (earliest first): its SLA deadline,
 * or its wait's start plus an hour, moved earlier by `agingMinutes` per priority level. Ordering
 * by it is ordering by priority with aging (one level per `agingMinutes` waited, so nothing
 * starves) with deadlines taking precedence as they near, and it is a constant per conversation
 * that an index can keep sorted.
 */
export function queueKey(waitingSince: Date, priority: number, agingMinutes: number, dueAt: Date | null): Date {
  const byPriority = waitingSince.getTime() + (DEFAULT_TARGET_MINUTES - priority * agingMinutes) * 60_000;
  return new Date(dueAt ? Math.min(dueAt.getTime(), byPriority) : byPriority);
}
