import { createChannelAccount, createWorkspace } from '@centralita/db';
import { createTestDatabase, type TestServer } from '@centralita/testing';
import { clientAddress, closedLoop, type LoadResult } from './http-load.ts';
import { spawnServer, type WindowCost } from './server.ts';

/** One side of the web-form comparison: the rate, and what each post cost the server. */
export interface WebformSide extends LoadResult {
  cost: WindowCost;
}

function formPost(i: number) {
  return JSON.stringify({
    name: `Customer ${i}`,
    email: `c${i}@example.com`,
    message: `Message number ${i}: my fibre is down again and nobody tells me when it comes back`,
    country: 'ES',
    language: 'es',
  });
}

/**
 * Web-form posts over HTTP against the real node (validation, rate limit, dedupe state, ingest,
 * customer link, broadcast, routing) and against a bare Express endpoint that parses the JSON and
 * inserts one row, each server in a process of its own on a fresh database, with the same
 * client: `concurrency` keep-alive connections, every post from an address of its own.
 */
export async function benchWebform(server: TestServer, opts: { concurrency: number; warmupMs: number; durationMs: number }) {
  const run = async (mode: 'centralita' | 'express'): Promise<WebformSide> => {
    const db = await createTestDatabase(server.adminUrl, server.template);
    try {
      let path = '/form';
      let formId = '';
      if (mode === 'centralita') {
        const ws = await createWorkspace(db.db.kysely, { slug: `form-${Date.now()}`, name: 'Bench form' });
        const form = await createChannelAccount(db.db.kysely, {
          workspaceId: ws.id,
          kind: 'webform',
          name: 'Bench form',
          settings: { submissionsPerMinute: 1_000 },
          secretsEncrypted: null,
        });
        formId = form.id;
        path = `/webhooks/${form.id}`;
      }
      const node = await spawnServer(mode, db.url);
      try {
        let window: Awaited<ReturnType<typeof node.measure>> | null = null;
        const measuring = new Promise<void>((resolve) =>
          setTimeout(async () => {
            window = await node.measure();
            resolve();
          }, opts.warmupMs),
        );
        const load = await closedLoop({
          url: node.url,
          concurrency: opts.concurrency,
          warmupMs: opts.warmupMs,
          durationMs: opts.durationMs,
          expect: [201],
          make: (i) => ({
            path,
            headers: { 'idempotency-key': `b-${i}`, 'x-forwarded-for': clientAddress(i) },
            body: formPost(i),
          }),
        });
        await measuring;
        const cost = await (window as unknown as { stop(): Promise<WindowCost> }).stop();
        const stored =
          mode === 'centralita'
            ? await db.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE channel_account_id = $1', [formId])
            : await db.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM bench_posts');
        const n = Number(stored.rows[0]?.n);
        if (n !== load.sent) throw new Error(`${mode}: ${load.sent} posts answered 201 but ${n} were stored`);
        return { ...load, cost };
      } finally {
        await node.stop();
      }
    } finally {
      await db.drop();
    }
  };
  // Bare first, then the product: whichever goes second meets a slightly warmer machine.
  const bare = await run('express');
  const product = await run('centralita');
  return { product, bare };
}
