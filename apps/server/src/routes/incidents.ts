import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { changesSchema, declareSchema, settingsSchema } from '../services/incident-input.ts';
import { maskedPreviewText, seesPii } from '../services/privacy-view.ts';
import { actorOf, visibleConversation, visibleTeams } from './access.ts';

const text = z.string().trim().min(1, 'required').max(4_000);

/** The closing update, as POST /incidents/:id/broadcasts takes an update (routes/broadcasts.ts). */
const closing = z.strictObject({
  text: text.describe('The closing note; {name}, {ref} and {status} are filled per recipient'),
  variants: z.array(text).max(20, 'at most 20 variants').optional(),
  whatsappTemplate: z
    .strictObject({
      name: z.string().min(1).max(512),
      language: z.string().min(2).max(20),
      parameters: z.record(z.string().max(100), z.string().max(1_024)).default({}),
    })
    .nullable()
    .optional(),
  publicPost: z
    .strictObject({ channelAccountId: z.uuid(), text: z.string().trim().min(1).max(280).optional() })
    .nullable()
    .optional(),
  rates: z.record(z.uuid(), z.number().int().min(1).max(1_000_000)).optional(),
});

const status = z.enum(['proposed', 'active', 'resolved', 'dismissed']);

/** Mass incidents: declare, accept or dismiss proposals, link, resolve (docs/incidents.md). */
export function registerIncidentRoutes(api: ApiRegistry, ctx: AppContext): void {
  api.add({
    method: 'get',
    path: '/incidents',
    tag: 'incidents',
    role: 'agent',
    summary: 'The workspace’s incidents, newest first (at most 200); one status or all.',
    query: z.object({ status: status.optional() }),
    async handler({ principal, query }) {
      return { items: await ctx.incidents.list(principal.workspaceId, query.status) };
    },
  });

  api.add({
    method: 'post',
    path: '/incidents',
    tag: 'incidents',
    role: 'supervisor',
    status: 201,
    summary:
      'Declares an incident (active at once). Conversations not resolved whose customer wrote since its start (less the matching window) and that match its keywords, services, regions and languages are linked before the answer; later ones link as they arrive.',
    body: declareSchema,
    async handler({ principal, body }) {
      return ctx.incidents.declare(principal.workspaceId, body, actorOf(principal));
    },
  });

  api.add({
    method: 'get',
    path: '/incidents/:id',
    tag: 'incidents',
    role: 'agent',
    summary: 'One incident with the counts of its linked conversations: by channel kind, by region, open and resolved.',
    async handler({ principal, params }) {
      return ctx.incidents.get(principal.workspaceId, params.id as string);
    },
  });

  api.add({
    method: 'patch',
    path: '/incidents/:id',
    tag: 'incidents',
    role: 'supervisor',
    summary: 'Changes a proposed or active incident. New criteria link the conversations that now match; none is unlinked by a change.',
    body: changesSchema,
    async handler({ principal, params, body }) {
      return ctx.incidents.update(principal.workspaceId, params.id as string, body, actorOf(principal));
    },
  });

  api.add({
    method: 'post',
    path: '/incidents/:id/accept',
    tag: 'incidents',
    role: 'supervisor',
    summary: 'Makes a proposal of the spike detector an active incident, with any changes in the body; matching conversations link.',
    body: changesSchema,
    async handler({ principal, params, body }) {
      return ctx.incidents.accept(principal.workspaceId, params.id as string, body, actorOf(principal));
    },
  });

  api.add({
    method: 'post',
    path: '/incidents/:id/dismiss',
    tag: 'incidents',
    role: 'supervisor',
    summary: 'Dismisses a proposal as a false alarm. It is remembered: the same alarm is not proposed again for a while unless it doubles.',
    body: z.strictObject({ reason: z.string().trim().max(500).optional() }),
    async handler({ principal, params, body }) {
      return ctx.incidents.dismiss(principal.workspaceId, params.id as string, body.reason || null, actorOf(principal));
    },
  });

  api.add({
    method: 'post',
    path: '/incidents/:id/resolve',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'Resolves an active incident: sends the closing update to every linked conversation (when given), then resolves the linked conversations together, except those kept open. Linking stops.',
    body: z.strictObject({ closing: closing.nullable().optional() }),
    async handler({ principal, params, body }) {
      return ctx.incidents.resolve(principal.workspaceId, params.id as string, { closing: body.closing ?? null }, actorOf(principal));
    },
  });

  api.add({
    method: 'get',
    path: '/incidents/:id/conversations',
    tag: 'incidents',
    role: 'agent',
    summary:
      'The conversations linked to the incident that you may see, most recently linked first, as inbox rows with how each was linked (auto or by a person, the words that matched) and whether it is kept open.',
    query: z.object({
      channel: z.string().max(50).optional().describe('A channel kind such as webform'),
      region: z.string().max(10).optional().describe('A region and its subdivisions (ES lists ES-MD), or unknown for those with none'),
      cursor: z.string().max(500).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    async handler({ principal, params, query }) {
      return ctx.incidents.conversations(
        principal.workspaceId,
        params.id as string,
        {
          ...(query.channel ? { channelKind: query.channel } : {}),
          ...(query.region ? { region: query.region === 'unknown' ? 'unknown' : query.region.toUpperCase() } : {}),
          visibleTeamIds: await visibleTeams(ctx, principal),
        },
        {
          limit: query.limit,
          ...(query.cursor ? { cursor: query.cursor } : {}),
          ...(seesPii(principal) ? {} : { previewText: maskedPreviewText }),
        },
      );
    },
  });

  api.add({
    method: 'post',
    path: '/incidents/:id/conversations',
    tag: 'incidents',
    role: 'agent',
    summary:
      'Links conversations you may see to the active incident by hand (one unlinked before too; one in another open incident moves here).',
    body: z.strictObject({
      conversationIds: z.array(z.uuid()).min(1, 'name at least one conversation').max(200, 'at most 200 conversations at once'),
    }),
    async handler({ principal, params, body }) {
      for (const id of body.conversationIds) await visibleConversation(ctx, principal, id);
      return ctx.incidents.link(principal.workspaceId, params.id as string, body.conversationIds, actorOf(principal));
    },
  });

  api.add({
    method: 'delete',
    path: '/incidents/:id/conversations/:conversationId',
    tag: 'incidents',
    role: 'agent',
    summary: 'Unlinks a conversation from the incident. Remembered: automatic linking never brings it back to this incident.',
    async handler({ principal, params }) {
      await visibleConversation(ctx, principal, params.conversationId as string);
      await ctx.incidents.unlink(principal.workspaceId, params.id as string, params.conversationId as string, actorOf(principal));
    },
  });

  api.add({
    method: 'put',
    path: '/incidents/:id/conversations/:conversationId/keep-open',
    tag: 'incidents',
    role: 'agent',
    summary: 'Keeps a linked conversation open when the incident is resolved (keepOpen: true), or lets it be resolved with it again.',
    body: z.strictObject({ keepOpen: z.boolean() }),
    async handler({ principal, params, body }) {
      await visibleConversation(ctx, principal, params.conversationId as string);
      await ctx.incidents.keepOpen(
        principal.workspaceId,
        params.id as string,
        params.conversationId as string,
        body.keepOpen,
        actorOf(principal),
      );
      return { conversationId: params.conversationId, keepOpen: body.keepOpen };
    },
  });

  api.add({
    method: 'get',
    path: '/incidents/:id/metrics',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'Linked contacts per 15 minutes (by when the customer wrote), time from declaration to the first update, contacts absorbed (resolved with no agent message), who answered first (broadcast or agent) and the cost recorded on the linked conversations.',
    async handler({ principal, params }) {
      return ctx.incidents.metrics(principal.workspaceId, params.id as string);
    },
  });

  api.add({
    method: 'get',
    path: '/incidents/:id/events',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'The incident’s own log, oldest first: proposed, evidence updated, declared or accepted, dismissed, changed, broadcasts, resolved.',
    query: z.object({
      after: z
        .string()
        .regex(/^\d{1,19}$/, 'after is the seq of the last event read')
        .optional(),
      limit: z.coerce.number().int().min(1).max(500).default(200),
    }),
    async handler({ principal, params, query }) {
      const items = await ctx.incidents.events(principal.workspaceId, params.id as string, {
        limit: query.limit,
        ...(query.after ? { afterSeq: query.after } : {}),
      });
      return { items, nextAfter: items.length === query.limit ? (items[items.length - 1]?.seq ?? null) : null };
    },
  });

  api.add({
    method: 'get',
    path: '/incident-settings',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'The workspace’s service labels (with the words that name each), the spike detector’s tuning and the linking tuning; a key left out takes its default.',
    async handler({ principal }) {
      return ctx.incidents.settings(principal.workspaceId);
    },
  });

  api.add({
    method: 'put',
    path: '/incident-settings',
    tag: 'incidents',
    role: 'admin',
    summary: 'Replaces the workspace’s incident settings: services, detector tuning and linking tuning.',
    body: settingsSchema,
    async handler({ principal, body }) {
      return ctx.incidents.saveSettings(principal.workspaceId, body, actorOf(principal));
    },
  });
}
