import { type Actor, CentralitaError, type Conversation } from '@centralita/core';
import { appendEvent, type Database, lockConversation, toConversation } from '@centralita/db';
import type { AgentStatus } from '@centralita/routing';
import type { Kysely } from 'kysely';
import { assertTeamInWorkspace } from './config-store.ts';

/** An agent answers an offer: accepting assigns it, rejecting passes it to the next agent. */
export async function answerOffer(
  db: Kysely<Database>,
  workspaceId: string,
  conversationId: string,
  agentId: string,
  accept: boolean,
  now: Date,
): Promise<Conversation> {
  return db.transaction().execute(async (trx) => {
    const row = await lockConversation(trx, workspaceId, conversationId);
    if (row.status !== 'open' || row.offered_to !== agentId || !row.offer_expires_at || row.offer_expires_at <= now) {
      throw new CentralitaError('conflict', 'This conversation is not on offer to you (the offer was taken back, expired or answered).');
    }
    const updated = await trx
      .updateTable('conversations')
      .set(
        accept
          ? { assignee_id: agentId, offered_to: null, offer_expires_at: null, assigned_at: now, declined_by: [] }
          : { offered_to: null, offer_expires_at: null, routed_at: null, declined_by: [...row.declined_by, agentId] },
      )
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const actor: Actor = { type: 'user', id: agentId };
    await appendEvent(trx, {
      workspaceId,
      conversationId,
      type: accept ? 'conversation.assigned' : 'conversation.offer_declined',
      actor,
      data: accept ? { agentId, by: 'offer' } : { agentId, reason: 'rejected' },
    });
    return toConversation(updated);
  });
}

/**
 * Assigns or transfers by hand: to an agent (within a team, if given), or to a team's queue
 * (agent null), where routing keeps it in that team. Manual assignment may exceed capacity: a
 * supervisor's decision overrides the numbers, and the load shows it.
 */
export async function assignManually(
  db: Kysely<Database>,
  workspaceId: string,
  conversationId: string,
  to: { agentId: string | null; teamId?: string | null },
  actor: Actor,
  now: Date,
): Promise<Conversation> {
  return db.transaction().execute(async (trx) => {
    const row = await lockConversation(trx, workspaceId, conversationId);
    if (to.agentId) {
      const user = await trx
        .selectFrom('users')
        .select(['id', 'active'])
        .where('id', '=', to.agentId)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (!user?.active)
        throw new CentralitaError('validation_failed', 'No active user with that id in this workspace.', { field: 'agentId' });
    }
    if (to.teamId) await assertTeamInWorkspace(trx, workspaceId, to.teamId);
    const teamChange = to.teamId !== undefined && to.teamId !== row.team_id;
    const updated = await trx
      .updateTable('conversations')
      .set({
        assignee_id: to.agentId,
        assigned_at: to.agentId ? now : null,
        offered_to: null,
        offer_expires_at: null,
        declined_by: [],
        // A conversation already waiting keeps its place and escalation clock; a new wait starts now.
        ...(to.agentId ? {} : { waiting_since: row.waiting_since ?? now, routed_at: null }),
        ...(to.teamId !== undefined ? { team_id: to.teamId, team_pinned: to.teamId !== null } : {}),
      })
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const transfer = teamChange || (row.assignee_id !== null && row.assignee_id !== to.agentId);
    await appendEvent(trx, {
      workspaceId,
      conversationId,
      type: transfer ? 'conversation.transferred' : to.agentId ? 'conversation.assigned' : 'conversation.unassigned',
      actor,
      data: transfer
        ? { fromAgent: row.assignee_id, toAgent: to.agentId, fromTeam: row.team_id, toTeam: updated.team_id }
        : to.agentId
          ? { agentId: to.agentId, by: 'manual' }
          : { agentId: row.assignee_id, reason: 'manual' },
    });
    return toConversation(updated);
  });
}

/** Sets an agent's status, creating their routing profile on first use. */
export async function setAgentStatus(
  db: Kysely<Database>,
  workspaceId: string,
  userId: string,
  status: AgentStatus,
  now: Date,
): Promise<void> {
  await db
    .insertInto('agent_profiles')
    .values({ user_id: userId, workspace_id: workspaceId, status, status_changed_at: now, skills: '{}', capacity_channels: '{}' })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ status, status_changed_at: now, updated_at: now }))
    .execute();
}

/**
 * Marks a conversation's priority by hand (or clears the mark with null): routing never goes
 * below it, and rules see it as conversation.priority. The queue reorders at the next run.
 */
export async function setRequestedPriority(
  db: Kysely<Database>,
  workspaceId: string,
  conversationId: string,
  priority: number | null,
  actor: Actor,
): Promise<Conversation> {
  return db.transaction().execute(async (trx) => {
    const row = await lockConversation(trx, workspaceId, conversationId);
    const updated = await trx
      .updateTable('conversations')
      .set({
        requested_priority: priority,
        ...(priority !== null ? { priority: Math.max(row.priority, priority) } : {}),
        // Moved to the front of its rank at once; the next decision sets the exact key.
        routed_at: null,
      })
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvent(trx, {
      workspaceId,
      conversationId,
      type: 'conversation.priority_set',
      actor,
      data: { from: row.requested_priority, to: priority },
    });
    return toConversation(updated);
  });
}
