import { PHONE_IDENTITY, toE164 } from '@centralita/channel-kit';
import { normaliseExternalId } from '@centralita/core';
import { type Db, type MergeEvidence, type StoredMessage, suggestMerge, verifiedOwners } from '@centralita/db';
import { type CountryCode, findNumbers, isSupportedCountry } from 'libphonenumber-js/max';

// Finds customers who tell us, in their own words, a phone number or address that another
// contact has proven ("my WhatsApp is 612 34 56 78"), and suggests the two are one person. It
// only ever suggests: quoting a number proves nothing (a relative's, a typo, a forwarded mail).

/** A phone or address found in a message's text, normalised as identities store it. */
export interface FoundDetail {
  kind: 'phone' | 'email';
  value: string;
  start: number;
  end: number;
}

/** The country whose national numbers a contact writes, from its profile (ES-CT is ES), else Spain. */
export function defaultCountry(country: string | null): CountryCode {
  const code = country?.slice(0, 2).toUpperCase();
  return code && isSupportedCountry(code) ? code : 'ES';
}

// Addresses as people type them; an address ending a sentence loses the full stop.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** The phone numbers (E.164, through channel-kit's `toE164`) and email addresses in a text. */
export function findContactDetails(text: string, country: CountryCode): FoundDetail[] {
  const found: FoundDetail[] = [];
  for (const n of findNumbers(text, { defaultCountry: country, v2: true })) {
    const e164 = toE164(text.slice(n.startsAt, n.endsAt), country);
    if (e164) found.push({ kind: 'phone', value: e164, start: n.startsAt, end: n.endsAt });
  }
  for (const m of text.matchAll(EMAIL)) {
    const start = m.index ?? 0;
    found.push({ kind: 'email', value: normaliseExternalId('email', m[0]), start, end: start + m[0].length });
  }
  return found;
}

/** The words around a finding, as the evidence quotes them. */
export function quote(text: string, start: number, end: number, around = 60): string {
  const from = Math.max(0, start - around);
  const to = Math.min(text.length, end + around);
  const body = text.slice(from, to).replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '…' : ''}${body}${to < text.length ? '…' : ''}`;
}

/** A message worth reading for contact details: a person's inbound message with a known author. */
export function isCustomerMessage(m: StoredMessage): boolean {
  return m.direction === 'inbound' && m.automated === null && m.authorType === 'contact' && m.authorId !== null && m.text.length > 0;
}

/** A suggestion the detector made, for whoever tells the consoles. */
export interface DetectedSuggestion {
  suggestionId: string;
  conversationId: string;
}

/**
 * Reads stored customer messages of one workspace for phone numbers and addresses that are
 * another contact's verified identity, and suggests each such pair once (reasons `shared_phone`
 * and `shared_email`, the message quoted as evidence). Set-based: one query for the authors'
 * countries and one for every value found in the batch, whatever its size.
 */
export async function detectSharedDetails(db: Db, workspaceId: string, messages: readonly StoredMessage[]): Promise<DetectedSuggestion[]> {
  const customer = messages.filter(isCustomerMessage);
  if (customer.length === 0) return [];
  const authors = [...new Set(customer.map((m) => m.authorId as string))];
  const countries = new Map(
    (
      await db.kysely
        .selectFrom('contacts')
        .select(['id', 'country'])
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', authors)
        .execute()
    ).map((c) => [c.id, defaultCountry(c.country)]),
  );
  const seen = customer.flatMap((m) =>
    findContactDetails(m.text, countries.get(m.authorId as string) ?? 'ES').map((d) => ({ message: m, detail: d })),
  );
  if (seen.length === 0) return [];
  const values = new Map<string, { kind: string; externalId: string }>();
  for (const { detail } of seen) {
    const kind = detail.kind === 'phone' ? PHONE_IDENTITY : 'email';
    values.set(`${kind}\u0000${detail.value}`, { kind, externalId: detail.value });
  }
  const owners = await verifiedOwners(db.kysely, workspaceId, [...values.values()]);
  if (owners.length === 0) return [];
  const ownersOf = new Map<string, string[]>();
  for (const o of owners) {
    const key = `${o.kind}\u0000${o.externalId}`;
    ownersOf.set(key, [...(ownersOf.get(key) ?? []), o.contactId]);
  }
  const made: DetectedSuggestion[] = [];
  await db.kysely.transaction().execute(async (trx) => {
    const tried = new Set<string>();
    for (const { message, detail } of seen) {
      const kind = detail.kind === 'phone' ? PHONE_IDENTITY : 'email';
      for (const other of ownersOf.get(`${kind}\u0000${detail.value}`) ?? []) {
        const author = message.authorId as string;
        const pair = `${author}\u0000${other}\u0000${detail.kind}`;
        if (other === author || tried.has(pair)) continue;
        tried.add(pair);
        const evidence: MergeEvidence = {
          kind: 'message',
          text: quote(message.text, detail.start, detail.end),
          messageId: message.id,
          conversationId: message.conversationId,
          value: detail.value,
        };
        const id = await suggestMerge(trx, {
          workspaceId,
          contactId: author,
          otherContactId: other,
          reason: detail.kind === 'phone' ? 'shared_phone' : 'shared_email',
          evidence: [evidence],
        });
        if (id) made.push({ suggestionId: id, conversationId: message.conversationId });
      }
    }
  });
  return made;
}
