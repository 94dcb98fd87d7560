import { connect } from '@centralita/db';
import { Dispatcher, loadSnapshot } from '@centralita/dispatcher';
import { bareLoop } from '../packages/dispatcher/test/bare-loop.ts';
import { seedQueue } from '../packages/dispatcher/test/seed.ts';
import { backendCpu, countStatements, nodeCpuMsSince, observerPool, type StatementCount } from './cost.ts';
import { type SeededTemplate, withDatabaseOf } from './databases.ts';
import type { Desk } from './desk.ts';

/** What routing one conversation costs, in this process, against the bare claim loop. */
export interface RoutingCost {
  statements: number;
  nodeCpuMs: number;
  pgCpuMs: number | null;
  count: StatementCount;
  conversations: number;
}

/**
 * Routes `conversations` waiting conversations of the desk in this process, with the dispatcher
 * or the bare loop, counting statements and CPU per conversation (for --explain; the figure
 * itself runs in child processes).
 */
export async function routingCost(desk: SeededTemplate<Desk>, conversations: number, mode: 'route' | 'bare'): Promise<RoutingCost> {
  return withDatabaseOf(
    () => desk.clone(),
    async (test) => {
      await seedQueue(test.db.kysely, desk.data.workspaceId, desk.data.webformId, conversations);
      await test.db.pool.query('VACUUM ANALYZE conversations');
      const db = connect(test.url, { max: 4, applicationName: 'bench-routing' });
      const count = countStatements(db.pool);
      const observer = observerPool(test.url);
      try {
        await loadSnapshot(db.kysely, desk.data.workspaceId);
        count.reset();
        const pgCpu = await backendCpu(observer, new URL(test.url).pathname.slice(1));
        const cpu0 = process.cpuUsage();
        const assigned =
          mode === 'bare'
            ? await bareLoop(db.kysely, desk.data.workspaceId, desk.data.users[0]?.id ?? '')
            : (await new Dispatcher({ db: db.kysely }).dispatch(desk.data.workspaceId)).assigned;
        const nodeCpuMs = nodeCpuMsSince(cpu0);
        const pgCpuMs = await pgCpu.stop();
        if (assigned !== conversations) throw new Error(`${mode}: ${assigned} of ${conversations} assigned`);
        return {
          statements: count.count / assigned,
          nodeCpuMs: nodeCpuMs / assigned,
          pgCpuMs: pgCpuMs === null ? null : pgCpuMs / assigned,
          count,
          conversations: assigned,
        };
      } finally {
        await observer.end();
        await db.close();
      }
    },
  );
}
