import { compareIds } from './state.ts';

/**
 * Newest-first paging over id-ordered items, as X's timelines page: `since_id` and `until_id` are
 * exclusive bounds, and the opaque `next_token` continues below the last id returned.
 */
export interface PageRequest {
  sinceId?: string;
  untilId?: string;
  max: number;
  token?: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function encodeToken(belowId: string): string {
  return Buffer.from(`below:${belowId}`).toString('base64url');
}

/** The id a token continues below, or null when the token is not one the peer issued. */
export function decodeToken(token: string): string | null {
  const text = Buffer.from(token, 'base64url').toString();
  const m = /^below:(\d+)$/.exec(text);
  return m?.[1] ?? null;
}

export function page<T extends { id: string }>(all: T[], req: PageRequest): Page<T> {
  const below = req.token ? decodeToken(req.token) : undefined;
  const eligible = all
    .filter((x) => req.sinceId === undefined || compareIds(x.id, req.sinceId) > 0)
    .filter((x) => req.untilId === undefined || compareIds(x.id, req.untilId) < 0)
    .filter((x) => !below || compareIds(x.id, below) < 0)
    .sort((a, b) => compareIds(b.id, a.id));
  const items = eligible.slice(0, req.max);
  const last = items.at(-1);
  return eligible.length > items.length && last ? { items, nextToken: encodeToken(last.id) } : { items };
}

/** Reads `max_results` within X's bounds for the endpoint; a string is X's 400 message. */
export function maxResults(query: URLSearchParams, min: number, max: number, fallback: number): number | string {
  const raw = query.get('max_results');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    return `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`;
  return n;
}
