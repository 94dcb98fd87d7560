import { CentralitaError } from '@centralita/core';
import { countLiveConversations, type Principal, retryFailedMessage, teamIdsOf, toUser, visibleTo } from '@centralita/db';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { messageFor } from '../services/privacy-view.ts';
import { actorOf, visibleConversation, visibleTeams } from './access.ts';
import { setTagsAs } from './conversation-actions.ts';

const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_-][\p{L}\p{N} _-]{0,39}$/u, 'a tag is 1 to 40 letters, digits, spaces, _ or -');

/** What the console needs beyond conversations: live counts, tags, canned responses, signatures. */
export function registerConsoleRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'get',
    path: '/conversations/counts',
    tag: 'conversations',
    role: 'agent',
    summary:
      'Live conversations (open, pending, snoozed) the caller can see, by status: assigned to the caller, unassigned, in the caller’s teams, and all. Resolved ones are not counted.',
    async handler({ principal }) {
      const myTeams = principal.userId ? await teamIdsOf(db, principal.userId) : [];
      return countLiveConversations(db, principal.workspaceId, principal.userId, await visibleTeams(ctx, principal), myTeams);
    },
  });

  api.add({
    method: 'put',
    path: '/conversations/:id/tags',
    tag: 'conversations',
    role: 'agent',
    summary: 'Replaces the conversation’s tags (lower-cased, at most 20). Routing rules see them as conversation.tags.',
    body: z.object({ tags: z.array(tag).max(20) }),
    async handler({ principal, params, body }) {
      return { conversation: await setTagsAs(ctx, principal, params.id as string, body.tags) };
    },
  });

  api.add({
    method: 'get',
    path: '/canned-responses',
    tag: 'console',
    role: 'agent',
    summary:
      'The workspace’s canned responses, by shortcut. With q: those whose shortcut starts with it (a leading / is ignored) first, then those whose text contains it.',
    query: z.object({
      q: z.string().trim().max(100).optional().describe('What the agent typed after / in the composer, or words of the text'),
    }),
    async handler({ principal, query }) {
      const typed = query.q?.replace(/^\//, '').toLowerCase() ?? '';
      const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
      const items = await db
        .selectFrom('canned_responses')
        .select(['id', 'shortcut', 'text'])
        .where('workspace_id', '=', principal.workspaceId)
        .$if(typed !== '', (q) =>
          q.where((eb) => eb.or([eb('shortcut', 'like', `${like(typed)}%`), eb('text', 'ilike', `%${like(typed)}%`)])),
        )
        .$if(typed !== '', (q) => q.orderBy(sql`shortcut LIKE ${`${like(typed)}%`}`, 'desc'))
        .orderBy('shortcut')
        .execute();
      return { items };
    },
  });

  const shortcut = z.string().regex(/^[a-z0-9_-]{1,40}$/, 'shortcut is 1 to 40 lower-case letters, digits, _ or -');
  const cannedText = z.string().trim().min(1).max(5_000);
  const taken = async (workspaceId: string, name: string, except?: string) => {
    const row = await db
      .selectFrom('canned_responses')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('shortcut', '=', name)
      .$if(except !== undefined, (q) => q.where('id', '<>', except as string))
      .executeTakeFirst();
    if (row) throw new CentralitaError('conflict', `A canned response called /${name} exists already.`);
  };

  api.add({
    method: 'post',
    path: '/canned-responses',
    tag: 'console',
    role: 'supervisor',
    status: 201,
    summary: 'Adds a canned response; agents insert it by typing /shortcut in the composer.',
    body: z.object({ shortcut, text: cannedText }),
    async handler({ principal, body }) {
      await taken(principal.workspaceId, body.shortcut);
      const cannedResponse = await db
        .insertInto('canned_responses')
        .values({ workspace_id: principal.workspaceId, shortcut: body.shortcut, text: body.text, created_by: principal.userId })
        .returning(['id', 'shortcut', 'text'])
        .executeTakeFirstOrThrow();
      return { cannedResponse };
    },
  });

  api.add({
    method: 'patch',
    path: '/canned-responses/:id',
    tag: 'console',
    role: 'supervisor',
    summary: 'Changes a canned response’s shortcut or text; what the body leaves out keeps its value. Answers { cannedResponse }.',
    body: z.strictObject({ shortcut: shortcut.optional(), text: cannedText.optional() }),
    async handler({ principal, params, body }) {
      if (body.shortcut) await taken(principal.workspaceId, body.shortcut, params.id as string);
      const changes = { ...(body.shortcut ? { shortcut: body.shortcut } : {}), ...(body.text ? { text: body.text } : {}) };
      const cannedResponse =
        Object.keys(changes).length === 0
          ? await db
              .selectFrom('canned_responses')
              .select(['id', 'shortcut', 'text'])
              .where('workspace_id', '=', principal.workspaceId)
              .where('id', '=', params.id as string)
              .executeTakeFirst()
          : await db
              .updateTable('canned_responses')
              .set(changes)
              .where('workspace_id', '=', principal.workspaceId)
              .where('id', '=', params.id as string)
              .returning(['id', 'shortcut', 'text'])
              .executeTakeFirst();
      if (!cannedResponse) throw new CentralitaError('not_found', `No canned response ${params.id}.`);
      return { cannedResponse };
    },
  });

  api.add({
    method: 'delete',
    path: '/canned-responses/:id',
    tag: 'console',
    role: 'supervisor',
    status: 204,
    summary: 'Removes a canned response.',
    async handler({ principal, params }) {
      const gone = await db
        .deleteFrom('canned_responses')
        .where('workspace_id', '=', principal.workspaceId)
        .where('id', '=', params.id as string)
        .executeTakeFirst();
      if (gone.numDeletedRows === 0n) throw new CentralitaError('not_found', `No canned response ${params.id}.`);
      return undefined;
    },
  });

  api.add({
    method: 'patch',
    path: '/me',
    tag: 'console',
    role: 'agent',
    summary:
      'Changes the signed-in user’s own settings: the signature the composer adds to replies (null removes it). Answers { user } as GET /auth/me shows it.',
    body: z.object({ signature: z.string().max(1_000).nullable() }),
    async handler({ principal, body }) {
      if (!principal.userId) throw new CentralitaError('forbidden', 'API tokens have no personal settings.');
      const signature = body.signature?.trim() ? body.signature.trim() : null;
      const user = await db
        .updateTable('users')
        .set({ signature })
        .where('id', '=', principal.userId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { user: { ...toUser(user), signature: user.signature } };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/messages/:messageId/retry',
    tag: 'conversations',
    role: 'agent',
    summary: 'Sends a failed reply again; 409 unless the reply’s sending failed.',
    async handler({ principal, params }) {
      const conv = await visibleConversation(ctx, principal, params.id as string);
      const message = await retryFailedMessage(
        db,
        { workspaceId: principal.workspaceId, conversationId: conv.id, messageId: params.messageId as string },
        actorOf(principal),
      );
      ctx.commits.publish([{ kind: 'message', conversation: conv, message: message, created: false }]);
      return { message: messageFor(principal, message) };
    },
  });

  api.add({
    method: 'get',
    path: '/routing/queues',
    tag: 'routing',
    role: 'agent',
    summary:
      'Waiting conversations per team (null for no team): how many, the oldest wait, and how many are at risk (an SLA deadline within 15 minutes, or breached).',
    handler: async ({ principal }) => ({ items: await waitingByTeam(ctx, principal) }),
  });
}

/**
 * Waiting conversations per team the principal may see (null for no team): how many, since when
 * the oldest waits, and how many are at risk (an SLA deadline within 15 minutes, or breached).
 * Teams with nobody waiting have no row.
 */
export async function waitingByTeam(ctx: AppContext, principal: Principal) {
  const teams = await visibleTeams(ctx, principal);
  const soon = new Date(ctx.clock().getTime() + 15 * 60_000);
  const rows = await ctx.db.kysely
    .selectFrom('conversations')
    .select((eb) => [
      'team_id as teamId',
      eb.fn.countAll<string>().as('waiting'),
      eb.fn.min('waiting_since').as('oldestSince'),
      sql<string>`count(*) FILTER (WHERE sla_breached <> '{}' OR least(first_response_due_at, next_response_due_at) < ${soon})`.as(
        'atRisk',
      ),
    ])
    .where('workspace_id', '=', principal.workspaceId)
    .where('status', '=', 'open')
    .where('waiting_since', 'is not', null)
    .$if(teams !== null, (q) => q.where(visibleTo(teams ?? [])))
    .groupBy('team_id')
    .execute();
  return rows.map((r) => ({ teamId: r.teamId, waiting: Number(r.waiting), oldestSince: r.oldestSince, atRisk: Number(r.atRisk) }));
}
