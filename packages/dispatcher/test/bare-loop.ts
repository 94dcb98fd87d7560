import type { Database } from '@centralita/db';
import { type Kysely, sql } from 'kysely';

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
