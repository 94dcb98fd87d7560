import { type Actor, CentralitaError } from '@centralita/core';
import { getConversation, type Principal, teamIdsOf } from '@centralita/db';
import type { AppContext } from '../context.ts';

/** Teams whose conversations an agent may see (plus unteamed ones); null means all. */
export async function visibleTeams(ctx: AppContext, p: Principal): Promise<string[] | null> {
  if (p.role !== 'agent') return null;
  return p.userId ? teamIdsOf(ctx.db.kysely, p.userId) : [];
}

/** The conversation if the caller may see it, else `not_found` (no hint that it exists). */
export async function visibleConversation(ctx: AppContext, p: Principal, id: string) {
  const conv = await getConversation(ctx.db.kysely, p.workspaceId, id);
  const teams = await visibleTeams(ctx, p);
  // The agent it is assigned or offered to may see it even outside their teams.
  const theirs = p.userId !== null && (conv.assigneeId === p.userId || conv.routing.offeredTo === p.userId);
  if (teams && conv.teamId && !teams.includes(conv.teamId) && !theirs) {
    throw new CentralitaError('not_found', `No conversation ${id} in this workspace.`);
  }
  return conv;
}

/** Who did it, for the event log: the signed-in user, or the API token. */
export function actorOf(p: Principal): Actor {
  return p.kind === 'session' ? { type: 'user', id: p.userId } : { type: 'api_token', id: p.id };
}
