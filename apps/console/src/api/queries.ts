import { queryOptions } from '@tanstack/react-query';
import { client, data } from './client.ts';
import type { Agent, ChannelKind, Me, Team } from './types.ts';

/**
 * Query keys, in one place so the live events (live/live.tsx) update exactly what the screens
 * read. A key's first part names the resource; lists add their filters.
 */
export const keys = {
  me: ['me'] as const,
  agents: ['agents'] as const,
  agent: (id: string) => ['agents', id] as const,
  teams: ['teams'] as const,
  channelKinds: ['channel-kinds'] as const,
  channelAccounts: ['channel-accounts'] as const,
  counts: ['conversations', 'counts'] as const,
  conversations: ['conversations'] as const,
  conversationList: (filters: object) => ['conversations', 'list', filters] as const,
  conversation: (id: string) => ['conversation', id] as const,
  messages: (id: string) => ['conversation', id, 'messages'] as const,
  replyOptions: (id: string) => ['conversation', id, 'reply-options'] as const,
  /** The options for one account the agent picked (or the customer's latest, `latest`). */
  replyOptionsOn: (id: string, accountId: string | null) => ['conversation', id, 'reply-options', accountId ?? 'latest'] as const,
  handoffs: (id: string) => ['conversation', id, 'handoffs'] as const,
  handoffOptions: (id: string) => ['conversation', id, 'handoff-options'] as const,
  cost: (id: string) => ['conversation', id, 'cost'] as const,
  contact: (id: string) => ['contact', id] as const,
  mergeSuggestions: (contactId: string) => ['contact', contactId, 'merge-suggestions'] as const,
  merges: (contactId: string) => ['contact', contactId, 'merges'] as const,
  queues: ['routing', 'queues'] as const,
  rules: ['routing', 'rules'] as const,
  ruleVersions: ['routing', 'rules', 'versions'] as const,
  vocabulary: ['routing', 'vocabulary'] as const,
  cannedResponses: ['canned-responses'] as const,
  usage: (accountId: string, month: string) => ['channel-accounts', accountId, 'usage', month] as const,
  searches: (accountId: string) => ['channel-accounts', accountId, 'searches'] as const,
  templates: (accountId: string) => ['channel-accounts', accountId, 'templates'] as const,
};

export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: () => data<Me>(client.GET('/api/v1/auth/me')),
  staleTime: 60_000,
  retry: false,
});

export const agentsQuery = queryOptions({
  queryKey: keys.agents,
  queryFn: async () => (await data<{ items: Agent[] }>(client.GET('/api/v1/agents'))).items,
  staleTime: 30_000,
});

export const teamsQuery = queryOptions({
  queryKey: keys.teams,
  queryFn: async () => (await data<{ items: Team[] }>(client.GET('/api/v1/teams'))).items,
  staleTime: 60_000,
});

/** Installed channels with their names, icons and labels: what any screen shows of a channel. */
export const channelKindsQuery = queryOptions({
  queryKey: keys.channelKinds,
  queryFn: async () => (await data<{ items: ChannelKind[] }>(client.GET('/api/v1/channel-kinds'))).items,
  staleTime: 5 * 60_000,
});

export type Counts = Record<'open' | 'pending' | 'snoozed', { mine: number; unassigned: number; teams: number; all: number }>;

export const countsQuery = queryOptions({
  queryKey: keys.counts,
  queryFn: () => data<Counts>(client.GET('/api/v1/conversations/counts')),
  staleTime: 5_000,
});
