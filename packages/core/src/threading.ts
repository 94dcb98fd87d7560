import type { Conversation } from './model.ts';

/** Which rule found the conversation a message joined; recorded with the message. */
export type ThreadRule = 'portal' | 'handoff' | 'in_reply_to' | 'external_thread' | 'reply_token' | 'subject' | 'contact_thread';

/** A conversation the repository found for one thread rule, in the order the rules are tried. */
export interface ThreadCandidate {
  rule: ThreadRule;
  conversation: Pick<Conversation, 'id' | 'status' | 'resolvedAt'>;
}

export type ThreadPlan =
  | { action: 'join'; conversationId: string; rule: ThreadRule; reopen: boolean; wake: boolean }
  | { action: 'new'; previousConversationId: string | null; rule: ThreadRule | null };

/**
 * Decides where an inbound message goes: the first candidate wins. A live conversation (open,
 * pending, snoozed) is joined; a resolved one is reopened if it was resolved within
 * `reopenWindowMinutes` (or the customer answered on its own page); otherwise a new
 * conversation starts and remembers the old one. An automated message (out-of-office, bounce)
 * joins its thread whatever its status and changes nothing.
 */
export function planThreading(
  candidates: readonly ThreadCandidate[],
  now: Date,
  reopenWindowMinutes: number,
  options: { automated?: boolean } = {},
): ThreadPlan {
  const first = candidates[0];
  if (!first) return { action: 'new', previousConversationId: null, rule: null };
  const { conversation, rule } = first;
  // An out-of-office or a bounce belongs to its thread but is no reason to look at it again.
  if (options.automated) return { action: 'join', conversationId: conversation.id, rule, reopen: false, wake: false };
  if (conversation.status !== 'resolved') {
    return {
      action: 'join',
      conversationId: conversation.id,
      rule,
      reopen: false,
      wake: conversation.status !== 'open',
    };
  }
  const resolvedAt = conversation.resolvedAt?.getTime() ?? 0;
  // A reply on the conversation's own customer page, or through a live handoff the agent sent,
  // always answers that conversation.
  if (rule === 'portal' || rule === 'handoff' || now.getTime() - resolvedAt <= reopenWindowMinutes * 60_000) {
    return { action: 'join', conversationId: conversation.id, rule, reopen: true, wake: false };
  }
  return { action: 'new', previousConversationId: conversation.id, rule };
}
