import { CentralitaError } from '@centralita/core';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import type { Inbox } from '../services/inbox.ts';
import { assignAs, setStatusAs, setTagsAs } from './conversation-actions.ts';

/** The most conversations one bulk request may name: a page of the inbox at its largest. */
export const BULK_MAX = 200;

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_-][\p{L}\p{N} _-]{0,39}$/u, 'a tag is 1 to 40 letters, digits, spaces, _ or -');

const ids = z.array(z.uuid()).min(1, 'name at least one conversation').max(BULK_MAX, `at most ${BULK_MAX} conversations at once`);

const body = z.discriminatedUnion('action', [
  z.strictObject({ ids, action: z.literal('assign'), agentId: z.uuid().nullable(), teamId: z.uuid().nullable().optional() }),
  z.strictObject({ ids, action: z.literal('tag'), add: z.array(tag).max(20).default([]), remove: z.array(tag).max(20).default([]) }),
  z.strictObject({ ids, action: z.literal('resolve') }),
  z.strictObject({ ids, action: z.literal('snooze'), until: z.iso.datetime({ offset: true }) }),
]);

const result = z.object({
  id: z.uuid(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** One action over many conversations, each through its single-conversation path. */
export function registerBulkRoutes(api: ApiRegistry, ctx: AppContext, inbox: Inbox): void {
  api.add({
    method: 'post',
    path: '/conversations/bulk',
    tag: 'conversations',
    role: 'agent',
    summary: `Assigns, tags (add and remove), resolves or snoozes up to ${BULK_MAX} conversations, each as its own action would, with the same role and access checks. Answers one result per id, in order; one refusal does not stop the rest.`,
    body,
    response: z.object({ results: z.array(result) }),
    async handler({ principal, body }) {
      const results: z.infer<typeof result>[] = [];
      // One at a time, each in its own transaction, as separate clicks would be: rules, events and
      // live updates stay exactly those of the single action, and one lock is held at a time.
      for (const id of [...new Set(body.ids)]) {
        try {
          if (body.action === 'assign') {
            await assignAs(ctx, principal, id, { agentId: body.agentId, teamId: body.teamId });
          } else if (body.action === 'tag') {
            const { add, remove } = body;
            await setTagsAs(ctx, principal, id, (current) => [...current.filter((t) => !remove.includes(t)), ...add]);
          } else if (body.action === 'resolve') {
            await setStatusAs(inbox, ctx, principal, id, { type: 'resolve' });
          } else {
            await setStatusAs(inbox, ctx, principal, id, { type: 'snooze', until: new Date(body.until) });
          }
          results.push({ id, ok: true });
        } catch (e) {
          if (!(e instanceof CentralitaError)) {
            ctx.logger.error({ err: e, conversationId: id, action: body.action }, 'bulk action failed on one conversation');
          }
          const error =
            e instanceof CentralitaError
              ? { code: e.code, message: e.message }
              : { code: 'internal', message: 'Something went wrong with this conversation; it was left as it was.' };
          results.push({ id, ok: false, error });
        }
      }
      return { results };
    },
  });
}
