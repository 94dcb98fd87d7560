import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { actorOf } from './access.ts';

const text = z.string().trim().min(1, 'required').max(4_000);

/** What a status update says and how it goes (docs/incidents.md, "Broadcasts"). */
const broadcastInput = z.strictObject({
  text: text.describe('The update; {name}, {ref} and {status} are filled per recipient'),
  variants: z
    .array(text)
    .max(20, 'at most 20 variants')
    .optional()
    .describe('More wordings: each conversation gets one of text and variants, always the same one'),
  whatsappTemplate: z
    .strictObject({
      name: z.string().min(1).max(512),
      language: z.string().min(2).max(20),
      parameters: z.record(z.string().max(100), z.string().max(1_024)).default({}),
    })
    .nullable()
    .optional()
    .describe('The approved template sent where the 24-hour window is closed; without one those conversations are skipped'),
  publicPost: z
    .strictObject({ channelAccountId: z.uuid(), text: z.string().trim().min(1).max(280).optional() })
    .nullable()
    .optional()
    .describe('Not supported yet: the X channel sends replies and DMs only'),
  rates: z
    .record(z.uuid(), z.number().int().min(1).max(1_000_000))
    .optional()
    .describe('Messages a minute per channel account, over the defaults (X 6 public and 1 DM, WhatsApp 4,800, email 60)'),
});

/** An incident's status updates: estimate, send, follow, cancel. Supervisors and admins only. */
export function registerBroadcastRoutes(api: ApiRegistry, ctx: AppContext): void {
  api.add({
    method: 'post',
    path: '/incidents/:id/broadcasts/estimate',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'What an update would do, without sending it: recipients per channel account and visibility (with how many get the WhatsApp template), the cost from the usage ledger’s prices, the pace and minutes per channel, who is skipped and why, and warnings (a spent budget, public posts answered by DM).',
    body: broadcastInput,
    async handler({ principal, params, body }) {
      return ctx.broadcasts.estimate(principal.workspaceId, params.id as string, body);
    },
  });

  api.add({
    method: 'post',
    path: '/incidents/:id/broadcasts',
    tag: 'incidents',
    role: 'supervisor',
    status: 202,
    summary:
      'Sends a status update to every conversation linked to the active incident, each on its own channel (a public reply where the tier allows it, else a DM; a DM, an email, the WhatsApp template when the window is closed) through the outbox, the most urgent first at each channel’s pace. Answers at once; follow GET /broadcasts/:id or the broadcast.progress event.',
    body: broadcastInput,
    async handler({ principal, params, body }) {
      const broadcast = await ctx.broadcasts.start(
        principal.workspaceId,
        params.id as string,
        { ...body, kind: 'update' },
        actorOf(principal),
      );
      return { broadcast };
    },
  });

  api.add({
    method: 'get',
    path: '/incidents/:id/broadcasts',
    tag: 'incidents',
    role: 'supervisor',
    summary: 'The incident’s updates, newest first, each with its progress.',
    async handler({ principal, params }) {
      return { items: await ctx.broadcasts.list(principal.workspaceId, params.id as string) };
    },
  });

  api.add({
    method: 'get',
    path: '/broadcasts/:id',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'One update’s progress: totals (every recipient in exactly one of pending, queued, sent, delivered, failed, skipped), the same per channel account, the first 100 failures with the channel’s reason, and the skipped by reason.',
    async handler({ principal, params }) {
      return { broadcast: await ctx.broadcasts.progress(principal.workspaceId, params.id as string) };
    },
  });

  api.add({
    method: 'post',
    path: '/broadcasts/:id/cancel',
    tag: 'incidents',
    role: 'supervisor',
    summary:
      'Stops an update: recipients not reached yet are skipped and its queued messages fail with “Cancelled by <name>”; a message a channel is sending at that moment still arrives.',
    async handler({ principal, params }) {
      const broadcast = await ctx.broadcasts.cancel(principal.workspaceId, params.id as string, actorOf(principal), principal.name);
      return { broadcast };
    },
  });
}
