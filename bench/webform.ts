import { randomBytes } from 'node:crypto';
import { createChannelAccount, createWorkspace, type Db, ingestMessage } from '@centralita/db';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { percentile } from './stats.ts';

/** A fresh workspace with one channel account of `kind`, so each run measures empty tables. */
async function benchAccount(db: Db, kind: string) {
  const ws = await createWorkspace(db.kysely, { slug: `${kind}-${Date.now()}`, name: `Bench ${kind}` });
  return createChannelAccount(db.kysely, { workspaceId: ws.id, kind, name: `Bench ${kind}`, settings: {}, secretsEncrypted: null });
}

/** Web-form posts through HTTP (validation, dedupe state, ingest, broadcast) with `concurrency` clients. */
export async function benchWebform(db: Db, total: number, concurrency: number) {
  // One trusted proxy, so each simulated customer has its own address (X-Forwarded-For) and the
  // per-client rate limit, left at its default, limits nobody.
  const node = createCentralita({
    db,
    logger: createLogger('silent'),
    secretKey: randomBytes(32),
    adapters: installedAdapters(),
    worker: false,
    trustProxy: 1,
  });
  const url = await node.listen(0, '127.0.0.1');
  const form = await benchAccount(db, 'webform');
  let next = 0;
  const latencies: number[] = [];
  const client = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(`${url}/webhooks/${form.id}`, {
        method: 'POST',
        // Each simulated client posts from its own address, as real customers do.
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `b-${i}`,
          'x-forwarded-for': `198.51.${Math.floor(i / 250)}.${i % 250}`,
        },
        body: JSON.stringify({
          name: `Customer ${i}`,
          email: `c${i}@example.com`,
          message: `Message number ${i}: my fibre is down again`,
          country: 'ES',
        }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`post ${i} answered ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => client()));
  const seconds = (performance.now() - started) / 1000;
  await node.stop();
  const stored = await db.kysely
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('channel_account_id', '=', form.id)
    .executeTakeFirstOrThrow();
  if (Number(stored.n) !== total) throw new Error(`${total} posts answered 201 but ${stored.n} messages were stored`);
  return { total, concurrency, perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The ingest transaction alone (no HTTP), `concurrency` at a time, one new contact each. */
export async function benchIngest(db: Db, total: number, concurrency: number) {
  const acct = await benchAccount(db, 'bench');
  const target = { workspaceId: acct.workspaceId, channelAccountId: acct.id, reopenWindowMinutes: 60 };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await ingestMessage(
          db.kysely,
          target,
          {
            type: 'message.received',
            externalMessageId: `m-${i}`,
            occurredAt: new Date(),
            // 1 in 4 messages comes from a returning contact, so threading joins as well as creates.
            sender: { kind: 'bench', externalId: `u-${i % 4 === 0 ? i % 100 : i}`, verified: true },
            text: `message ${i}`,
            visibility: 'private',
            thread: { contactThread: true },
          },
          { now: new Date() },
        );
      }
    }),
  );
  return { total, concurrency, perSecond: total / ((performance.now() - started) / 1000) };
}
