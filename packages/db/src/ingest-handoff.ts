import { findHandoffCodes, type MessageReceivedEvent } from '@centralita/core';
import { sql, type Transaction } from 'kysely';
import { identityKey, senderIdentities } from './ingest-identity.ts';
import type { NewEvent } from './repos/events.ts';
import type { Database } from './schema.ts';

// How a customer's first message on a new channel finds the conversation an agent handed off
// (docs/handoff.md): by the reference code it carries (a WhatsApp message prefilled through a
// wa.me link), or by arriving as the identity the handoff expects on this account (the X user a
// DM was offered to, the address the first mail went to). Read with the batch's other lookups;
// decided per message in planning.

/** A handoff as ingest needs it. */
export interface HandoffRef {
  id: string;
  conversationId: string;
  code: string | null;
  /** `identityKey` of the identity the handoff was sent to, if any. */
  expectedKey: string | null;
  /** Sent in a public post: the code proves nobody. */
  public: boolean;
  expiresAt: Date;
  joinedAt: Date | null;
  createdAt: Date;
}

export interface HandoffLookups {
  byCode: Map<string, HandoffRef>;
  /** The latest handoff to this account expecting each identity (`identityKey`). */
  byIdentity: Map<string, HandoffRef>;
}

type Row = {
  id: string;
  conversation_id: string;
  code: string | null;
  expected_kind: string | null;
  expected_external_id: string | null;
  public: boolean;
  expires_at: Date;
  joined_at: Date | null;
  created_at: Date;
};

function toRef(r: Row): HandoffRef {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    code: r.code,
    expectedKey: r.expected_kind && r.expected_external_id ? identityKey(r.expected_kind, r.expected_external_id) : null,
    public: r.public,
    expiresAt: r.expires_at,
    joinedAt: r.joined_at,
    createdAt: r.created_at,
  };
}

/** The most codes a message may carry and still be taken as answering one: more is a flood. */
const MAX_CODES = 2;

/**
 * The handoff codes a customer's message carries: none in an automated one (an out-of-office
 * quoting our mail), and none when it names more than two (someone trying codes by the thousand).
 */
export function codesIn(event: MessageReceivedEvent): string[] {
  if (event.automated) return [];
  const codes = findHandoffCodes(event.text.slice(0, 4_000));
  return codes.length > MAX_CODES ? [] : codes;
}

/**
 * Two set-based reads at most, and none for a batch that carries no code and expects nobody. A
 * code counts only on the account its handoff went to (a WhatsApp code arrives on WhatsApp); an
 * expected identity counts only while its handoff is live and nobody has answered it yet (after
 * that the conversation's own threads carry on).
 */
export async function readHandoffs(
  trx: Transaction<Database>,
  target: { workspaceId: string; channelAccountId: string },
  events: readonly MessageReceivedEvent[],
  now: Date,
): Promise<HandoffLookups> {
  const out: HandoffLookups = { byCode: new Map(), byIdentity: new Map() };
  const codes = [...new Set(events.flatMap(codesIn))];
  if (codes.length > 0) {
    const rows = await trx
      .selectFrom('handoffs')
      .select(['id', 'conversation_id', 'code', 'expected_kind', 'expected_external_id', 'public', 'expires_at', 'joined_at', 'created_at'])
      .where('workspace_id', '=', target.workspaceId)
      .where('channel_account_id', '=', target.channelAccountId)
      .where('code', 'in', codes)
      .execute();
    for (const r of rows) if (r.code) out.byCode.set(r.code, toRef(r));
  }
  const proven = events.filter((e) => !e.automated).flatMap((e) => senderIdentities(e.sender));
  if (proven.length > 0) {
    const rows = await sql<Row>`
      SELECT DISTINCT ON (h.expected_kind, h.expected_external_id)
        h.id, h.conversation_id, h.code, h.expected_kind, h.expected_external_id, h.public, h.expires_at, h.joined_at, h.created_at
      FROM handoffs h
      JOIN unnest(${proven.map((p) => p.kind)}::text[], ${proven.map((p) => p.externalId)}::text[]) AS s(kind, external_id)
        ON h.expected_kind = s.kind AND h.expected_external_id = s.external_id
      WHERE h.channel_account_id = ${target.channelAccountId} AND h.expires_at > ${now} AND h.joined_at IS NULL
      ORDER BY h.expected_kind, h.expected_external_id, h.created_at DESC`.execute(trx);
    for (const r of rows.rows) {
      const ref = toRef(r);
      if (ref.expectedKey) out.byIdentity.set(ref.expectedKey, ref);
    }
  }
  return out;
}

/** The handoff a message answers: a code it carries first, else the identity it arrives as. */
export function matchHandoff(
  event: MessageReceivedEvent,
  lookups: HandoffLookups,
): { ref: HandoffRef; via: 'code' | 'identity'; provenKeys: string[] } | null {
  if (event.automated) return null;
  const provenKeys = senderIdentities(event.sender).map((i) => identityKey(i.kind, i.externalId));
  for (const code of codesIn(event)) {
    const ref = lookups.byCode.get(code);
    if (ref) return { ref, via: 'code', provenKeys };
  }
  for (const key of provenKeys) {
    const ref = lookups.byIdentity.get(key);
    if (ref) return { ref, via: 'identity', provenKeys };
  }
  return null;
}

export type HandoffDecision =
  /** The message joins the handed-off conversation; `claim`: its new identities join that contact. */
  | { kind: 'join'; ref: HandoffRef; claim: boolean }
  /** It goes where threading says, and a person is asked whether it belongs to the handoff. */
  | { kind: 'suggest'; ref: HandoffRef; reason: 'handoff_code' | 'handoff_expired' };

/**
 * Whether a message that answers a handoff joins it. It joins when the handoff is live, the
 * channel proved the sender, and the sender is who the handoff was sent to (or, for a code sent to
 * nobody in particular, someone not yet known as another contact): then a new identity becomes
 * the conversation's contact's, since using the link is the proof. A code used after it expired,
 * or by someone else (another known contact, another address), only suggests: a person decides.
 */
export function decideHandoff(
  match: { ref: HandoffRef; provenKeys: string[] },
  conversationContactId: string,
  knownContactId: string | undefined,
  verified: boolean,
  now: Date,
): HandoffDecision | null {
  const { ref } = match;
  if (ref.expiresAt.getTime() <= now.getTime()) {
    return knownContactId === conversationContactId ? null : { kind: 'suggest', ref, reason: 'handoff_expired' };
  }
  if (knownContactId === conversationContactId) return { kind: 'join', ref, claim: false };
  if (!verified) return { kind: 'suggest', ref, reason: 'handoff_code' };
  const expectedHere = ref.expectedKey !== null && match.provenKeys.includes(ref.expectedKey);
  if (ref.expectedKey !== null && !expectedHere) return { kind: 'suggest', ref, reason: 'handoff_code' };
  // The expected person, or a privately sent code used by someone new: the same person, now
  // proven. A code posted in public proves nobody (anyone may have read it): a person decides,
  // and until then the message stays in a conversation of its own.
  if (knownContactId === undefined) {
    return expectedHere || !ref.public ? { kind: 'join', ref, claim: true } : { kind: 'suggest', ref, reason: 'handoff_code' };
  }
  // The address the agent typed belongs to someone already known: it answers the handoff, and
  // whether the two contacts are one person is a person's call.
  return expectedHere ? { kind: 'join', ref, claim: false } : { kind: 'suggest', ref, reason: 'handoff_code' };
}

/** What a message that answered a handoff did: joined it, or was only suggested for it. */
export interface HandoffOutcome {
  id: string;
  conversationId: string;
  result: 'joined' | 'expired' | 'refused';
}

/** A merge suggestion a batch asks for (see `suggestMerge`). */
export interface SuggestionWrite {
  contactId: string;
  otherContactId: string;
  reason: 'handoff_code' | 'handoff_expired';
  evidence: { kind: string; text: string; messageId?: string; conversationId?: string; value?: string }[];
  conversationId: string;
  joinConversationId: string | null;
}

/**
 * What answering a handoff writes beside the message: the first join is remembered and logged; a
 * refused or late use is logged on the handed-off conversation; and whenever the message's contact
 * is not that conversation's (someone else, too late, a public code), a person is asked.
 */
export function handoffEffects(
  decision: HandoffDecision,
  m: {
    handed: { id: string; contactId: string };
    conversationId: string;
    contactId: string;
    messageId: string;
    at: string;
    first: boolean;
    actor: NewEvent['actor'];
    target: { workspaceId: string; channelAccountId: string };
  },
): {
  outcome: HandoffOutcome | null;
  joins: { handoffId: string; messageId: string; at: string }[];
  events: NewEvent[];
  suggestions: SuggestionWrite[];
} {
  const h = decision.ref;
  const out: ReturnType<typeof handoffEffects> = { outcome: null, joins: [], events: [], suggestions: [] };
  const ws = m.target.workspaceId;
  if (decision.kind === 'join' && m.conversationId === m.handed.id) {
    out.outcome = { id: h.id, conversationId: m.handed.id, result: 'joined' };
    if (m.first) {
      out.joins.push({ handoffId: h.id, messageId: m.messageId, at: m.at });
      out.events.push({
        workspaceId: ws,
        conversationId: m.conversationId,
        type: 'conversation.handoff_joined',
        actor: m.actor,
        data: { handoffId: h.id, channelAccountId: m.target.channelAccountId, messageId: m.messageId },
      });
    }
  } else if (decision.kind === 'suggest') {
    out.outcome = { id: h.id, conversationId: m.handed.id, result: decision.reason === 'handoff_expired' ? 'expired' : 'refused' };
    out.events.push({
      workspaceId: ws,
      conversationId: m.handed.id,
      type: 'conversation.handoff_refused',
      actor: m.actor,
      data: { handoffId: h.id, reason: decision.reason, messageId: m.messageId, conversationId: m.conversationId },
    });
  }
  if (decision.kind === 'suggest' || m.contactId !== m.handed.contactId) {
    const late = decision.kind === 'suggest' && decision.reason === 'handoff_expired';
    const code = h.code ? ` ${h.code}` : '';
    out.suggestions.push({
      contactId: m.handed.contactId,
      otherContactId: m.contactId,
      reason: decision.kind === 'suggest' ? decision.reason : 'handoff_code',
      evidence: [
        {
          kind: 'handoff',
          text: late
            ? `Wrote after the handoff${code} sent ${h.createdAt.toISOString()} had expired.`
            : `Answered the handoff${code} sent ${h.createdAt.toISOString()} from an identity it was not sent to.`,
          messageId: m.messageId,
          conversationId: m.conversationId,
        },
      ],
      conversationId: m.handed.id,
      joinConversationId: m.conversationId !== m.handed.id ? m.conversationId : null,
    });
  }
  return out;
}
