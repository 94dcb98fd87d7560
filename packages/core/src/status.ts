import { CentralitaError } from './errors.ts';
import type { Conversation, ConversationStatus } from './model.ts';

/** What a person or a timer asks to do with a conversation's status. */
export type StatusAction =
  | { type: 'resolve' }
  | { type: 'reopen' }
  | { type: 'pending' }
  | { type: 'snooze'; until: Date }
  | { type: 'wake' };

/** The fields a status change writes, ready to persist. */
export interface StatusPatch {
  status: ConversationStatus;
  snoozedUntil: Date | null;
  resolvedAt: Date | null;
}

type StatusView = Pick<Conversation, 'status' | 'snoozedUntil' | 'resolvedAt'>;

/**
 * Applies a status action to a conversation, or throws `invalid_transition` saying why not.
 * A snooze must end in the future; a wake-up only moves a conversation whose snooze has ended.
 */
export function applyStatusAction(conv: StatusView, action: StatusAction, now: Date): StatusPatch {
  const from = conv.status;
  const refuse = (why: string): never => {
    throw new CentralitaError('invalid_transition', `Cannot ${action.type} a ${from} conversation: ${why}`);
  };
  switch (action.type) {
    case 'resolve':
      if (from === 'resolved') refuse('it is already resolved');
      return { status: 'resolved', snoozedUntil: null, resolvedAt: now };
    case 'reopen':
      if (from !== 'resolved' && from !== 'snoozed' && from !== 'pending') {
        refuse('it is already open');
      }
      return { status: 'open', snoozedUntil: null, resolvedAt: null };
    case 'pending':
      if (from === 'pending') refuse('it is already pending');
      if (from === 'resolved') refuse('reopen it first');
      return { status: 'pending', snoozedUntil: null, resolvedAt: null };
    case 'snooze':
      if (from === 'resolved') refuse('reopen it first');
      if (action.until.getTime() <= now.getTime()) {
        refuse(`the snooze must end in the future (got ${action.until.toISOString()})`);
      }
      return { status: 'snoozed', snoozedUntil: action.until, resolvedAt: null };
    case 'wake':
      if (from !== 'snoozed') refuse('it is not snoozed');
      if (conv.snoozedUntil && conv.snoozedUntil.getTime() > now.getTime()) {
        refuse(`its snooze runs until ${conv.snoozedUntil.toISOString()}`);
      }
      return { status: 'open', snoozedUntil: null, resolvedAt: null };
  }
}

/** Statuses in which a new inbound message joins the conversation without reopening it. */
export const LIVE_STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'snoozed'];
