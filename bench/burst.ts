import { observerPool } from './cost.ts';
import { type SeededTemplate, withDatabaseOf } from './databases.ts';
import type { Desk } from './desk.ts';
import { clientAddress, closedLoop } from './http-load.ts';
import { spawnServer } from './server.ts';

const LANGUAGES = ['es', 'en', 'pt', 'ca'];

/** What a burst did. */
export interface BurstResult {
  messages: number;
  contacts: number;
  sendSeconds: number;
  storedSeconds: number;
  routedSeconds: number;
  /** Conversations waiting for an agent, sampled once a second from the first post. */
  queue: number[];
  stored: { messages: number; conversations: number; distinctExternalIds: number; assigned: number; waiting: number };
  finished: boolean;
}

/**
 * `messages` web-form posts from `contacts` customers (each customer's address and email, four
 * or so posts each, every text different) sent over HTTP as fast as `concurrency` keep-alive
 * clients can, to the real node on a fresh copy of the desk (1,000 agents online with room for
 * all). Measures the time until every message is stored and every conversation assigned, samples
 * the queue each second, and checks nothing was lost or stored twice.
 */
export async function benchBurst(
  desk: SeededTemplate<Desk>,
  opts: { messages: number; contacts: number; concurrency: number; timeoutMs: number },
): Promise<BurstResult> {
  const formId = desk.data.webformId;
  return withDatabaseOf(
    () => desk.clone(),
    async (db) => {
      const node = await spawnServer('centralita', db.url);
      const observer = observerPool(db.url);
      try {
        const counts = async () => {
          const r = await observer.query<{ m: string; c: string; w: string; a: string; x: string }>(
            `SELECT (SELECT count(*) FROM messages WHERE channel_account_id = $1) AS m,
                    (SELECT count(DISTINCT external_id) FROM messages WHERE channel_account_id = $1) AS x,
                    count(*) AS c,
                    count(*) FILTER (WHERE waiting_since IS NOT NULL) AS w,
                    count(*) FILTER (WHERE assignee_id IS NOT NULL) AS a
             FROM conversations WHERE channel_account_id = $1`,
            [formId],
          );
          const row = r.rows[0];
          return {
            messages: Number(row?.m),
            conversations: Number(row?.c),
            distinctExternalIds: Number(row?.x),
            assigned: Number(row?.a),
            waiting: Number(row?.w),
          };
        };
        const queue: number[] = [];
        let sampling = true;
        const sampler = (async () => {
          const t0 = performance.now();
          for (let s = 0; sampling; s++) {
            queue.push((await counts()).waiting);
            const wait = t0 + (s + 1) * 1_000 - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
        })();
        const started = performance.now();
        let storedAt = 0;
        let routedAt = 0;
        const load = closedLoop({
          url: node.url,
          concurrency: opts.concurrency,
          warmupMs: 0,
          durationMs: opts.timeoutMs,
          total: opts.messages,
          expect: [201],
          make: (i) => {
            const c = i % opts.contacts;
            return {
              path: `/webhooks/${formId}`,
              headers: { 'idempotency-key': `burst-${i}`, 'x-forwarded-for': clientAddress(c) },
              body: JSON.stringify({
                name: `Customer ${c}`,
                email: `burst${c}@example.com`,
                message: `Burst message ${i}: the line dropped again, customer ${c} writing for the ${Math.floor(i / opts.contacts) + 1}th time`,
                country: ['ES', 'MX', 'AR', 'US'][c % 4],
                language: LANGUAGES[c % 4],
              }),
            };
          },
        });
        const sent = await load;
        const sendSeconds = (performance.now() - started) / 1000;
        let last = await counts();
        while (performance.now() - started < opts.timeoutMs) {
          if (!storedAt && last.messages >= opts.messages) storedAt = performance.now();
          if (last.assigned >= opts.messages && last.waiting === 0) {
            routedAt = performance.now();
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
          last = await counts();
        }
        sampling = false;
        await sampler;
        if (sent.sent !== opts.messages) throw new Error(`only ${sent.sent} of ${opts.messages} posts were sent before the timeout`);
        return {
          messages: opts.messages,
          contacts: opts.contacts,
          sendSeconds,
          storedSeconds: storedAt ? (storedAt - started) / 1000 : Number.NaN,
          routedSeconds: routedAt ? (routedAt - started) / 1000 : Number.NaN,
          queue,
          stored: last,
          finished: routedAt > 0,
        };
      } finally {
        await observer.end();
        await node.stop();
      }
    },
  );
}
