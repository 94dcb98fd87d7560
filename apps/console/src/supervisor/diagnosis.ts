import type { Agent } from '../api/types.ts';
import { shiftToday } from './shift.ts';

/** Why a queue is not moving, as the agents' own figures tell it; null when they do not explain it. */
export type Stuck = 'noMembers' | 'noneOnline' | 'noneOnShift' | 'allAtCapacity';

/**
 * Routing checks status, then shift, then capacity (docs/routing.md, "How an agent is checked"),
 * so the first check every agent of the team fails is the one that holds the queue.
 */
export function whyStuck(teamId: string | null, agents: Agent[], at: Date): Stuck | null {
  const members = agents.filter((a) => a.routable && (teamId === null || a.teamIds.includes(teamId)));
  if (members.length === 0) return 'noMembers';
  const online = members.filter((a) => a.status === 'online');
  if (online.length === 0) return 'noneOnline';
  const onShift = online.filter((a) => shiftToday(a, at).on);
  if (onShift.length === 0) return 'noneOnShift';
  if (onShift.every((a) => a.load.total >= a.capacity.total)) return 'allAtCapacity';
  return null;
}

/** Routable agents of a team (every routable agent for no team) who are online now. */
export function onlineIn(teamId: string | null, agents: Agent[]): number {
  return agents.filter((a) => a.routable && a.status === 'online' && (teamId === null || a.teamIds.includes(teamId))).length;
}
