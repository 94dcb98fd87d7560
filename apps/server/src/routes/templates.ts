import { CentralitaError } from '@centralita/core';
import { findChannelAccount } from '@centralita/db';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';

/** The approved message templates of an account, for the composer's template picker. */
export function registerTemplateRoutes(api: ApiRegistry, ctx: AppContext): void {
  api.add({
    method: 'get',
    path: '/channel-accounts/:id/templates',
    tag: 'channels',
    role: 'agent',
    summary:
      "The account's message templates as its provider lists them (WhatsApp's, from the Graph API), cached for five minutes unless " +
      '`refresh`: name, language, category, review status, the header, body and footer texts with their placeholders, and the ' +
      'parameters an agent fills (`body.1` for {{1}}). Only approved ones can be sent. 404 for a channel without templates.',
    query: z.object({ refresh: z.enum(['true', 'false']).default('false') }),
    async handler({ principal, params, query }) {
      const account = await findChannelAccount(ctx.db.kysely, params.id as string);
      if (!account || account.workspaceId !== principal.workspaceId) {
        throw new CentralitaError('not_found', `No channel account ${params.id as string} in this workspace.`);
      }
      const listed = await ctx.templates.list(account, { refresh: query.refresh === 'true' });
      return { channelAccountId: account.id, fetchedAt: listed.fetchedAt.toISOString(), templates: listed.templates };
    },
  });
}
