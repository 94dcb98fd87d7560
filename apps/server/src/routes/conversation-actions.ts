import { CentralitaError, type Conversation, type StatusAction } from '@centralita/core';
import { appendEvent, type Principal } from '@centralita/db';
import type { AppContext } from '../context.ts';
import { conversationChanged } from '../pipeline/commits.ts';
import type { Inbox } from '../services/inbox.ts';
import { actorOf, visibleConversation } from './access.ts';

// The single-conversation actions as the caller may take them, shared by their own routes and by
// POST /conversations/bulk, so both check the same rules and record the same events.

/** Assigns by hand as `principal` may: agents take an unassigned one or pass on their own. */
export async function assignAs(
  ctx: AppContext,
  principal: Principal,
  id: string,
  to: { agentId: string | null; teamId?: string | null | undefined },
): Promise<Conversation> {
  const conv = await visibleConversation(ctx, principal, id);
  if (principal.role === 'agent') {
    const takes = to.agentId === principal.userId && (conv.assigneeId === null || conv.assigneeId === principal.userId);
    const passesOwn = conv.assigneeId === principal.userId;
    if (!takes && !passesOwn) {
      throw new CentralitaError(
        'forbidden',
        'Agents may take an unassigned conversation or pass on their own; ask a supervisor to move others.',
      );
    }
  }
  const target = { agentId: to.agentId, ...(to.teamId !== undefined ? { teamId: to.teamId } : {}) };
  const previous = conv.assigneeId ?? conv.routing.offeredTo;
  return ctx.routing.assign(principal.workspaceId, conv.id, target, actorOf(principal), previous);
}

/** Replaces the tags (deduplicated, sorted), records conversation.tagged and tells the consoles. */
export async function setTagsAs(
  ctx: AppContext,
  principal: Principal,
  id: string,
  tags: string[] | ((current: string[]) => string[]),
): Promise<Conversation> {
  const conv = await visibleConversation(ctx, principal, id);
  const next = [...new Set(typeof tags === 'function' ? tags(conv.tags) : tags)].sort();
  if (next.length > 20)
    throw new CentralitaError('validation_failed', `A conversation takes at most 20 tags; ${conv.id} would have ${next.length}.`);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable('conversations').set({ tags: next }).where('id', '=', conv.id).execute();
    await appendEvent(trx, {
      workspaceId: conv.workspaceId,
      conversationId: conv.id,
      type: 'conversation.tagged',
      actor: actorOf(principal),
      data: { from: conv.tags, to: next },
    });
  });
  const updated = { ...conv, tags: next };
  ctx.commits.publish(conversationChanged(updated, 'agent'));
  return updated;
}

/** Applies a status action to a conversation the caller may see. */
export async function setStatusAs(
  inbox: Inbox,
  ctx: AppContext,
  principal: Principal,
  id: string,
  action: StatusAction,
): Promise<Conversation> {
  await visibleConversation(ctx, principal, id);
  return inbox.setStatus(principal.workspaceId, id, action, actorOf(principal));
}
