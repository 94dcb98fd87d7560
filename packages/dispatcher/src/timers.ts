import type { Database } from '@centralita/db';
import { type Kysely, sql } from 'kysely';

/** The job-queue task that runs a workspace's due routing work (see Lifecycle.sweep). */
export const ROUTING_TIMER_TASK = 'routing_timer';

/**
 * Schedules a sweep of the workspace at `runAt`, in the caller's transaction, so a timer exists
 * exactly when the change that needs it committed. The key replaces an earlier timer for the same
 * purpose (a new offer, the next escalation step) instead of piling them up.
 */
export async function scheduleTimer(trx: Kysely<Database>, workspaceId: string, key: string, runAt: Date): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${ROUTING_TIMER_TASK}, json_build_object('workspaceId', ${workspaceId}::text),
    run_at := ${runAt}::timestamptz, job_key := ${key}, max_attempts := 5)`.execute(trx);
}
