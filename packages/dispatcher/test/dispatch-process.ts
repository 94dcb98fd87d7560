/**
 * One routing process for the concurrency test and the benchmark: connects, says "ready", waits
 * for "go" on stdin (so several start together), routes the workspace's queue and prints what it
 * did as JSON. `bare` runs the claim loop without routing: SKIP LOCKED claim plus update, the
 * floor the dispatcher is measured against.
 */
import { createInterface } from 'node:readline';
import { connect } from '@centralita/db';
import { Dispatcher, loadSnapshot } from '../src/index.ts';
import { bareLoop } from './bare-loop.ts';

const [url, workspaceId, mode = 'route'] = process.argv.slice(2);
if (!url || !workspaceId) throw new Error('usage: dispatch-process <database-url> <workspace-id> [route|bare]');

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
