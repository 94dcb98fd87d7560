import { CentralitaError } from '@centralita/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An opaque page cursor: the sort key and id of the last row a page returned. */
export interface PageCursor {
  at: string;
  id: string;
}

/** Encodes a page cursor for a `next` link. */
export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

/** Decodes a cursor from a client, or throws `bad_request` naming the problem. */
export function decodeCursor(raw: string): PageCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      UUID.test(parsed[1])
    ) {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new CentralitaError('bad_request', 'The cursor is not one this server issued; start from the first page.');
}

/** A page of results and the cursor for the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says that another page exists,
 * and the cursor is the sort key and id of the last row kept.
 */
export function toPage<R, T extends { id: string }>(rows: R[], limit: number, map: (row: R) => T, sortKey: (item: T) => Date): Page<T> {
  const items = rows.slice(0, limit).map(map);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ at: sortKey(last).toISOString(), id: last.id }) : null,
  };
}
