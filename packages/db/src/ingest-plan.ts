import { randomUUID } from 'node:crypto';
import { type Actor, planThreading, type ThreadCandidate, truncate } from '@centralita/core';
import { decideHandoff, type HandoffOutcome, handoffEffects, matchHandoff } from './ingest-handoff.ts';

export type { HandoffOutcome, SuggestionWrite } from './ingest-handoff.ts';
export type {
  BatchPlan,
  ContactWrite,
  ConversationTouch,
  ConversationWrite,
  IngestItem,
  KnownConversation,
  LinkWrite,
  Lookups,
  MessageWrite,
  PlannedOutcome,
  ReplyTarget,
} from './ingest-types.ts';

import { findCandidate } from './ingest-candidate.ts';
import { BatchIdentities, identityKey, linkKey, senderIdentities } from './ingest-identity.ts';
import type {
  BatchPlan,
  ContactWrite,
  ConversationTouch,
  ConversationWrite,
  IngestItem,
  KnownConversation,
  Lookups,
} from './ingest-types.ts';

// The in-memory half of batched ingest: given what the database holds (read in a few set-based
// queries), decide for every message of the batch, in arrival order, which contact it is, which
// conversation it joins or starts, and what must be written. Messages of one batch see each
// other: a contact's second message joins the conversation its first one started.

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
    handoffJoins: [],
    suggestions: [],
  };
  const joinedHandoffs = new Set<string>();
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
    const state = { conversations, threadKeys, replyTargets, links, now, target };
    let match = portal ? null : matchHandoff(event, lookups.handoffs);
    if (match?.via === 'identity') {
      // Arriving as the expected person is weaker than the message's own thread: an answer in
      // another thread (its In-Reply-To, its DM conversation) stays in that thread.
      const explicit = findCandidate(item, new Set(), false, state);
      if (explicit && explicit.conversation.id !== match.ref.conversationId) match = null;
    }
    const handed = match ? conversations.get(match.ref.conversationId) : undefined;
    const handoff = match && handed ? decideHandoff(match, handed.contactId, known?.contactId, s.verified, now) : null;
    const joining = handoff?.kind === 'join' ? (handed as KnownConversation) : undefined;

    // The contact: the portal conversation's own, a verified identity's, the handed-off
    // conversation's (a new identity proven by the handoff it used), or a new one.
    let contactId: string;
    if (portal) {
      contactId = portal.contactId;
    } else if (known || (joining && handoff?.kind === 'join' && handoff.claim)) {
      contactId = known?.contactId ?? (joining as KnownConversation).contactId;
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
    const proven = senderIdentities(s).map((i) => ({ ...i, key: identityKey(i.kind, i.externalId) }));
    const mineKeys = proven.filter((i) => identities.ownerOf(i.key) === contactId);
    const candidate: ThreadCandidate | null = joining
      ? { rule: 'handoff', conversation: { id: joining.id, status: joining.status, resolvedAt: joining.resolvedAt } }
      : findCandidate(item, new Set(mineKeys.map((i) => i.key)), s.verified || portal !== undefined, state);
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
        fresh.region ??= s.region ?? s.country ?? null;
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
          region: null,
        };
        t.lastMessageAt = at;
        t.region ??= s.region ?? s.country ?? null;
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
        region: s.region ?? s.country ?? null,
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
    // Only identities the channel proved take part: an unproven sender (a mail that failed its
    // authentication) must never be what a later, genuine message of that address threads by.
    const linked = links.get(conversationId) ?? new Set<string>();
    for (const i of mineKeys) {
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
    let handoffOutcome: HandoffOutcome | null = null;
    if (handoff && handed) {
      const first = handoff.kind === 'join' && !handoff.ref.joinedAt && !joinedHandoffs.has(handoff.ref.id);
      if (first) joinedHandoffs.add(handoff.ref.id);
      const effects = handoffEffects(handoff, { handed, conversationId, contactId, messageId, at, first, actor, target });
      handoffOutcome = effects.outcome;
      plan.handoffJoins.push(...effects.joins);
      plan.events.push(...effects.events);
      plan.suggestions.push(...effects.suggestions);
    }
    plan.outcomes.push({
      kind: 'stored',
      messageId,
      conversationId,
      created: threading.action === 'new',
      reopened,
      threadRule,
      handoff: handoffOutcome,
    });
  });

  plan.contactUpdates = [...updates.values()];
  plan.touched = [...touched.values()];
  return plan;
}
