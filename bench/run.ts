import { createTestDatabase, prepareTestServer } from '@centralita/testing';
import { benchConsole, consoleBundle } from './console.ts';
import { benchEmail } from './email.ts';
import { benchDecide, benchDispatch } from './routing.ts';
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

    // Pure CPU first, while the heap is small: later HTTP runs leave garbage whose collection
    // would land in these percentiles.
    for (const [agents, explain] of [
      [100, 'summary'],
      [1_000, 'summary'],
      [1_000, 'full'],
    ] as const) {
      const r = benchDecide(agents, 100, quick ? 2_000 : 20_000, explain);
      say(
        `routing decide(), ${agents} agents x 100 rules, ${explain} explanation: p50 ${fmt(r.p50 * 1000, 0)} µs, p99 ${fmt(r.p99 * 1000, 0)} µs, max ${fmt(r.max, 2)} ms, ${fmt(r.perSecond, 0)} decisions/s (${fmt(r.assignedShare * 100, 0)}% assigned)`,
      );
    }

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
    const bundle = consoleBundle();
    say(
      `console bundle: JavaScript ${fmt(bundle.js / 1024, 0)} KiB (${fmt(bundle.jsGzip / 1024, 0)} KiB gzipped), CSS ${fmt(bundle.css / 1024, 0)} KiB (${fmt(bundle.cssGzip / 1024, 1)} KiB gzipped)`,
    );
    const db4 = await createTestDatabase(server.adminUrl, server.template);
    try {
      const c = await benchConsole(db4.db, quick ? 3 : 10);
      say(
        `console time to interactive (headless Chromium, loopback, median of ${c.runs}): sign-in form ${fmt(c.cold, 0)} ms cold, ${fmt(c.warm, 0)} ms warm; sign-in to inbox listed ${fmt(c.inbox, 0)} ms`,
      );
    } finally {
      await db4.drop();
    }

    const db3 = await createTestDatabase(server.adminUrl, server.template);
    try {
      const total = quick ? 500 : 5_000;
      const r = await benchEmail(db3.db, total, quick ? 5 : 20);
      say(
        `email, a mailbox holding ${total} messages read over IMAP (fetch, parse, sanitise, thread, store): ${fmt(r.perSecond, 0)} messages/s (${fmt(r.seconds, 1)} s)`,
      );
      say(`email, delivery to stored conversation with the reader in IDLE: p50 ${fmt(r.idleP50)} ms, max ${fmt(r.idleMax)} ms`);
    } finally {
      await db3.drop();
    }

    const queued = quick ? 500 : 2_000;
    // Best of two (one in quick mode), each on a fresh desk, bare and routed taking turns: one run
    // can be slowed by the machine's other work, which is not the cost of routing.
    const rounds = quick ? 1 : 2;
    for (const processes of [1, 2]) {
      let bare = { perSecond: 0 };
      let routed = { perSecond: 0 };
      for (let r = 0; r < rounds; r++) {
        const b = await benchDispatch(server, queued, processes, 'bare');
        const d = await benchDispatch(server, queued, processes, 'route');
        if (b.perSecond > bare.perSecond) bare = b;
        if (d.perSecond > routed.perSecond) routed = d;
      }
      say(
        `dispatcher, ${processes} process(es), ${queued} waiting, 100 agents x 100 rules: ${fmt(routed.perSecond, 0)} conversations/s routed vs ${fmt(bare.perSecond, 0)}/s bare claim loop (cost of routing x${fmt(bare.perSecond / routed.perSecond, 2)}, best of ${rounds})`,
      );
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
