import { randomUUID } from 'node:crypto';
import type { AccountStore } from './contract.ts';

const DONE = 'done';

/** What `claimThenCommit` did: ran the work, found it done before, or found another node on it. */
export type ClaimOutcome<T> = { status: 'ran'; value: T } | { status: 'done_before' } | { status: 'in_progress' };

/**
 * Runs `work` (typically an `emit`) at most once per `key` across every node, without ever
 * dropping a redelivery: it claims `key` with `compareAndSet`, runs `work`, and marks the key done
 * for `doneTtlMs`. If `work` throws, the claim is deleted and the error rethrown, so the channel's
 * next delivery runs it again. `in_progress` means another node holds a live claim: answer so that
 * the channel delivers again later (a 503), never as if it were done.
 *
 * @example
 * const outcome = await claimThenCommit(ctx.store, `event:${eventUuid}`, () => ctx.emit(event), { doneTtlMs: DAY });
 * if (outcome.status === 'in_progress') return { status: 503, headers: { 'retry-after': '5' } };
 */
export async function claimThenCommit<T>(
  store: AccountStore,
  key: string,
  work: () => Promise<T>,
  options: {
    /** How long "done" is remembered (the channel's redelivery window). */
    doneTtlMs: number;
    /** How long a claim holds if its node dies mid-work. @default 60000 */
    claimTtlMs?: number;
  },
): Promise<ClaimOutcome<T>> {
  const claim = `claimed:${randomUUID()}`;
  if (!(await store.compareAndSet(key, null, claim, options.claimTtlMs ?? 60_000))) {
    return (await store.get(key)) === DONE ? { status: 'done_before' } : { status: 'in_progress' };
  }
  let value: T;
  try {
    value = await work();
  } catch (err) {
    await store.delete(key).catch(() => undefined);
    throw err;
  }
  // If the claim expired meanwhile, the work still ran once more than needed at worst: the host
  // stores each external message id once, so a second emit is harmless.
  await store.compareAndSet(key, claim, DONE, options.doneTtlMs);
  return { status: 'ran', value };
}
