import type { ThreadCandidate, ThreadRule } from '@centralita/core';
import type { IngestItem, KnownConversation, ReplyTarget } from './ingest-types.ts';
import { replyTokenKey } from './thread-lookup.ts';

// Which conversation an inbound message's own thread hints point to, rule by rule (the planning
// half of ingest asks this once per message; see ingest-plan.ts).

export interface State {
  conversations: Map<string, KnownConversation>;
  threadKeys: Map<string, string>;
  replyTargets: Map<string, ReplyTarget>;
  links: Map<string, Set<string>>;
  now: Date;
  target: { channelAccountId: string };
}

/**
 * The first rule that finds a conversation, most specific first: the customer's own page, a
 * reply to a known message, a thread the channel names, a reply token, the same subject from the
 * same verified person recently, one running thread per verified contact on this account.
 */
export function findCandidate(item: IngestItem, mineKeys: ReadonlySet<string>, provenContact: boolean, st: State): ThreadCandidate | null {
  const { event } = item;
  const found = (rule: ThreadRule, id: string | undefined): ThreadCandidate | null => {
    const c = id ? st.conversations.get(id) : undefined;
    return c ? { rule, conversation: { id: c.id, status: c.status, resolvedAt: c.resolvedAt } } : null;
  };
  if (item.conversationId) {
    const portal = found('portal', item.conversationId);
    if (portal) return portal;
  }
  const replyTo = (event.thread.inReplyTo ?? []).filter((id) => id.length > 0);
  // A message answered directly wins over a split reply's later part; the newest of each first.
  let newest: ReplyTarget | undefined;
  for (const id of replyTo) {
    const t = st.replyTargets.get(id);
    if (!t) continue;
    const better = !newest || (newest.viaPart && !t.viaPart) || (newest.viaPart === t.viaPart && t.createdAt > newest.createdAt);
    if (better) newest = t;
  }
  const reply = found('in_reply_to', newest?.conversationId);
  if (reply) return reply;
  if (event.thread.externalThreadId) {
    const thread = found('external_thread', st.threadKeys.get(event.thread.externalThreadId));
    if (thread) return thread;
  }
  if (event.thread.replyToken) {
    const token = found('reply_token', st.threadKeys.get(replyTokenKey(event.thread.replyToken)));
    if (token) return token;
  }
  // The last two rules trust who the sender is: only a channel-proven contact has a history.
  if (!provenContact || mineKeys.size === 0) return null;
  // By identity, never by contact: a merged contact's other identities have their own threads.
  const on = (c: KnownConversation, account: string | null) => {
    const set = st.links.get(c.id);
    if (!set) return false;
    for (const l of set) {
      const [acc, key] = l.split('\u0001') as [string, string];
      if ((account === null || acc === account) && mineKeys.has(key)) return true;
    }
    return false;
  };
  const mine = [...st.conversations.values()].filter((c) => on(c, null));
  if (event.thread.subject?.key) {
    const { key, windowMinutes } = event.thread.subject;
    const since = st.now.getTime() - windowMinutes * 60_000;
    const same = mine
      .filter((c) => c.subjectKey === key && c.lastMessageAt.getTime() >= since)
      .sort((a, b) => b.lastMessageAt.getTime() - a.lastMessageAt.getTime())[0];
    const bySubject = found('subject', same?.id);
    if (bySubject) return bySubject;
  }
  if (event.thread.contactThread) {
    const latest = mine.filter((c) => on(c, st.target.channelAccountId)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    const byContact = found('contact_thread', latest?.id);
    if (byContact) return byContact;
  }
  return null;
}
