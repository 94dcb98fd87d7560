import { client } from '../api/client.ts';

/**
 * Conversations this console changed itself a moment ago. A `conversation.updated` event does
 * not say who caused it, so a status change, assignment or tag sent from this tab is recognised
 * by the request that caused it: every change to a conversation goes through `client`, and this
 * middleware notes its id (or a bulk request's ids) before the request leaves. Messages need no
 * such guess: their `authorId` says who wrote them (activity.ts).
 */
const recent = new Map<string, number>();
/** How long after our own request its events may still arrive (a slow worker, a busy socket). */
const WINDOW_MS = 15_000;

export function noteOwnChange(ids: readonly string[], now = Date.now()): void {
  for (const id of ids) recent.set(id, now);
}

export function isOwnChange(id: string, now = Date.now()): boolean {
  const at = recent.get(id);
  if (at === undefined) return false;
  if (now - at > WINDOW_MS) {
    recent.delete(id);
    return false;
  }
  return true;
}

const CHANGE = /^\/api\/v1\/conversations\/\{id\}\//;

client.use({
  async onRequest({ request, schemaPath, params }) {
    if (request.method === 'GET') return undefined;
    const id = (params.path as { id?: string } | undefined)?.id;
    // Reading (a read mark, a draft) changes nothing another person sees.
    if (id && CHANGE.test(schemaPath) && !/\/(read|draft)$/.test(schemaPath)) noteOwnChange([id]);
    if (schemaPath === '/api/v1/conversations/bulk') {
      const body = (await request
        .clone()
        .json()
        .catch(() => null)) as { ids?: unknown } | null;
      if (Array.isArray(body?.ids)) noteOwnChange(body.ids.filter((x): x is string => typeof x === 'string'));
    }
    return undefined;
  },
});
