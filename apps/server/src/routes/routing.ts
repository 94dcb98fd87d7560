import { CentralitaError } from '@centralita/core';
import {
  discardDraft,
  getDraft,
  getPublished,
  getVersion,
  listVersions,
  type PreviewRules,
  previewDecision,
  publish,
  saveDraft,
  validateRuleSet,
} from '@centralita/dispatcher';
import { VOCABULARY } from '@centralita/routing';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { maskEventData, seesPii } from '../services/privacy-view.ts';
import { actorOf, visibleConversation } from './access.ts';
import { assignAs } from './conversation-actions.ts';

/** A rule-set document: checked in full by the validator, which names the rule and field. */
const document = z.record(z.string(), z.unknown()).describe('A rule set: { rules: [...], fallback?, agingMinutes? } (see docs/routing.md)');

const described = z.strictObject({
  channel: z.string().min(1).max(40),
  public: z.boolean().optional(),
  language: z.string().max(10).nullable().optional(),
  country: z.string().max(10).nullable().optional(),
  region: z.string().max(40).nullable().optional(),
  timezone: z.string().max(100).nullable().optional(),
  text: z.string().max(10_000).optional(),
  subject: z.string().max(500).nullable().optional(),
  tags: z.array(z.string().max(100)).max(50).optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  followers: z.number().int().min(0).optional(),
  verified: z.boolean().optional(),
  incident: z.boolean().optional(),
  incidentServices: z.array(z.string().max(40)).max(50).optional().describe('With incident: what incident.services holds'),
  incidentRegions: z.array(z.string().max(10)).max(100).optional().describe('With incident: what incident.regions holds'),
  incidentTitle: z.string().max(200).optional(),
  proactive: z.boolean().optional(),
  teamId: z.uuid().nullable().optional(),
  waitingMinutes: z
    .number()
    .min(0)
    .max(60 * 24 * 30)
    .optional(),
});

/** Rule sets (draft, validate, publish, roll back), previews, manual assignment and offers. */
export function registerRoutingRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'get',
    path: '/routing/rules',
    tag: 'routing',
    role: 'agent',
    summary: 'The published rule set and the draft (with its problems, if any).',
    handler: async ({ principal }) => ({
      published: await getPublished(db, principal.workspaceId),
      draft: await getDraft(db, principal.workspaceId),
    }),
  });

  api.add({
    method: 'get',
    path: '/routing/vocabulary',
    tag: 'routing',
    role: 'agent',
    summary: 'The fields and types rule conditions and filters may use, for editors.',
    handler: async () => ({ variables: VOCABULARY, functions: ['string.containsAny(list<string>)', 'string.between(from, to)'] }),
  });

  api.add({
    method: 'put',
    path: '/routing/rules/draft',
    tag: 'routing',
    role: 'supervisor',
    summary: 'Saves the draft (even with problems, which come back in `issues`); the published set keeps running.',
    body: z.strictObject({ document }),
    handler: async ({ principal, body }) => ({ draft: await saveDraft(db, principal.workspaceId, body.document, principal.userId) }),
  });

  api.add({
    method: 'delete',
    path: '/routing/rules/draft',
    tag: 'routing',
    role: 'supervisor',
    summary: 'Discards the draft.',
    async handler({ principal }) {
      if (!(await discardDraft(db, principal.workspaceId))) throw new CentralitaError('not_found', 'There is no draft.');
    },
  });

  api.add({
    method: 'post',
    path: '/routing/rules/validate',
    tag: 'routing',
    role: 'agent',
    summary: 'Checks a rule set without saving it: unknown fields, type errors, unknown teams, rules that can never match.',
    body: z.strictObject({ document }),
    async handler({ principal, body }) {
      const out = await validateRuleSet(db, principal.workspaceId, body.document);
      return { valid: out.ok, issues: out.ok ? out.warnings : out.issues };
    },
  });

  api.add({
    method: 'post',
    path: '/routing/rules/publish',
    tag: 'routing',
    role: 'supervisor',
    status: 201,
    summary:
      'Publishes the draft as a new version, answered as { version } like GET /routing/rules/versions/:version. A set with problems is refused (422, each problem named) and the current version keeps running.',
    body: z.strictObject({ note: z.string().max(500).optional() }),
    async handler({ principal, body }) {
      const version = await publish(db, principal.workspaceId, { draft: true }, principal.userId, body.note ?? null);
      ctx.routing.kickEverywhere(principal.workspaceId);
      return { version };
    },
  });

  api.add({
    method: 'get',
    path: '/routing/rules/versions',
    tag: 'routing',
    role: 'agent',
    summary: 'Every published version, newest first.',
    handler: async ({ principal }) => ({ items: await listVersions(db, principal.workspaceId) }),
  });

  api.add({
    method: 'get',
    path: '/routing/rules/versions/:version',
    tag: 'routing',
    role: 'agent',
    summary: 'One published version with its document.',
    async handler({ principal, params }) {
      const v = await getVersion(db, principal.workspaceId, versionOf(params.version));
      if (!v) throw new CentralitaError('not_found', `There is no version ${params.version}.`);
      return { version: v };
    },
  });

  api.add({
    method: 'post',
    path: '/routing/rules/versions/:version/publish',
    tag: 'routing',
    role: 'supervisor',
    status: 201,
    summary: 'Rolls back: publishes an earlier version again, as a new version (answered as { version }).',
    async handler({ principal, params }) {
      const version = await publish(db, principal.workspaceId, { version: versionOf(params.version) }, principal.userId, null);
      ctx.routing.kickEverywhere(principal.workspaceId);
      return { version };
    },
  });

  api.add({
    method: 'post',
    path: '/routing/preview',
    tag: 'routing',
    role: 'agent',
    summary: 'Who would get this conversation, and why: runs the routing decision without changing anything.',
    body: z
      .strictObject({
        conversationId: z.uuid().optional(),
        conversation: described.optional(),
        rules: z
          .union([z.enum(['published', 'draft']), z.strictObject({ version: z.number().int().min(1) }), z.strictObject({ document })])
          .default('published'),
        at: z.iso.datetime({ offset: true }).optional().describe('Decide as of this instant (default now)'),
      })
      .refine(
        (b) => (b.conversationId === undefined) !== (b.conversation === undefined),
        'give exactly one of conversationId and conversation',
      ),
    async handler({ principal, body }) {
      if (body.conversationId) await visibleConversation(ctx, principal, body.conversationId);
      const rules: PreviewRules =
        body.rules === 'published' ? { published: true } : body.rules === 'draft' ? { draft: true } : (body.rules as PreviewRules);
      const input = body.conversationId
        ? { conversationId: body.conversationId }
        : { conversation: body.conversation as z.infer<typeof described> };
      const at = body.at ? new Date(body.at) : ctx.clock();
      const { decision, conversation, ruleSource } = await previewDecision(db, principal.workspaceId, input, rules, at);
      // The customer's latest text is a read path like any other: masked for readers without pii.view.
      const scan = seesPii(principal) ? null : await ctx.privacy.scannerFor(principal.workspaceId);
      return {
        rules: ruleSource,
        at: at.toISOString(),
        conversation: scan ? maskEventData(conversation, scan) : conversation,
        agentId: decision.agentId,
        agentName: decision.explanation.outcome.kind === 'assign' ? decision.explanation.outcome.agentName : null,
        teamId: decision.teamId,
        teamName: decision.explanation.team?.teamName ?? null,
        priority: decision.priority,
        nextEscalationAt: decision.nextEscalationAt,
        explanation: decision.explanation,
      };
    },
  });

  api.add({
    method: 'post',
    path: '/routing/run',
    tag: 'routing',
    role: 'supervisor',
    summary: 'Runs what is due now (expired offers, unavailable agents, SLA breaches) and routes the queue.',
    async handler({ principal }) {
      const swept = await ctx.routing.sweep(principal.workspaceId);
      return { swept, routed: await ctx.routing.route(principal.workspaceId) };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/assign',
    tag: 'conversations',
    role: 'agent',
    summary:
      'Assigns or transfers by hand: to an agent (agentId), to a team’s queue (teamId, agentId null) or both. Agents may take a conversation or pass on their own; supervisors may move any.',
    body: z.strictObject({ agentId: z.uuid().nullable(), teamId: z.uuid().nullable().optional() }),
    async handler({ principal, params, body }) {
      return { conversation: await assignAs(ctx, principal, params.id as string, body) };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/priority',
    tag: 'conversations',
    role: 'agent',
    summary: 'Marks the priority by hand (null clears it): routing never goes below it and rules see it as conversation.priority.',
    body: z.strictObject({ priority: z.number().int().min(-1000).max(1000).nullable() }),
    async handler({ principal, params, body }) {
      const conv = await visibleConversation(ctx, principal, params.id as string);
      return { conversation: await ctx.routing.setPriority(principal.workspaceId, conv.id, body.priority, actorOf(principal)) };
    },
  });

  for (const answer of ['accept', 'reject'] as const) {
    api.add({
      method: 'post',
      path: `/conversations/:id/offer/${answer}`,
      tag: 'conversations',
      role: 'agent',
      summary:
        answer === 'accept'
          ? 'Accepts the conversation offered to you.'
          : 'Passes on the conversation offered to you; it goes to the next agent.',
      async handler({ principal, params }) {
        if (!principal.userId) throw new CentralitaError('forbidden', 'Offers are made to agents, not API tokens.');
        const conv = await ctx.routing.answerOffer(principal.workspaceId, params.id as string, principal.userId, answer === 'accept');
        return { conversation: conv };
      },
    });
  }
}

function versionOf(raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CentralitaError('bad_request', 'A version is a whole number from 1.');
  return n;
}
