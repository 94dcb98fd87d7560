import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount, createWorkspace } from '@centralita/db';
import { useTestDatabase } from '@centralita/testing';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from './processes.ts';

// Real processes on one real PostgreSQL: one killed with SIGKILL while a coalesced batch waits
// just before its commit, and two taking the same 10,000 deliveries at once.
const database = useTestDatabase();
const key = randomBytes(32).toString('base64');
const running: NodeProcess[] = [];
let workspaceId: string;
let formId: string;

beforeAll(async () => {
  const db = database.current.db.kysely;
  workspaceId = (await createWorkspace(db, { slug: 'crash', name: 'Crash' })).id;
  formId = (
    await createChannelAccount(db, {
      workspaceId,
      kind: 'webform',
      name: 'Form',
      settings: { submissionsPerMinute: 1_000 },
      secretsEncrypted: null,
    })
  ).id;
});

afterEach(async () => {
  for (const n of running.splice(0)) await n.kill().catch(() => undefined);
});

async function node(env: Record<string, string> = {}): Promise<NodeProcess> {
  const n = await startNodeProcess({ DATABASE_URL: database.current.db.url, SECRET_KEY: key, ...env });
  running.push(n);
  return n;
}

/** One web-form delivery, as a browser posts it; the key makes a retry the same submission. */
function post(url: string, i: number, text: string): Promise<number> {
  return fetch(`${url}/webhooks/${formId}`, {
    method: 'POST',
    // Every customer from an address of their own, as on the internet (the form limits per address).
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `delivery-${i}`,
      'x-forwarded-for': `127.1.${(i >> 8) & 255}.${i & 255}`,
    },
    body: JSON.stringify({ name: `Customer ${i}`, email: `c${i}@example.com`, message: `${text} ${i}` }),
  }).then(
    (r) => r.status,
    () => 0,
  );
}

async function storedTexts(prefix: string): Promise<string[]> {
  const rows = await sql<{
    text: string;
  }>`SELECT text FROM messages WHERE workspace_id = ${workspaceId} AND text LIKE ${`${prefix}%`}`.execute(database.current.db.kysely);
  return rows.rows.map((r) => r.text).sort();
}

describe('a node killed while a batch waits to commit', () => {
  it('has stored every request it answered 2xx, and a retry of the others is stored once', async () => {
    const holdFile = join(tmpdir(), `centralita-hold-${randomBytes(4).toString('hex')}`);
    const a = await node({ HOLD_FILE: holdFile });
    const early = await Promise.all(Array.from({ length: 10 }, (_, i) => post(a.url, i, 'early')));
    expect(early).toEqual(Array(10).fill(201));
    // These coalesce into batches; the one holding HOLD stops before its commit.
    const held = Array.from({ length: 10 }, (_, i) => post(a.url, 100 + i, 'HOLD'));
    await waitFor(() => existsSync(holdFile), { what: 'a batch to reach its commit' });
    await a.kill();
    rmSync(holdFile, { force: true });
    const answers = await Promise.all(held);
    // Whatever got a 2xx before the kill is stored; the held batch rolled back and answered nothing.
    const acknowledged = answers.map((s, i) => (s >= 200 && s < 300 ? 100 + i : null)).filter((i) => i !== null);
    const stored = await storedTexts('HOLD');
    for (const i of acknowledged) expect(stored).toContain(`HOLD ${i}`);
    expect(stored.length).toBeLessThan(10);
    expect(await storedTexts('early')).toHaveLength(10);

    // The channel delivers again, to another node: each is stored once, and a second retry is a repeat.
    const b = await node();
    const retried = await Promise.all(Array.from({ length: 10 }, (_, i) => post(b.url, 100 + i, 'HOLD')));
    for (const s of retried) expect([200, 201]).toContain(s);
    const again = await Promise.all(Array.from({ length: 10 }, (_, i) => post(b.url, 100 + i, 'HOLD')));
    expect(again.every((s) => s === 200)).toBe(true);
    expect(await storedTexts('HOLD')).toEqual(Array.from({ length: 10 }, (_, i) => `HOLD ${100 + i}`).sort());
  }, 120_000);
});

describe('two nodes taking the same deliveries at once', () => {
  it('store 10,000 deliveries sent to both exactly once', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    const total = 10_000;
    const failures: string[] = [];
    // Each node gets every delivery, both in the same order at the same time, 32 clients each,
    // so most deliveries reach the two nodes within the same few milliseconds.
    const send = async (url: string) => {
      let next = 0;
      const client = async () => {
        for (let i = next++; i < total; i = next++) {
          const status = await post(url, 20_000 + i, 'race');
          if (status !== 201 && status !== 200) failures.push(`${i}: ${status}`);
        }
      };
      await Promise.all(Array.from({ length: 32 }, client));
    };
    await Promise.all([send(a.url), send(b.url)]);
    expect(failures.slice(0, 5)).toEqual([]);
    const counts = await sql<{ messages: number; distinct_texts: number }>`
      SELECT count(*)::int AS messages, count(DISTINCT text)::int AS distinct_texts
      FROM messages WHERE workspace_id = ${workspaceId} AND text LIKE 'race %'`.execute(database.current.db.kysely);
    expect(counts.rows[0]).toEqual({ messages: total, distinct_texts: total });
  }, 300_000);
});
