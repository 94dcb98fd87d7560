import type { Actor } from '@centralita/core';
import {
  acceptMergeSuggestion,
  type Db,
  dismissMergeSuggestion,
  type MergeOutcome,
  type MergeSuggestion,
  mergeContacts,
  type StoredMessage,
  toConversation,
  undoMerge,
} from '@centralita/db';
import type { AppLogger } from '../logger.ts';
import type { Change, CommitStream } from '../pipeline/commits.ts';
import { detectSharedDetails, isCustomerMessage } from './merge-detector.ts';

/** What the merge service needs from the node. */
export interface MergeDeps {
  db: Db;
  logger: AppLogger;
  commits: CommitStream;
}

/**
 * Merges, undos and suggestion decisions, each told to the consoles after its commit as
 * `conversation.updated` for every conversation it touched (so open views refetch); and the
 * detector of shared phone numbers and addresses, which listens to the commit stream.
 */
export class MergeService {
  readonly #pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: MergeDeps) {}

  /** Merges `sourceContactId` into `targetContactId` (see `mergeContacts`). */
  async merge(input: { workspaceId: string; sourceContactId: string; targetContactId: string; actor: Actor }): Promise<MergeOutcome> {
    return this.#told(await mergeContacts(this.deps.db.kysely, input));
  }

  /** Undoes a merge (see `undoMerge`). */
  async undo(input: { workspaceId: string; mergeId: string; actor: Actor }): Promise<MergeOutcome> {
    return this.#told(await undoMerge(this.deps.db.kysely, input));
  }

  /** Accepts an open suggestion: the newer contact into the older (see `acceptMergeSuggestion`). */
  async accept(input: { workspaceId: string; suggestionId: string; actor: Actor }): Promise<MergeOutcome> {
    return this.#told(await acceptMergeSuggestion(this.deps.db.kysely, input));
  }

  /** Dismisses an open suggestion, for good for that pair and reason. */
  async dismiss(input: { workspaceId: string; suggestionId: string; actor: Actor }): Promise<MergeSuggestion> {
    const s = await dismissMergeSuggestion(this.deps.db.kysely, input);
    await this.#refresh([...new Set([s.conversationId, s.joinConversationId, ...s.evidence.map((e) => e.conversationId)])], []);
    return s;
  }

  /**
   * The commit stream's subscriber: reads the customer messages a commit stored for shared phone
   * numbers and addresses, after the commit and off the ingest path. Best effort by design (a
   * suggestion is advice): a failure is logged, never retried.
   */
  onCommit(changes: readonly Change[]): void {
    const byWorkspace = new Map<string, StoredMessage[]>();
    for (const c of changes) {
      if (c.kind !== 'message' || !c.created || !isCustomerMessage(c.message)) continue;
      const list = byWorkspace.get(c.message.workspaceId) ?? [];
      list.push(c.message);
      byWorkspace.set(c.message.workspaceId, list);
    }
    for (const [workspaceId, messages] of byWorkspace) {
      const work = detectSharedDetails(this.deps.db, workspaceId, messages)
        .then((made) => this.#refresh([...new Set(made.map((m) => m.conversationId))], []))
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { workspaceId, error: err instanceof Error ? err.message : String(err) },
            'merge suggestion detector failed',
          ),
        )
        .finally(() => this.#pending.delete(work));
      this.#pending.add(work);
    }
  }

  /** Waits for the detector runs under way (a node stopping, a test). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async #told(outcome: MergeOutcome): Promise<MergeOutcome> {
    await this.#refresh(outcome.conversationIds, outcome.resolvedConversationIds);
    return outcome;
  }

  /** Publishes the conversations as they now stand; folded (resolved) ones as a status change, for routing. */
  async #refresh(ids: readonly (string | null | undefined)[], resolved: readonly string[]): Promise<void> {
    const wanted = ids.filter((id): id is string => typeof id === 'string');
    if (wanted.length === 0) return;
    const rows = await this.deps.db.kysely.selectFrom('conversations').selectAll().where('id', 'in', wanted).execute();
    this.deps.commits.publish(
      rows.map(
        (r): Change => ({
          kind: 'conversation',
          conversation: toConversation(r),
          created: false,
          cause: resolved.includes(r.id) ? 'status' : 'agent',
        }),
      ),
    );
  }
}
