import { useTestDatabase } from '@centralita/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedDesk } from './seed.ts';
import { runProcesses } from './spawn.ts';

const database = useTestDatabase();

describe('two routing processes at once', () => {
  it('route 1,000 conversations with no double assignment, no agent over capacity and exact load counts', async () => {
    const db = database.current.db.kysely;
    // 40 agents x 20 places = 800 places for 1,000 conversations: capacity is what stops them.
    const { workspaceId } = await seedDesk(db, 'race', { agents: 40, rules: 20, conversations: 1000, capacity: 20 });
    const { results } = await runProcesses(database.current.url, workspaceId, 2, 'route');
    const assigned = results.reduce((n, r) => n + r.assigned, 0);
    // Both really worked: neither process routed everything alone.
    expect(results.every((r) => r.assigned + r.waiting > 0)).toBe(true);

    const events = await sql<{ conversation_id: string; n: number }>`
      SELECT conversation_id, count(*)::int AS n FROM events
      WHERE workspace_id = ${workspaceId} AND type = 'conversation.assigned' GROUP BY conversation_id`.execute(db);
    expect(events.rows.length).toBe(assigned);
    expect(events.rows.filter((r) => r.n > 1)).toEqual([]);

    const held = await sql<{ assignee_id: string; kind: string; n: number; cap: number; total_cap: number }>`
      SELECT c.assignee_id, c.channel_kind AS kind, count(*)::int AS n,
        (p.capacity_channels ->> c.channel_kind)::int AS cap, p.capacity_total AS total_cap
      FROM conversations c JOIN agent_profiles p ON p.user_id = c.assignee_id
      WHERE c.workspace_id = ${workspaceId} GROUP BY 1, 2, 4, 5`.execute(db);
    expect(held.rows.reduce((n, r) => n + r.n, 0)).toBe(assigned);
    for (const r of held.rows) expect(r.n).toBeLessThanOrEqual(r.cap);
    const totals = new Map<string, { n: number; cap: number }>();
    for (const r of held.rows) totals.set(r.assignee_id, { n: (totals.get(r.assignee_id)?.n ?? 0) + r.n, cap: r.total_cap });
    for (const t of totals.values()) expect(t.n).toBeLessThanOrEqual(t.cap);
    // Everything else waits, each with the reason it could not be placed.
    const waiting = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM conversations
      WHERE workspace_id = ${workspaceId} AND assignee_id IS NULL AND routing_explanation ->> 'outcome' = 'wait'`.execute(db);
    expect(waiting.rows[0]?.n).toBe(1000 - assigned);

    // The trigger-kept loads agree with a fresh count, agent by agent and channel by channel.
    const drift = await sql<{ user_id: string }>`
      SELECT p.user_id FROM agent_profiles p
      LEFT JOIN LATERAL (
        SELECT COALESCE(sum(n), 0)::int AS total, COALESCE(jsonb_object_agg(kind, n), '{}') AS channels FROM (
          SELECT channel_kind AS kind, count(*)::int AS n FROM conversations
          WHERE assignee_id = p.user_id AND status IN ('open', 'pending') GROUP BY 1) s
      ) c ON true
      WHERE p.workspace_id = ${workspaceId}
        AND (p.load_total <> c.total OR jsonb_strip_nulls(p.load_channels) - ARRAY(SELECT key FROM jsonb_each(p.load_channels) WHERE value = '0') <> c.channels)`.execute(
      db,
    );
    expect(held.rows.length).toBeGreaterThan(0);
    expect(drift.rows).toEqual([]);
  }, 120_000);
});
