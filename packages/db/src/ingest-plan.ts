import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type ConversationStatus,
  type MessageReceivedEvent,
  normaliseExternalId,
  planThreading,
  type ThreadCandidate,
  type ThreadRule,
  truncate,
} from '@centralita/core';
import { BatchIdentities, type IdentityWrite, identityKey, linkKey, senderIdentities } from './ingest-identity.ts';
import type { NewEvent } from './repos/events.ts';
import { replyTokenKey } from './thread-lookup.ts';

// The in-memory half of batched ingest: given what the database holds (read in a few set-based
// queries), decide for every message of the batch, in arrival order, which contact it is, which
// conversation it joins or starts, and what must be written. Messages of one batch see each
// other: a contact's second message joins the conversation its first one started.

export interface IngestItem {
  event: MessageReceivedEvent;
  /** A conversation the host already knows the message belongs to (the customer's own page). */
  conversationId?: string;
}

/** A conversation as threading needs it, from the database or started earlier in the batch. */
export interface KnownConversation {
  id: string;
  status: ConversationStatus;
  resolvedAt: Date | null;
  contactId: string;
  channelAccountId: string;
  subjectKey: string | null;
  lastMessageAt: Date;
  createdAt: Date;
}

/** What the database said, read before planning (see ingest-lookup.ts). */
export interface Lookups {
  /** Messages of this account already stored, by external id. */
  stored: Map<string, { id: string; conversationId: string }>;
  /** Verified identities, by `identityKey`. */
  identities: Map<string, { contactId: string }>;
  /** The kinds of verified identity each of those identities' contacts has. */
  contactKinds: Map<string, Set<string>>;
  /** Every conversation a rule could pick, locked, with its current status. */
  conversations: Map<string, KnownConversation>;
  /**
   * The newest stored message per external id an item answers; `viaPart` when only the second or
   * later part of a split reply carries that id (used only when no message matches directly).
   */
  replyTargets: Map<string, ReplyTarget>;
  /** Thread keys of this account (channel thread ids and reply tokens) to their conversation. */
  threadKeys: Map<string, string>;
  /**
   * For each conversation read, which of the batch's sender identities took part in it, on which
   * account (`linkKey(account, identityKey)`): what the rules that trust the sender go by.
   */
  links: Map<string, Set<string>>;
}

/** A `conversation_identities` row a batch writes. */
export interface LinkWrite {
  conversationId: string;
  kind: string;
  externalId: string;
}

export interface ReplyTarget {
  conversationId: string;
  createdAt: Date;
  viaPart: boolean;
}

export interface ContactWrite {
  id: string;
  name: string | null;
  locale: string | null;
  country: string | null;
  timezone: string | null;
  signals: Record<string, unknown>;
}

export interface ConversationWrite {
  id: string;
  contactId: string;
  /** The creating message's origin: later messages never change it. */
  origin: 'customer' | 'proactive';
  subject: string | null;
  subjectKey: string | null;
  language: string | null;
  region: string | null;
  previousConversationId: string | null;
  createdAt: string;
  lastMessageAt: string;
  lastInboundAt: string | null;
  awaitingReplySince: string | null;
}

/** How a conversation already stored changes: the union of what its messages in the batch did. */
export interface ConversationTouch {
  id: string;
  lastMessageAt: string;
  /** The latest message from the customer (not automated), if any. */
  lastInboundAt: string | null;
  /** The first message from the customer, where the wait for an answer starts if none was running. */
  firstInboundAt: string | null;
  /** Set when a message reopened or woke it. */
  reopenedAt: string | null;
}

export interface MessageWrite {
  id: string;
  conversationId: string;
  contactId: string;
  item: IngestItem;
  threadRule: ThreadRule | null;
  createdAt: string;
}

export type PlannedOutcome =
  | { kind: 'duplicate'; messageId: string; conversationId: string }
  | { kind: 'stored'; messageId: string; conversationId: string; created: boolean; reopened: boolean; threadRule: ThreadRule | null };

export interface BatchPlan {
  outcomes: PlannedOutcome[];
  newContacts: ContactWrite[];
  newIdentities: IdentityWrite[];
  /** Profile gaps to fill on existing contacts (COALESCE: stored values win) and signals to merge. */
  contactUpdates: ContactWrite[];
  newConversations: ConversationWrite[];
  touched: ConversationTouch[];
  /** Last writer wins within the batch, as the one-by-one upserts did. */
  threadKeys: Map<string, string>;
  messages: MessageWrite[];
  events: NewEvent[];
  /** Identities that took part in a conversation on this account for the first time. */
  links: LinkWrite[];
}

/**
 * A timestamp one microsecond after the previous item's, as PostgreSQL text: messages of one batch
 * keep their arrival order in every list ordered by time, while they share one moment.
 */
function stamp(now: Date, index: number): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 23)}${String(index % 1000).padStart(3, '0')}Z`;
}

function pick<T>(a: T | null | undefined, b: T | null | undefined): T | null {
  return a ?? b ?? null;
}

/** Decides every item of a batch in order; pure but for the ids it generates. */
export function planBatch(
  items: readonly IngestItem[],
  lookups: Lookups,
  target: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number },
  now: Date,
): BatchPlan {
  const plan: BatchPlan = {
    outcomes: [],
    newContacts: [],
    newIdentities: [],
    contactUpdates: [],
    newConversations: [],
    touched: [],
    threadKeys: new Map(),
    messages: [],
    events: [],
    links: [],
  };
  const conversations = new Map(lookups.conversations);
  const identities = new BatchIdentities(lookups.identities, lookups.contactKinds);
  const threadKeys = new Map(lookups.threadKeys);
  const links = new Map([...lookups.links].map(([id, set]) => [id, new Set(set)]));
  const seen = new Map(lookups.stored);
  const replyTargets = new Map(lookups.replyTargets);
  const updates = new Map<string, ContactWrite>();
  const created = new Map<string, ConversationWrite>();
  const touched = new Map<string, ConversationTouch>();

  items.forEach((item, index) => {
    const { event } = item;
    const at = stamp(now, index);
    const already = seen.get(event.externalMessageId);
    if (already) {
      plan.outcomes.push({ kind: 'duplicate', messageId: already.id, conversationId: already.conversationId });
      return;
    }
    const s = event.sender;
    const known = identities.known(s);
    const portal = item.conversationId ? conversations.get(item.conversationId) : undefined;

    // The contact: the portal conversation's own, a verified identity's, or a new one.
    let contactId: string;
    if (portal) {
      contactId = portal.contactId;
    } else if (known) {
      contactId = known.contactId;
      const u = updates.get(contactId) ?? { id: contactId, name: null, locale: null, country: null, timezone: null, signals: {} };
      updates.set(contactId, {
        id: contactId,
        name: pick(u.name, s.displayName),
        locale: pick(u.locale, s.locale),
        country: pick(u.country, s.country),
        timezone: pick(u.timezone, s.timezone),
        signals: { ...u.signals, ...(s.signals ?? {}) },
      });
      plan.newIdentities.push(...identities.claim(contactId, s, false));
    } else {
      contactId = randomUUID();
      plan.newContacts.push({
        id: contactId,
        name: s.displayName ?? null,
        locale: s.locale ?? null,
        country: s.country ?? null,
        timezone: s.timezone ?? null,
        signals: { ...(s.signals ?? {}) },
      });
      plan.newIdentities.push(...identities.claim(contactId, s, true));
    }

    // The identities this message speaks for, as this contact's: what threading may trust.
    const own = identityKey(s.kind, s.externalId);
    const proven = senderIdentities(s).map((i) => ({ ...i, key: identityKey(i.kind, i.externalId) }));
    const mineKeys = proven.filter((i) => identities.ownerOf(i.key) === contactId);
    const candidate = findCandidate(item, new Set(mineKeys.map((i) => i.key)), s.verified || portal !== undefined, {
      conversations,
      threadKeys,
      replyTargets,
      links,
      now,
      target,
    });
    const automated = event.automated ?? null;
    const threading = planThreading(candidate ? [candidate] : [], now, target.reopenWindowMinutes, { automated: automated !== null });
    const actor: Actor = { type: 'contact', id: contactId };
    let conversationId: string;
    let reopened = false;
    if (threading.action === 'join') {
      conversationId = threading.conversationId;
      const conv = conversations.get(conversationId) as KnownConversation;
      const reopens = threading.reopen || threading.wake;
      if (reopens) {
        plan.events.push({
          workspaceId: target.workspaceId,
          conversationId,
          type: threading.reopen ? 'conversation.reopened' : 'conversation.status_changed',
          actor,
          data: { from: conv.status, to: 'open', reason: 'customer_message' },
        });
        reopened = threading.reopen;
      }
      conversations.set(conversationId, {
        ...conv,
        status: reopens ? 'open' : conv.status,
        resolvedAt: reopens ? null : conv.resolvedAt,
        lastMessageAt: new Date(now.getTime()),
      });
      const fresh = created.get(conversationId);
      if (fresh) {
        fresh.lastMessageAt = at;
        if (!automated) {
          fresh.lastInboundAt = at;
          fresh.awaitingReplySince ??= at;
        }
      } else {
        const t = touched.get(conversationId) ?? {
          id: conversationId,
          lastMessageAt: at,
          lastInboundAt: null,
          firstInboundAt: null,
          reopenedAt: null,
        };
        t.lastMessageAt = at;
        if (!automated) {
          t.lastInboundAt = at;
          t.firstInboundAt ??= at;
        }
        if (reopens) t.reopenedAt = at;
        touched.set(conversationId, t);
      }
    } else {
      conversationId = randomUUID();
      const write: ConversationWrite = {
        id: conversationId,
        contactId,
        origin: event.origin === 'proactive' ? 'proactive' : 'customer',
        subject: event.subject ? truncate(event.subject, 200) : null,
        subjectKey: event.thread.subject?.key || null,
        language: s.locale ?? null,
        region: s.country ?? null,
        previousConversationId: threading.previousConversationId,
        createdAt: at,
        lastMessageAt: at,
        lastInboundAt: at,
        // Nobody owes an out-of-office an answer.
        awaitingReplySince: automated ? null : at,
      };
      created.set(conversationId, write);
      plan.newConversations.push(write);
      conversations.set(conversationId, {
        id: conversationId,
        status: 'open',
        resolvedAt: null,
        contactId,
        channelAccountId: target.channelAccountId,
        subjectKey: write.subjectKey,
        lastMessageAt: new Date(now.getTime()),
        createdAt: new Date(now.getTime()),
      });
      plan.events.push({
        workspaceId: target.workspaceId,
        conversationId,
        type: 'conversation.created',
        actor,
        data: {
          channelAccountId: target.channelAccountId,
          previousConversationId: threading.previousConversationId,
          ...(write.origin === 'proactive' ? { origin: write.origin } : {}),
        },
      });
    }

    if (event.thread.externalThreadId) {
      threadKeys.set(event.thread.externalThreadId, conversationId);
      plan.threadKeys.set(event.thread.externalThreadId, conversationId);
    }
    const taking =
      mineKeys.length > 0 || s.verified ? mineKeys : [{ kind: s.kind, externalId: normaliseExternalId(s.kind, s.externalId), key: own }];
    const linked = links.get(conversationId) ?? new Set<string>();
    for (const i of taking) {
      const k = linkKey(target.channelAccountId, i.key);
      if (linked.has(k)) continue;
      linked.add(k);
      plan.links.push({ conversationId, kind: i.kind, externalId: i.externalId });
    }
    links.set(conversationId, linked);
    const messageId = randomUUID();
    seen.set(event.externalMessageId, { id: messageId, conversationId });
    replyTargets.set(event.externalMessageId, { conversationId, createdAt: new Date(now.getTime()), viaPart: false });
    const threadRule = threading.action === 'join' ? threading.rule : null;
    plan.messages.push({ id: messageId, conversationId, contactId, item, threadRule, createdAt: at });
    plan.events.push({
      workspaceId: target.workspaceId,
      conversationId,
      type: 'message.received',
      actor,
      data: { messageId, channelAccountId: target.channelAccountId },
    });
    plan.outcomes.push({ kind: 'stored', messageId, conversationId, created: threading.action === 'new', reopened, threadRule });
  });

  plan.contactUpdates = [...updates.values()];
  plan.touched = [...touched.values()];
  return plan;
}

interface State {
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
function findCandidate(item: IngestItem, mineKeys: ReadonlySet<string>, provenContact: boolean, st: State): ThreadCandidate | null {
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
