// The inbox's views and its search params, apart from the screen so its parts can share them.
export const VIEWS = ['mine', 'unassigned', 'teams', 'all'] as const;
export type View = (typeof VIEWS)[number];

export const SORTS = ['newest', 'oldest_waiting', 'sla_due', 'priority'] as const;
export type Sort = (typeof SORTS)[number];

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;

export interface InboxSearch {
  status?: 'open' | 'pending' | 'snoozed' | 'resolved';
  sort?: Sort;
  q?: string;
  channel?: string;
  tag?: string;
  /** Only the conversations a saved search found (listening), not those customers began. */
  origin?: 'proactive';
}

/** The inbox's filters live in the URL, so a reload or a shared link keeps them. */
export function inboxSearch(s: Record<string, unknown>): InboxSearch {
  const out: InboxSearch = {};
  if (s.status === 'open' || s.status === 'pending' || s.status === 'snoozed' || s.status === 'resolved') out.status = s.status;
  if (typeof s.sort === 'string' && (SORTS as readonly string[]).includes(s.sort)) out.sort = s.sort as Sort;
  if (typeof s.q === 'string' && s.q.trim()) out.q = s.q.slice(0, 200);
  if (typeof s.channel === 'string' && s.channel) out.channel = s.channel.slice(0, 50);
  if (typeof s.tag === 'string' && s.tag) out.tag = s.tag.slice(0, 40);
  if (s.origin === 'proactive') out.origin = 'proactive';
  return out;
}
