import { CompiledSchedule, type Schedule } from './schedule.ts';
import type { RoutingAgent, RoutingConversation } from './types.ts';

/** Builders for tests and benchmarks: sensible defaults, override what the case is about. */
export function agent(id: string, over: Partial<Omit<RoutingAgent, 'schedule'>> & { schedule?: Schedule | null } = {}): RoutingAgent {
  const { schedule, ...rest } = over;
  return {
    id,
    status: 'online',
    teamIds: [],
    skills: {},
    languages: ['en'],
    regions: [],
    timezone: 'UTC',
    capacity: { total: 10, channels: {} },
    load: { total: 0, channels: {} },
    lastAssignedAt: null,
    ...rest,
    schedule: schedule ? new CompiledSchedule(schedule) : null,
  };
}

export function conversation(over: Partial<RoutingConversation> = {}): RoutingConversation {
  const at = over.waitingSince ?? new Date('2026-03-02T09:00:00Z');
  return {
    id: 'c1',
    channel: 'webform',
    public: false,
    language: null,
    country: null,
    region: null,
    timezone: 'UTC',
    text: '',
    subject: null,
    tags: [],
    priority: 0,
    followers: 0,
    verified: false,
    incidentId: null,
    incident: null,
    proactive: false,
    teamId: null,
    waitingSince: at,
    createdAt: at,
    declinedBy: [],
    ...over,
  };
}
