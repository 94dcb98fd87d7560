/**
 * One routing process for the concurrency test and the benchmark: connects, says "ready", waits
 * for "go" on stdin (so several start together), routes the workspace's queue and prints what it
 * did as JSON. `bare` runs the claim loop without routing: SKIP LOCKED claim plus update, the
 * floor the dispatcher is measured against.
 */
import { createInterface } from 'node:readline';
import { connect, type Database } from '@centralita/db';
import { type Kysely, sql } from 'kysely';
import { Dispatcher, loadSnapshot } from '../src/index.ts';

const [url, workspaceId, mode = 'route'] = process.argv.slice(2);
if (!url || !workspaceId) throw new Error('usage: dispatch-process <database-url> <workspace-id> [route|bare]');

/** The floor: claim the first waiting conversation in queue order, mark it assigned, commit. */
export async function bareLoop(db: Kysely<Database>, ws: string, agentId: string): Promise<number> {
  let n = 0;
  for (;;) {
    const claimed = await db.transaction().execute(async (trx) => {
      const row = await sql<{ id: string }>`
        SELECT id FROM conversations WHERE workspace_id = ${ws} AND waiting_since IS NOT NULL AND offered_to IS NULL
        ORDER BY queue_key, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED`.execute(trx);
      const id = row.rows[0]?.id;
      if (!id) return false;
      await trx.updateTable('conversations').set({ assignee_id: agentId, assigned_at: new Date() }).where('id', '=', id).execute();
      return true;
    });
    if (!claimed) return n;
    n += 1;
  }
}

const db = connect(url, { max: 4, applicationName: `dispatch-${mode}` });
await loadSnapshot(db.kysely, workspaceId);
const agent = await db.kysely
  .selectFrom('agent_profiles')
  .select('user_id')
  .where('workspace_id', '=', workspaceId)
  .limit(1)
  .executeTakeFirst();
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
const started = performance.now();
const result =
  mode === 'bare'
    ? { assigned: await bareLoop(db.kysely, workspaceId, agent?.user_id ?? ''), offered: 0, waiting: 0 }
    : await new Dispatcher({ db: db.kysely }).dispatch(workspaceId);
process.stdout.write(`${JSON.stringify({ ...result, ms: performance.now() - started })}\n`);
await db.close();
process.exit(0);
