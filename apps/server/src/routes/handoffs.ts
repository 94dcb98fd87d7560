import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import type { Handoffs } from '../services/handoff.ts';
import { actorOf, visibleConversation } from './access.ts';

/** Moving a conversation to another channel (docs/handoff.md). */
export function registerHandoffRoutes(api: ApiRegistry, ctx: AppContext, handoffs: Handoffs): void {
  api.add({
    method: 'get',
    path: '/conversations/:id/handoff-options',
    tag: 'conversations',
    role: 'agent',
    summary:
      'Where the conversation can be handed off to: each active web-form, email, X and WhatsApp account, how the customer would be taken there (a link, a first mail, a DM, a link to open a DM, a wa.me link) and, when it cannot, why.',
    async handler({ principal, params }) {
      await visibleConversation(ctx, principal, params.id as string);
      return { items: await handoffs.options(principal.workspaceId, params.id as string) };
    },
  });

  api.add({
    method: 'get',
    path: '/conversations/:id/handoffs',
    tag: 'conversations',
    role: 'agent',
    summary: 'The handoffs sent on the conversation, oldest first, with whether the customer came (joined) or the link expired.',
    async handler({ principal, params }) {
      await visibleConversation(ctx, principal, params.id as string);
      return { items: await handoffs.list(principal.workspaceId, params.id as string) };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/handoffs',
    tag: 'conversations',
    role: 'agent',
    status: 201,
    summary:
      'Hands the conversation off to another channel: sends the customer, on the channel they wrote on last, the way there (or the first mail or DM itself). The conversation keeps its assignee, SLA clock and queue position; the customer’s first message on the new channel joins it.',
    body: z.strictObject({
      target: z.enum(['web', 'email', 'x_dm', 'whatsapp']),
      channelAccountId: z.uuid(),
      address: z
        .string()
        .trim()
        .max(320)
        .optional()
        .describe('For email: the address to write to, when the contact has none or another one'),
      note: z.string().trim().max(1_000).optional().describe('A sentence of the agent’s own added to the first mail or DM'),
    }),
    async handler({ principal, params, body }) {
      await visibleConversation(ctx, principal, params.id as string);
      return { handoff: await handoffs.create(principal.workspaceId, params.id as string, body, actorOf(principal)) };
    },
  });
}
