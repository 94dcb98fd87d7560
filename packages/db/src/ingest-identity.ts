import { type MessageReceivedEvent, normaliseExternalId } from '@centralita/core';

// Who a message's sender is, in the identities they proved: the channel's own id and the others
// it carries (a WhatsApp sender's phone beside its business-scoped id). Used by both halves of
// batched ingest: the lookup reads these identities, the plan picks the contact from them.

export function identityKey(kind: string, externalId: string): string {
  return `${kind}\u0000${normaliseExternalId(kind, externalId)}`;
}

/** An identity's part in a conversation on one account (a `conversation_identities` row). */
export function linkKey(channelAccountId: string, key: string): string {
  return `${channelAccountId}\u0001${key}`;
}

/**
 * Every identity a sender proved, its own first: the channel's id, then the verified others it
 * carries (a WhatsApp sender's phone beside its business-scoped id). An unverified sender proves
 * nothing, so it has none to look up.
 */
export function senderIdentities(sender: MessageReceivedEvent['sender']): { kind: string; externalId: string }[] {
  if (!sender.verified) return [];
  const all = [sender, ...(sender.otherIdentities ?? []).filter((o) => o.verified && o.externalId.trim().length > 0)];
  const seen = new Set<string>();
  const out: { kind: string; externalId: string }[] = [];
  for (const i of all) {
    const key = identityKey(i.kind, i.externalId);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: i.kind, externalId: normaliseExternalId(i.kind, i.externalId) });
  }
  return out;
}

/**
 * The contact a sender's identities lead to: its own identity's, else the first of its others'
 * whose contact has no identity of the sender's own kind. A contact that already has another id
 * of that kind is someone else: a recycled phone number arriving with a new WhatsApp user id is a
 * new person, not the number's previous owner.
 */
export function knownContact(
  sender: MessageReceivedEvent['sender'],
  identities: ReadonlyMap<string, { contactId: string }>,
  contactKinds: ReadonlyMap<string, ReadonlySet<string>>,
): { contactId: string } | undefined {
  const [own, ...others] = senderIdentities(sender);
  if (!own) return undefined;
  const mine = identities.get(identityKey(own.kind, own.externalId));
  if (mine) return mine;
  for (const i of others) {
    const known = identities.get(identityKey(i.kind, i.externalId));
    if (known && !contactKinds.get(known.contactId)?.has(own.kind)) return known;
  }
  return undefined;
}

/** A row of `identities` a batch writes. */
export interface IdentityWrite {
  contactId: string;
  kind: string;
  externalId: string;
  verified: boolean;
  displayName: string | null;
}

/**
 * The verified identities a batch knows, from the database and from its own earlier items, with
 * the kinds each contact has: which contact a sender is, and which of its identities are new.
 */
export class BatchIdentities {
  readonly #identities: Map<string, { contactId: string }>;
  readonly #kinds: Map<string, Set<string>>;

  constructor(identities: ReadonlyMap<string, { contactId: string }>, contactKinds: ReadonlyMap<string, ReadonlySet<string>>) {
    this.#identities = new Map(identities);
    this.#kinds = new Map([...contactKinds].map(([id, kinds]) => [id, new Set(kinds)]));
  }

  /** The contact an identity (by `identityKey`) belongs to, if any is known. */
  ownerOf(key: string): string | undefined {
    return this.#identities.get(key)?.contactId;
  }

  /** The contact the sender is, when its identities say (see `knownContact`). */
  known(sender: MessageReceivedEvent['sender']): { contactId: string } | undefined {
    return knownContact(sender, this.#identities, this.#kinds);
  }

  /**
   * The rows that give `contactId` every identity the sender proved and nobody has yet (a new
   * contact's own, the phone a WhatsApp message brought for the first time); an identity another
   * contact owns stays there. An unverified sender's own identity is written unverified, for a new
   * contact only (`newContact`), and is never looked up again.
   */
  claim(contactId: string, sender: MessageReceivedEvent['sender'], newContact: boolean): IdentityWrite[] {
    const displayName = sender.displayName ?? null;
    const rows: IdentityWrite[] = [];
    if (newContact && !sender.verified) {
      rows.push({
        contactId,
        kind: sender.kind,
        externalId: normaliseExternalId(sender.kind, sender.externalId),
        verified: false,
        displayName,
      });
    }
    for (const i of senderIdentities(sender)) {
      const key = identityKey(i.kind, i.externalId);
      if (this.#identities.has(key)) continue;
      this.#identities.set(key, { contactId });
      const kinds = this.#kinds.get(contactId) ?? new Set<string>();
      kinds.add(i.kind);
      this.#kinds.set(contactId, kinds);
      rows.push({ contactId, kind: i.kind, externalId: i.externalId, verified: true, displayName });
    }
    return rows;
  }
}
