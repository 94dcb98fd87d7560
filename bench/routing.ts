import { type CompiledRuleSet, compileRuleSet, decide, type RoutingAgent, type RoutingConversation } from '@centralita/routing';
import { agent, conversation } from '@centralita/routing/fixtures';
import { createTestDatabase, type TestServer } from '@centralita/testing';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { seedQueue } from '../packages/dispatcher/test/seed.ts';
import { runProcesses } from '../packages/dispatcher/test/spawn.ts';
import { type SeededTemplate, withDatabaseOf } from './databases.ts';
import type { Desk } from './desk.ts';
import { percentile } from './stats.ts';

const LANGS = ['es', 'en', 'pt', 'ca', 'fr'];
const TEAMS = Array.from({ length: 10 }, (_, i) => ({ id: `team-${i}`, name: `Team ${i}` }));

/** A deterministic pseudo-random sequence, so every run measures the same work. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/**
 * 100 rules shaped like a real set: conditions over language, country, followers, keywords,
 * tags and local time, most of them not matching ordinary traffic, so a decision walks most of
 * the list; targets with teams, skills, languages and regions; the last rule catches all.
 */
export function benchRuleSet(count: number): CompiledRuleSet {
  const rules = Array.from({ length: count - 1 }, (_, r) => ({
    id: `r${r}`,
    when: [
      `conversation.language == "${LANGS[r % 5]}" && contact.followers > ${50_000 + r * 1000}`,
      `conversation.text.containsAny(["outage${r}", "caída${r}"]) && conversation.channel == "twitter"`,
      `"vip${r}" in conversation.tags || (conversation.country == "MX" && local.hour >= ${r % 24} && conversation.priority > ${r})`,
    ][r % 3] as string,
    target: {
      teams: [`Team ${r % 10}`],
      skills: [{ name: `skill${r % 7}`, minLevel: (r % 5) + 1 }],
      languages: 'conversation' as const,
      ...(r % 4 === 0 ? { regions: 'conversation' as const } : {}),
    },
    priority: r % 40,
    escalation: [{ afterMinutes: 5, dropSkills: true as const }],
  }));
  rules.push({
    id: 'everyone',
    when: 'true',
    target: { teams: [], skills: [], languages: 'conversation', regions: [] } as never,
    priority: 0,
    escalation: [{ afterMinutes: 10, dropSkills: true }],
  });
  const out = compileRuleSet({ rules }, TEAMS);
  if (!out.ok) throw new Error(`bench rule set invalid: ${JSON.stringify(out.issues.slice(0, 3))}`);
  return out.ruleSet;
}

export function benchAgents(count: number): RoutingAgent[] {
  const r = rng(7);
  return Array.from({ length: count }, (_, i) =>
    agent(`agent-${String(i).padStart(5, '0')}`, {
      status: r() < 0.8 ? 'online' : r() < 0.5 ? 'away' : 'offline',
      teamIds: [`team-${i % 10}`, ...(r() < 0.3 ? [`team-${(i + 3) % 10}`] : [])],
      skills: Object.fromEntries(Array.from({ length: 3 }, (_, k) => [`skill${(i + k) % 7}`, 1 + Math.floor(r() * 10)])),
      languages: [LANGS[i % 5] as string, 'en'],
      regions: [['ES', 'MX', 'AR', 'US', 'BR'][i % 5] as string],
      timezone: ['Europe/Madrid', 'America/Mexico_City', 'America/Argentina/Buenos_Aires', 'UTC'][i % 4] as string,
      schedule:
        i % 3 === 0
          ? { shifts: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:00' }], holidays: ['2026-12-25'] }
          : null,
      capacity: { total: 12, channels: { webform: 3, twitter: 8, email: 10 } },
      load: { total: Math.floor(r() * 12), channels: { webform: Math.floor(r() * 4), twitter: Math.floor(r() * 8) } },
      lastAssignedAt: new Date(Date.UTC(2026, 2, 2, 9) - Math.floor(r() * 3_600_000)),
    }),
  );
}

function benchConversations(count: number): RoutingConversation[] {
  const r = rng(11);
  return Array.from({ length: count }, (_, i) =>
    conversation({
      id: `c${i}`,
      channel: ['webform', 'twitter', 'email'][i % 3] as string,
      language: LANGS[i % 5] as string,
      country: ['ES', 'MX', 'AR', 'US', 'BR'][i % 5] as string,
      timezone: 'Europe/Madrid',
      text: 'Llevo dos días sin internet y nadie me responde, esto es una vergüenza',
      tags: i % 10 === 0 ? ['vip3'] : [],
      followers: Math.floor(r() * 80_000),
      waitingSince: new Date(Date.UTC(2026, 2, 2, 9) - Math.floor(r() * 900_000)),
    }),
  );
}

/**
 * decide() latency over many conversations against `agents` agents and `rules` rules, with the
 * summary the dispatcher stores or the full explanation a preview returns.
 */
export function benchDecide(agentCount: number, ruleCount: number, iterations: number, explain: 'full' | 'summary') {
  const ruleSet = benchRuleSet(ruleCount);
  const agents = benchAgents(agentCount);
  const convs = benchConversations(500);
  const now = new Date(Date.UTC(2026, 2, 2, 9, 30));
  for (let i = 0; i < 200; i++) decide(convs[i % convs.length] as RoutingConversation, agents, ruleSet, now, { explain });
  const times: number[] = [];
  let assigned = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    const d = decide(convs[i % convs.length] as RoutingConversation, agents, ruleSet, now, { explain });
    times.push(performance.now() - t);
    if (d.agentId) assigned += 1;
  }
  const total = performance.now() - started;
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    perSecond: (iterations / total) * 1000,
    assignedShare: assigned / iterations,
  };
}

/**
 * Conversations per second through `processes` routing processes (or the bare claim loop) on a
 * fresh copy of the bench desk (1,000 agents, 100 rules), with `conversations` waiting and room
 * for every one of them.
 */
export async function benchDispatch(desk: SeededTemplate<Desk>, conversations: number, processes: number, mode: 'route' | 'bare') {
  return withDatabaseOf(
    () => desk.clone(),
    async (db) => {
      await seedQueue(db.db.kysely, desk.data.workspaceId, desk.data.webformId, conversations);
      await db.db.pool.query('VACUUM ANALYZE conversations');
      const { results, wallMs } = await runProcesses(db.url, desk.data.workspaceId, processes, mode);
      const assigned = results.reduce((n, r) => n + r.assigned, 0);
      if (assigned !== conversations) throw new Error(`${mode}: ${assigned} of ${conversations} conversations were assigned`);
      return { perSecond: (assigned / wallMs) * 1000, assigned, wallMs };
    },
  );
}

/**
 * The job queue's floor: `jobs` no-op graphile-worker jobs added at once, then drained by one
 * runner with the server's own worker settings (concurrency 4, one pool); the time from starting
 * the runner to the last job completing.
 */
export async function benchJobDrain(server: TestServer, jobs: number) {
  return withDatabaseOf(
    () => createTestDatabase(server.adminUrl, server.template),
    async (db) => {
      const utils = await makeWorkerUtils({ pgPool: db.db.pool });
      for (let i = 0; i < jobs; i += 1_000) {
        await utils.addJobs(Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ identifier: 'noop', payload: { n: i + k } })));
      }
      await utils.release();
      await db.db.pool.query('VACUUM ANALYZE graphile_worker._private_jobs');
      let done = 0;
      let drained: () => void = () => undefined;
      const all = new Promise<void>((resolve) => {
        drained = resolve;
      });
      const started = performance.now();
      const runner = await run({
        pgPool: db.db.pool,
        concurrency: 4,
        noHandleSignals: true,
        pollInterval: 1_000,
        logger: new Logger(() => () => undefined),
        taskList: { noop: async () => undefined },
      });
      runner.events.on('job:complete', () => {
        done += 1;
        if (done === jobs) drained();
      });
      await all;
      const wallMs = performance.now() - started;
      await runner.stop();
      return { perSecond: (jobs / wallMs) * 1000, wallMs };
    },
  );
}
