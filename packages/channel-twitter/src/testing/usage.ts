/**
 * What the peer would bill under X's pay-per-use pricing (x-api.md): every post, user and DM event
 * a response returns (in `data` or `includes`), every post and DM created, and every Activity API
 * event delivered. `raw` counts each occurrence; `billed` deduplicates resources within a UTC day,
 * as X does, so a test can compare the channel's own usage ledger with either.
 */
export interface XUsage {
  /** Posts read at the normal price (search, lookups). */
  postsRead: number;
  /** Posts read from the brand's own mentions timeline ("owned reads", $0.001 each). */
  ownedPostsRead: number;
  usersRead: number;
  dmEventsRead: number;
  postsCreated: number;
  /** Of `postsCreated`, those whose text has a link (X's much higher price). */
  postsCreatedWithUrl: number;
  /** Of `postsCreated`, replies to a post that summoned the brand (X's lower price). */
  summonedReplies: number;
  dmsSent: number;
  /** Activity API events delivered to a webhook, by event type. */
  eventsDelivered: Record<string, number>;
}

export type ReadKind = 'post' | 'ownedPost' | 'user' | 'dmEvent';

const FIELD: Record<ReadKind, 'postsRead' | 'ownedPostsRead' | 'usersRead' | 'dmEventsRead'> = {
  post: 'postsRead',
  ownedPost: 'ownedPostsRead',
  user: 'usersRead',
  dmEvent: 'dmEventsRead',
};

function empty(): XUsage {
  return {
    postsRead: 0,
    ownedPostsRead: 0,
    usersRead: 0,
    dmEventsRead: 0,
    postsCreated: 0,
    postsCreatedWithUrl: 0,
    summonedReplies: 0,
    dmsSent: 0,
    eventsDelivered: {},
  };
}

export class UsageMeter {
  private readonly counts = { raw: empty(), billed: empty() };
  private readonly seen = new Set<string>();

  constructor(private readonly now: () => Date) {}

  private day(): string {
    return this.now().toISOString().slice(0, 10);
  }

  read(kind: ReadKind, ids: string[]): void {
    for (const id of ids) {
      this.counts.raw[FIELD[kind]]++;
      const key = `${kind}:${id}:${this.day()}`;
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.counts.billed[FIELD[kind]]++;
      }
    }
  }

  created(kind: 'post' | 'dm', details: { withUrl?: boolean; summoned?: boolean } = {}): void {
    for (const c of [this.counts.raw, this.counts.billed]) {
      if (kind === 'dm') c.dmsSent++;
      else {
        c.postsCreated++;
        if (details.withUrl) c.postsCreatedWithUrl++;
        if (details.summoned) c.summonedReplies++;
      }
    }
  }

  delivered(eventType: string, eventUuid: string): void {
    this.counts.raw.eventsDelivered[eventType] = (this.counts.raw.eventsDelivered[eventType] ?? 0) + 1;
    const key = `event:${eventUuid}:${this.day()}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.counts.billed.eventsDelivered[eventType] = (this.counts.billed.eventsDelivered[eventType] ?? 0) + 1;
    }
  }

  snapshot(which: 'raw' | 'billed'): XUsage {
    return structuredClone(this.counts[which]);
  }
}
