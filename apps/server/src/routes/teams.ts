import { CentralitaError } from '@centralita/core';
import {
  createSlaPolicy,
  createTeam,
  deleteSlaPolicy,
  deleteTeam,
  getAgentView,
  listAgentViews,
  listTeamViews,
  loadPolicies,
  updateTeam,
} from '@centralita/dispatcher';
import { isValidTimezone, scheduleSchema, slaPolicySchema } from '@centralita/routing';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';

const timezone = z.string().max(100).refine(isValidTimezone, 'not a known IANA timezone (for example Europe/Madrid)');
const status = z.enum(['online', 'away', 'offline']);
const channelKind = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a channel kind such as webform, email, twitter');

const limit = z.number().int().min(0).max(1000);

/**
 * A partial schedule, merged over the current one: shifts and holidays given replace the old
 * lists, timezone null falls back to the agent's or team's, and what is left out stays.
 */
const schedulePatch = z.strictObject({
  timezone: timezone.nullable().optional(),
  shifts: scheduleSchema.shape.shifts.optional(),
  holidays: scheduleSchema.shape.holidays.removeDefault().optional(),
});

/**
 * PATCH /agents/:id: what is left out keeps its value; records merge key by key (a skill or a
 * channel set to null is removed); lists replace; null clears where it says so.
 */
const profile = z.strictObject({
  status: status.optional(),
  timezone: timezone.optional(),
  skills: z
    .record(z.string().min(1).max(60), z.number().int().min(1).max(10).nullable())
    .nullable()
    .optional()
    .describe('Skill name to level, 1-10, merged into the current skills; a skill set to null is removed, null removes every skill'),
  languages: z
    .array(z.string().regex(/^[a-zA-Z]{2,3}$/, 'an ISO 639-1 code such as es'))
    .max(20)
    .optional(),
  regions: z.array(z.string().min(2).max(40)).max(50).optional().describe('Country codes (ES) or region names (LATAM)'),
  schedule: schedulePatch
    .nullable()
    .optional()
    .describe('Weekly shifts and holidays, merged over the current schedule; null means available whenever online'),
  capacity: z
    .strictObject({
      total: limit.optional(),
      channels: z
        .record(channelKind, limit.nullable())
        .nullable()
        .optional()
        .describe(
          'Per channel kind, merged into the current limits; a kind set to null is limited by the total only, null clears them all',
        ),
    })
    .optional(),
  teamIds: z.array(z.uuid()).max(50).optional().describe('Replaces the team membership'),
});

const team = z.strictObject({
  name: z.string().trim().min(1).max(200),
  timezone: timezone.optional(),
  businessHours: scheduleSchema.nullable().optional().describe('Opening hours for SLA clocks; null means always open'),
  assignment: z.enum(['direct', 'offer']).optional().describe('Assign at once, or offer to one agent at a time'),
  offerTimeoutSeconds: z.number().int().min(5).max(3600).optional(),
  reassignUnansweredMinutes: z.number().int().min(1).max(10_080).nullable().optional(),
  rerouteWhenUnavailable: z.boolean().optional(),
});

/** PATCH /teams/:id: like a create with every field optional; businessHours merges like a schedule. */
const teamPatch = team.partial().extend({
  businessHours: schedulePatch.nullable().optional().describe('Merged over the current hours; null means always open'),
});

/** Agents' routing profiles and status, teams with their hours and assignment mode, SLA policies. */
export function registerTeamRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'get',
    path: '/agents',
    tag: 'routing',
    role: 'agent',
    summary: 'Users with their routing profile: status, skills, languages, regions, schedule, capacity and current load.',
    handler: async ({ principal }) => ({ items: await listAgentViews(db, principal.workspaceId) }),
  });

  api.add({
    method: 'get',
    path: '/agents/:id',
    tag: 'routing',
    role: 'agent',
    summary: "One user's routing profile and load.",
    handler: async ({ principal, params }) => ({ agent: await getAgentView(db, principal.workspaceId, params.id as string) }),
  });

  api.add({
    method: 'patch',
    path: '/agents/:id',
    tag: 'routing',
    role: 'supervisor',
    summary: "Creates or changes a user's routing profile (and team membership). Routing only considers users with a profile.",
    body: profile,
    handler: async ({ principal, params, body }) => ({
      agent: await ctx.routing.updateProfile(principal.workspaceId, params.id as string, stripUndefined(body)),
    }),
  });

  api.add({
    method: 'post',
    path: '/me/status',
    tag: 'routing',
    role: 'agent',
    summary: 'Sets your own status: online takes work, away keeps what you have, offline hands it on.',
    body: z.strictObject({ status }),
    async handler({ principal, body }) {
      if (!principal.userId)
        throw new CentralitaError('forbidden', 'An API token is not an agent; set an agent’s status with PATCH /agents/:id.');
      return { agent: await ctx.routing.setStatus(principal.workspaceId, principal.userId, body.status) };
    },
  });

  api.add({
    method: 'get',
    path: '/teams',
    tag: 'routing',
    role: 'agent',
    summary: 'Teams with their members, business hours and assignment mode.',
    handler: async ({ principal }) => ({ items: await listTeamViews(db, principal.workspaceId) }),
  });

  api.add({
    method: 'post',
    path: '/teams',
    tag: 'routing',
    role: 'supervisor',
    status: 201,
    summary: 'Creates a team.',
    body: team,
    handler: async ({ principal, body }) => ({ team: await createTeam(db, principal.workspaceId, stripUndefined(body)) }),
  });

  api.add({
    method: 'patch',
    path: '/teams/:id',
    tag: 'routing',
    role: 'supervisor',
    summary: "Changes a team's name, hours or assignment settings.",
    body: teamPatch,
    async handler({ principal, params, body }) {
      const view = await updateTeam(db, principal.workspaceId, params.id as string, stripUndefined(body));
      ctx.routing.kickEverywhere(principal.workspaceId);
      return { team: view };
    },
  });

  api.add({
    method: 'delete',
    path: '/teams/:id',
    tag: 'routing',
    role: 'supervisor',
    summary: 'Deletes a team; its conversations keep their place in the queue without a team.',
    handler: async ({ principal, params }) => {
      await deleteTeam(db, principal.workspaceId, params.id as string);
    },
  });

  api.add({
    method: 'get',
    path: '/sla-policies',
    tag: 'routing',
    role: 'agent',
    summary: 'SLA policies: first- and next-response targets per team and priority.',
    handler: async ({ principal }) => ({ items: await loadPolicies(db, principal.workspaceId) }),
  });

  api.add({
    method: 'post',
    path: '/sla-policies',
    tag: 'routing',
    role: 'supervisor',
    status: 201,
    summary: 'Adds an SLA policy. The team’s own policy with the highest minPriority not above the conversation’s wins.',
    body: slaPolicySchema,
    handler: async ({ principal, body }) => ({ slaPolicy: await createSlaPolicy(db, principal.workspaceId, body) }),
  });

  api.add({
    method: 'delete',
    path: '/sla-policies/:id',
    tag: 'routing',
    role: 'supervisor',
    summary: 'Removes an SLA policy (deadlines already set stay).',
    handler: async ({ principal, params }) => {
      await deleteSlaPolicy(db, principal.workspaceId, params.id as string);
    },
  });
}

/** Optional fields left out stay unchanged; zod gives them as undefined keys. */
function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
