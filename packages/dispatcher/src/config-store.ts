import { CentralitaError } from '@centralita/core';
import type { Database } from '@centralita/db';
import type { AgentStatus, Schedule, SlaPolicy, SlaPolicyInput } from '@centralita/routing';
import { type Kysely, sql } from 'kysely';
import { mergePatch, patchSchedule, type SchedulePatch } from './merge-patch.ts';
import { getPublished, validateRuleSet } from './rulesets.ts';
import { teamIdsOf } from './snapshot.ts';

export interface AgentView {
  id: string;
  name: string;
  email: string;
  role: string;
  /** False for users who have never been given a routing profile: routing skips them. */
  routable: boolean;
  status: AgentStatus;
  statusChangedAt: Date | null;
  timezone: string;
  skills: Record<string, number>;
  languages: string[];
  regions: string[];
  schedule: Schedule | null;
  capacity: { total: number; channels: Record<string, number> };
  load: { total: number; channels: Record<string, number> };
  teamIds: string[];
  lastAssignedAt: Date | null;
}

/**
 * A partial change to a routing profile (see mergePatch): what it leaves out keeps its value,
 * records (skills, schedule, capacity and its channels) merge key by key, lists replace, and
 * `null` removes a skill or a channel's limit, or clears the skills, channel limits or schedule.
 */
export interface ProfilePatch {
  status?: AgentStatus;
  timezone?: string;
  skills?: Record<string, number | null> | null;
  languages?: string[];
  regions?: string[];
  schedule?: SchedulePatch | null;
  capacity?: { total?: number; channels?: Record<string, number | null> | null };
  teamIds?: string[];
}

export async function listAgentViews(db: Kysely<Database>, workspaceId: string, onlyId?: string): Promise<AgentView[]> {
  let q = db
    .selectFrom('users as u')
    .leftJoin('agent_profiles as p', 'p.user_id', 'u.id')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.role',
      'p.user_id as profile',
      'p.status',
      'p.status_changed_at',
      'p.timezone',
      'p.skills',
      'p.languages',
      'p.regions',
      'p.schedule',
      'p.capacity_total',
      'p.capacity_channels',
      'p.last_assigned_at',
      teamIdsOf('u.id'),
      'p.load_total',
      'p.load_channels',
    ])
    .where('u.workspace_id', '=', workspaceId)
    .where('u.active', '=', true)
    .orderBy('u.name')
    .orderBy('u.id');
  if (onlyId) q = q.where('u.id', '=', onlyId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    routable: r.profile !== null,
    status: r.status ?? 'offline',
    statusChangedAt: r.status_changed_at,
    timezone: r.timezone ?? 'UTC',
    skills: r.skills ?? {},
    languages: r.languages ?? [],
    regions: r.regions ?? [],
    schedule: (r.schedule as Schedule | null) ?? null,
    capacity: { total: r.capacity_total ?? 10, channels: r.capacity_channels ?? {} },
    load: { total: r.load_total ?? 0, channels: r.load_channels ?? {} },
    teamIds: r.team_ids,
    lastAssignedAt: r.last_assigned_at,
  }));
}

export async function getAgentView(db: Kysely<Database>, workspaceId: string, userId: string): Promise<AgentView> {
  const [view] = await listAgentViews(db, workspaceId, userId);
  if (!view) throw new CentralitaError('not_found', 'No active user with that id in this workspace.');
  return view;
}

/** Creates or changes a routing profile; team membership is replaced when teamIds is given. */
export async function updateAgentProfile(
  db: Kysely<Database>,
  workspaceId: string,
  userId: string,
  patch: ProfilePatch,
  now: Date,
): Promise<AgentView> {
  await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .where('workspace_id', '=', workspaceId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!user) throw new CentralitaError('not_found', 'No active user with that id in this workspace.');
    // The first change makes the profile (and the user routable). The row is then locked, so two
    // partial changes at once both land: each merges over what the other wrote.
    await trx
      .insertInto('agent_profiles')
      .values({ user_id: userId, workspace_id: workspaceId, skills: '{}', capacity_channels: '{}' })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
    const current = await trx
      .selectFrom('agent_profiles')
      .select(['skills', 'schedule', 'capacity_channels'])
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const { capacity } = patch;
    const set = {
      ...(patch.status ? { status: patch.status, status_changed_at: now } : {}),
      ...(patch.timezone ? { timezone: patch.timezone } : {}),
      ...(patch.skills !== undefined
        ? { skills: JSON.stringify(patch.skills === null ? {} : mergePatch(current.skills, patch.skills)) }
        : {}),
      ...(patch.languages ? { languages: patch.languages.map((l) => l.toLowerCase()) } : {}),
      ...(patch.regions ? { regions: patch.regions.map((r) => r.toUpperCase()) } : {}),
      ...(patch.schedule !== undefined
        ? {
            schedule: patch.schedule
              ? JSON.stringify(patchSchedule(current.schedule as Schedule | null, patch.schedule, 'schedule'))
              : null,
          }
        : {}),
      ...(capacity?.total !== undefined ? { capacity_total: capacity.total } : {}),
      ...(capacity?.channels !== undefined
        ? { capacity_channels: JSON.stringify(capacity.channels === null ? {} : mergePatch(current.capacity_channels, capacity.channels)) }
        : {}),
    };
    await trx
      .updateTable('agent_profiles')
      .set({ ...set, updated_at: now })
      .where('user_id', '=', userId)
      .execute();
    if (patch.teamIds) {
      const teams = patch.teamIds.length
        ? await trx.selectFrom('teams').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', patch.teamIds).execute()
        : [];
      if (teams.length !== new Set(patch.teamIds).size)
        throw new CentralitaError('validation_failed', 'Unknown team id.', { field: 'teamIds' });
      await trx.deleteFrom('team_members').where('user_id', '=', userId).execute();
      if (teams.length) {
        await trx
          .insertInto('team_members')
          .values(teams.map((t) => ({ workspace_id: workspaceId, team_id: t.id, user_id: userId })))
          .execute();
      }
    }
  });
  return getAgentView(db, workspaceId, userId);
}

export interface TeamView {
  id: string;
  name: string;
  timezone: string;
  businessHours: Schedule | null;
  assignment: 'direct' | 'offer';
  offerTimeoutSeconds: number;
  reassignUnansweredMinutes: number | null;
  rerouteWhenUnavailable: boolean;
  memberIds: string[];
}

export type TeamInput = Partial<Omit<TeamView, 'id' | 'memberIds'>>;

export async function listTeamViews(db: Kysely<Database>, workspaceId: string, onlyId?: string): Promise<TeamView[]> {
  let q = db
    .selectFrom('teams as t')
    .selectAll('t')
    .select(
      sql<string[]>`COALESCE((SELECT array_agg(user_id ORDER BY user_id) FROM team_members tm WHERE tm.team_id = t.id), '{}')`.as(
        'member_ids',
      ),
    )
    .where('t.workspace_id', '=', workspaceId)
    .orderBy('t.name');
  if (onlyId) q = q.where('t.id', '=', onlyId);
  const rows = await q.execute();
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    timezone: t.timezone,
    businessHours: (t.business_hours as Schedule | null) ?? null,
    assignment: t.assignment,
    offerTimeoutSeconds: t.offer_timeout_seconds,
    reassignUnansweredMinutes: t.reassign_unanswered_minutes,
    rerouteWhenUnavailable: t.reroute_when_unavailable,
    memberIds: t.member_ids,
  }));
}

function teamColumns(input: TeamInput) {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
    ...(input.businessHours !== undefined ? { business_hours: input.businessHours ? JSON.stringify(input.businessHours) : null } : {}),
    ...(input.assignment !== undefined ? { assignment: input.assignment } : {}),
    ...(input.offerTimeoutSeconds !== undefined ? { offer_timeout_seconds: input.offerTimeoutSeconds } : {}),
    ...(input.reassignUnansweredMinutes !== undefined ? { reassign_unanswered_minutes: input.reassignUnansweredMinutes } : {}),
    ...(input.rerouteWhenUnavailable !== undefined ? { reroute_when_unavailable: input.rerouteWhenUnavailable } : {}),
  };
}

export async function createTeam(db: Kysely<Database>, workspaceId: string, input: TeamInput & { name: string }): Promise<TeamView> {
  const row = await db
    .insertInto('teams')
    .values({ workspace_id: workspaceId, ...teamColumns(input), name: input.name })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new CentralitaError('conflict', `A team called "${input.name}" already exists.`);
  return (await listTeamViews(db, workspaceId, row.id))[0] as TeamView;
}

/** A partial change to a team: businessHours merges like an agent's schedule (see mergePatch). */
export type TeamPatch = Omit<TeamInput, 'businessHours'> & { businessHours?: SchedulePatch | null };

export async function updateTeam(db: Kysely<Database>, workspaceId: string, teamId: string, input: TeamPatch): Promise<TeamView> {
  await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('teams')
      .select('business_hours')
      .where('id', '=', teamId)
      .where('workspace_id', '=', workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new CentralitaError('not_found', 'No team with that id.');
    const { businessHours, ...rest } = input;
    const cols = teamColumns({
      ...rest,
      ...(businessHours !== undefined
        ? { businessHours: businessHours && patchSchedule(current.business_hours as Schedule | null, businessHours, 'businessHours') }
        : {}),
    });
    if (Object.keys(cols).length === 0) return;
    await trx.updateTable('teams').set(cols).where('id', '=', teamId).where('workspace_id', '=', workspaceId).execute();
    if (input.name !== undefined) await assertPublishedRulesStillValid(trx, workspaceId, 'rename');
  });
  const [view] = await listTeamViews(db, workspaceId, teamId);
  if (!view) throw new CentralitaError('not_found', 'No team with that id.');
  return view;
}

export async function deleteTeam(db: Kysely<Database>, workspaceId: string, teamId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('teams').where('id', '=', teamId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    if (r.numDeletedRows === 0n) throw new CentralitaError('not_found', 'No team with that id.');
    await assertPublishedRulesStillValid(trx, workspaceId, 'delete');
  });
}

/**
 * A team the published rules name (by name or id) cannot be deleted or renamed: the rules would
 * stop compiling and routing would fall back to "anyone". The change is rolled back and the
 * rules that need editing are named.
 */
async function assertPublishedRulesStillValid(trx: Kysely<Database>, workspaceId: string, change: 'delete' | 'rename'): Promise<void> {
  const published = await getPublished(trx, workspaceId);
  if (!published) return;
  const out = await validateRuleSet(trx, workspaceId, published.document);
  if (out.ok) return;
  const rules = [...new Set(out.issues.map((i) => i.rule))].join(', ');
  throw new CentralitaError(
    'conflict',
    `The published rules (version ${published.version}) name this team in: ${rules}. Publish rules without it first, then ${change} the team.`,
    { issues: out.issues },
  );
}

export async function createSlaPolicy(db: Kysely<Database>, workspaceId: string, p: Required<SlaPolicyInput>): Promise<SlaPolicy> {
  if (p.teamId) {
    const team = await db
      .selectFrom('teams')
      .select('id')
      .where('id', '=', p.teamId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!team) throw new CentralitaError('validation_failed', 'No team with that id in this workspace.', { field: 'teamId' });
  }
  const row = await db
    .insertInto('sla_policies')
    .values({
      workspace_id: workspaceId,
      name: p.name,
      team_id: p.teamId,
      min_priority: p.minPriority,
      first_response_minutes: p.firstResponseMinutes,
      next_response_minutes: p.nextResponseMinutes,
      business_hours: p.businessHours,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    name: row.name,
    teamId: row.team_id,
    minPriority: row.min_priority,
    firstResponseMinutes: row.first_response_minutes,
    nextResponseMinutes: row.next_response_minutes,
    businessHours: row.business_hours,
  };
}

export async function deleteSlaPolicy(db: Kysely<Database>, workspaceId: string, id: string): Promise<void> {
  const r = await db.deleteFrom('sla_policies').where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (r.numDeletedRows === 0n) throw new CentralitaError('not_found', 'No SLA policy with that id.');
}

/** Refuses a team id from another workspace (or none), naming the field. */
export async function assertTeamInWorkspace(db: Kysely<Database>, workspaceId: string, teamId: string, field = 'teamId'): Promise<void> {
  const team = await db
    .selectFrom('teams')
    .select('id')
    .where('id', '=', teamId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!team) throw new CentralitaError('validation_failed', 'No team with that id in this workspace.', { field });
}
