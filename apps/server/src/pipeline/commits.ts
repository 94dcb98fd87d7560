import type { Conversation } from '@centralita/core';
import type { StoredMessage } from '@centralita/db';

/** Why a conversation changed, for subscribers that act on some causes only (routing). */
export type ChangeCause = 'inbound' | 'status' | 'routing' | 'agent';

/** One committed change, as subscribers need it. */
export type Change =
  | {
      kind: 'conversation';
      conversation: Conversation;
      created: boolean;
      cause: ChangeCause;
      /** Someone who just lost it (their offer expired, it was moved), so their console drops it. */
      alsoUser?: string | null;
    }
  | { kind: 'message'; conversation: Conversation; message: StoredMessage; created: boolean };

export type Subscriber = (changes: readonly Change[]) => void;

/**
 * The one after-commit stream of a node: whoever commits a change to conversations or messages
 * publishes what it committed, in commit order, and realtime (consoles) and routing subscribe.
 * Nothing here is durable: what must survive a crash right after the commit is written in the
 * same transaction (a job) or is the row itself (a waiting conversation, which the routing sweep
 * finds). Broadcasting to consoles is best-effort by design; they refetch on reconnect.
 */
export class CommitStream {
  readonly #subscribers: Subscriber[] = [];

  constructor(private readonly onError: (error: unknown) => void) {}

  subscribe(subscriber: Subscriber): void {
    this.#subscribers.push(subscriber);
  }

  /** Hands one commit's changes, in the order they happened, to every subscriber in turn. */
  publish(changes: readonly Change[]): void {
    if (changes.length === 0) return;
    for (const s of this.#subscribers) {
      try {
        s(changes);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

/** The changes of a conversation update (the common case), as one commit. */
export function conversationChanged(conversation: Conversation, cause: ChangeCause, alsoUser?: string | null): Change[] {
  return [{ kind: 'conversation', conversation, created: false, cause, ...(alsoUser ? { alsoUser } : {}) }];
}
