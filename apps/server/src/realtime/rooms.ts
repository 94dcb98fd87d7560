import type { Conversation, Permission, Role } from '@centralita/core';

/**
 * Socket rooms. A conversation with a team goes to that team and to supervisors; one without a
 * team goes to everyone in the workspace; its assignee (or the agent it is offered to) always gets
 * it. Nothing crosses workspaces.
 */
export const rooms = {
  everything: (workspaceId: string) => `ws:${workspaceId}:all`,
  unteamed: (workspaceId: string) => `ws:${workspaceId}:unteamed`,
  team: (teamId: string) => `team:${teamId}`,
  user: (userId: string) => `user:${userId}`,
  portal: (conversationId: string) => `portal:${conversationId}`,
  /** Consoles with this conversation open (presence). */
  viewing: (conversationId: string) => `viewing:${conversationId}`,
  /** Every socket opened with one session or API token, so ending it can close them. */
  credential: (kind: 'session' | 'api_token', id: string) => `cred:${kind}:${id}`,
};

/**
 * The masked twin of an audience room. Sockets whose principal lacks `pii.view` join only the
 * twins of the audience rooms, never the rooms themselves, so a message's raw text (sent to the
 * rooms) cannot reach them; its masked copy goes to the twins. Whatever else goes to an audience
 * room (agent status, account notices, disconnects) goes to both.
 */
export function masked(room: string): string {
  return `${room}:masked`;
}

/** Each room and its masked twin: for what every reader hears alike. */
export function withTwins(list: readonly string[]): string[] {
  return list.flatMap((r) => [r, masked(r)]);
}

/** Rooms a socket joins for its principal. */
export function roomsFor(
  p: {
    kind: 'session' | 'api_token';
    id: string;
    workspaceId: string;
    userId: string | null;
    role: Role;
    permissions: readonly Permission[];
  },
  teamIds: string[],
): string[] {
  const audience = [rooms.unteamed(p.workspaceId)];
  if (p.role !== 'agent') audience.push(rooms.everything(p.workspaceId));
  if (p.userId) audience.push(rooms.user(p.userId));
  for (const t of teamIds) audience.push(rooms.team(t));
  const raw = p.permissions.includes('pii.view');
  return [...(raw ? audience : audience.map(masked)), rooms.credential(p.kind, p.id)];
}

/** Rooms that should hear about a conversation. */
export function roomsOf(
  c: Pick<Conversation, 'workspaceId' | 'teamId' | 'assigneeId'> & { routing?: { offeredTo: string | null } },
): string[] {
  const list = c.teamId ? [rooms.team(c.teamId), rooms.everything(c.workspaceId)] : [rooms.unteamed(c.workspaceId)];
  if (c.assigneeId) list.push(rooms.user(c.assigneeId));
  // An agent offered a conversation outside their teams still hears about it.
  if (c.routing?.offeredTo) list.push(rooms.user(c.routing.offeredTo));
  return list;
}
