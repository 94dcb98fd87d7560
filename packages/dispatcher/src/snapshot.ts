import type { Database } from '@centralita/db';
import {
  type CompiledRuleSet,
  CompiledSchedule,
  compileRuleSet,
  type RoutingAgent,
  type RoutingIncident,
  type Schedule,
  type SlaPolicy,
} from '@centralita/routing';
import { type Kysely, sql } from 'kysely';

export interface TeamRouting {
  id: string;
  name: string;
  timezone: string;
  hours: CompiledSchedule | null;
  assignment: 'direct' | 'offer';
  offerTimeoutSeconds: number;
  reassignUnansweredMinutes: number | null;
  rerouteWhenUnavailable: boolean;
}

/** Everything routing needs about a workspace, read once and reused for a batch of decisions. */
export interface Snapshot {
  workspaceId: string;
  timezone: string;
  agents: RoutingAgent[];
  teams: Map<string, TeamRouting>;
  ruleSet: CompiledRuleSet;
  ruleSetVersion: number | null;
  policies: SlaPolicy[];
  /** Languages someone can answer in, to guide language detection. */
  languages: string[];
  /** The active incidents, by id, for the conditions on `incident.*` (see `withIncidents`). */
  incidents: Map<string, RoutingIncident>;
  loadedAt: number;
}

/** The user's team ids, sorted, as a select column `team_ids` (for agent lists and snapshots). */
export function teamIdsOf(userIdColumn: 'p.user_id' | 'u.id') {
  return sql<
    string[]
  >`COALESCE((SELECT array_agg(tm.team_id ORDER BY tm.team_id) FROM team_members tm WHERE tm.user_id = ${sql.ref(userIdColumn)}), '{}')`.as(
    'team_ids',
  );
}

const compiledCache = new Map<string, CompiledRuleSet>();
let defaultRuleSet: CompiledRuleSet | null = null;

/** With no published rule set, everything goes to any available agent. */
export function emptyRuleSet(): CompiledRuleSet {
  if (!defaultRuleSet) {
    const out = compileRuleSet({ rules: [] }, []);
    if (!out.ok) throw new Error('the empty rule set must compile');
    defaultRuleSet = out.ruleSet;
  }
  return defaultRuleSet;
}

/** Agents with their current loads. */
export async function loadAgents(db: Kysely<Database>, workspaceId: string, options: { only?: string[] } = {}): Promise<RoutingAgent[]> {
  let q = db
    .selectFrom('agent_profiles as p')
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 'p.user_id').on('u.active', '=', true))
    .select([
      'p.user_id',
      'u.name',
      'p.status',
      'p.timezone',
      'p.skills',
      'p.languages',
      'p.regions',
      'p.schedule',
      'p.capacity_total',
      'p.capacity_channels',
      'p.last_assigned_at',
      teamIdsOf('p.user_id'),
      'p.load_total',
      'p.load_channels',
    ])
    .where('p.workspace_id', '=', workspaceId)
    .orderBy('p.user_id');
  if (options.only) q = q.where('p.user_id', 'in', options.only.length > 0 ? options.only : ['00000000-0000-0000-0000-000000000000']);
  const rows = await q.execute();
  return rows.map((r) => {
    return {
      id: r.user_id,
      name: r.name,
      status: r.status,
      teamIds: r.team_ids,
      skills: r.skills,
      languages: r.languages,
      regions: r.regions,
      timezone: r.timezone,
      schedule: r.schedule ? new CompiledSchedule(r.schedule as Schedule) : null,
      capacity: { total: r.capacity_total, channels: r.capacity_channels },
      load: { total: r.load_total, channels: r.load_channels },
      lastAssignedAt: r.last_assigned_at,
    };
  });
}

export async function loadTeams(db: Kysely<Database>, workspaceId: string): Promise<Map<string, TeamRouting>> {
  const rows = await db.selectFrom('teams').selectAll().where('workspace_id', '=', workspaceId).execute();
  return new Map(
    rows.map((t) => [
      t.id,
      {
        id: t.id,
        name: t.name,
        timezone: t.timezone,
        hours: t.business_hours ? new CompiledSchedule({ timezone: t.timezone, ...(t.business_hours as Schedule) }) : null,
        assignment: t.assignment,
        offerTimeoutSeconds: t.offer_timeout_seconds,
        reassignUnansweredMinutes: t.reassign_unanswered_minutes,
        rerouteWhenUnavailable: t.reroute_when_unavailable,
      },
    ]),
  );
}

/** The published rule set, compiled once per version and process (published versions never change). */
export async function loadPublishedRuleSet(
  db: Kysely<Database>,
  workspaceId: string,
  teams: Map<string, TeamRouting>,
): Promise<{ ruleSet: CompiledRuleSet; version: number | null }> {
  const row = await db
    .selectFrom('routing_rule_sets')
    .select(['id', 'version', 'document'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'published')
    .executeTakeFirst();
  if (!row) return { ruleSet: emptyRuleSet(), version: null };
  const cached = compiledCache.get(row.id);
  if (cached) return { ruleSet: cached, version: row.version };
  const out = compileRuleSet(row.document, [...teams.values()]);
  // A published set compiled when it was published, and teams it names cannot be deleted or
  // renamed (see config-store), so this fails only after a change behind the API's back. Route
  // with the default rather than stop routing the workspace, and try again next time.
  if (!out.ok) return { ruleSet: emptyRuleSet(), version: row.version };
  compiledCache.set(row.id, out.ruleSet);
  return { ruleSet: out.ruleSet, version: row.version };
}

export async function loadPolicies(db: Kysely<Database>, workspaceId: string): Promise<SlaPolicy[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    teamId: r.team_id,
    minPriority: r.min_priority,
    firstResponseMinutes: r.first_response_minutes,
    nextResponseMinutes: r.next_response_minutes,
    businessHours: r.business_hours,
  }));
}

/** What SLA deadlines need: teams (hours), policies and the workspace's zone; no agents, no rules. */
export async function loadSlaContext(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<Pick<Snapshot, 'teams' | 'policies' | 'timezone'>> {
  const [teams, policies, ws] = await Promise.all([
    loadTeams(db, workspaceId),
    loadPolicies(db, workspaceId),
    db.selectFrom('workspaces').select('timezone').where('id', '=', workspaceId).executeTakeFirst(),
  ]);
  return { teams, policies, timezone: ws?.timezone ?? 'UTC' };
}

/** Incidents as rules see them: the workspace's active ones, or these ids whatever their status. */
export async function loadIncidents(
  db: Kysely<Database>,
  workspaceId: string,
  ids?: readonly string[],
): Promise<Map<string, RoutingIncident>> {
  let q = db.selectFrom('incidents').select(['id', 'services', 'regions', 'title']).where('workspace_id', '=', workspaceId);
  q = ids ? q.where('id', 'in', ids.length > 0 ? [...ids] : ['00000000-0000-0000-0000-000000000000']) : q.where('status', '=', 'active');
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, services: r.services, regions: r.regions, title: r.title }]));
}

/**
 * Adds to the snapshot the incidents these rows belong to that it lacks: one declared after the
 * snapshot was read (it may be two seconds old) is still seen with its services and regions.
 */
export async function withIncidents(db: Kysely<Database>, snap: Snapshot, ids: readonly (string | null)[]): Promise<void> {
  const missing = [...new Set(ids.filter((id): id is string => id !== null && !snap.incidents.has(id)))];
  if (missing.length === 0) return;
  for (const [id, incident] of await loadIncidents(db, snap.workspaceId, missing)) snap.incidents.set(id, incident);
}

export async function loadSnapshot(db: Kysely<Database>, workspaceId: string): Promise<Snapshot> {
  const [agents, teams, policies, ws, incidents] = await Promise.all([
    loadAgents(db, workspaceId),
    loadTeams(db, workspaceId),
    loadPolicies(db, workspaceId),
    db.selectFrom('workspaces').select('timezone').where('id', '=', workspaceId).executeTakeFirst(),
    loadIncidents(db, workspaceId),
  ]);
  const { ruleSet, version } = await loadPublishedRuleSet(db, workspaceId, teams);
  const languages = [...new Set(agents.flatMap((a) => a.languages))].sort();
  return {
    workspaceId,
    timezone: ws?.timezone ?? 'UTC',
    agents,
    teams,
    ruleSet,
    ruleSetVersion: version,
    policies,
    languages,
    incidents,
    loadedAt: Date.now(),
  };
}
