import { createTestDatabase, prepareTestServer } from '@centralita/testing';
import { benchStartup } from './startup.ts';
import { fmt } from './stats.ts';
import { benchIngest, benchWebform } from './webform.ts';

/**
 * `npm run bench`: prints the numbers we report in issues. Uses the same PostgreSQL the tests use
 * (TEST_DATABASE_URL, else 127.0.0.1:5432, else embedded). Timings vary with the machine; compare
 * runs on the same one.
 */
async function main() {
  const quick = process.argv.includes('--quick');
  const server = await prepareTestServer();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    say(`Centralita benchmarks (${quick ? 'quick' : 'full'}) on ${server.embedded ? 'an embedded' : 'the machine’s'} PostgreSQL`);

    const start = await benchStartup();
    say(
      `start, embedded PostgreSQL: first start ${fmt(start.firstMs / 1000, 2)} s (initdb, migrate, demo seed), restart ${fmt(start.restartMs / 1000, 2)} s`,
    );

    const db1 = await createTestDatabase(server.adminUrl, server.template);
    try {
      const total = quick ? 300 : 3_000;
      for (const c of [1, 16]) {
        const r = await benchWebform(db1.db, total, c);
        say(
          `web-form posts over HTTP: ${fmt(r.perSecond, 0)} posts/s with ${c} client(s) (${total} posts; p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms)`,
        );
      }
    } finally {
      await db1.drop();
    }

    const db2 = await createTestDatabase(server.adminUrl, server.template);
    try {
      const total = quick ? 500 : 5_000;
      for (const c of [1, 8]) {
        const r = await benchIngest(db2.db, total, c);
        say(`ingest transaction alone: ${fmt(r.perSecond, 0)} messages/s with ${c} concurrent (${total} messages)`);
      }
    } finally {
      await db2.drop();
    }
    const mem = process.memoryUsage();
    say(
      `memory of the benchmark process after the runs: rss ${fmt(mem.rss / 2 ** 20, 0)} MiB, heap used ${fmt(mem.heapUsed / 2 ** 20, 0)} MiB`,
    );
  } finally {
    await server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
