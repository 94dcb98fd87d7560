import type { InboundSender } from './inbound.ts';
import type { Identity } from './model.ts';

export type IdentityPlan = { action: 'use'; contactId: string; identityId: string } | { action: 'create'; verified: boolean };

/**
 * Decides which contact an inbound sender is. Only a channel-proven (verified) identity matches an
 * existing one: an address typed into a form never attaches itself to someone else's contact, so
 * an impersonator cannot read or join another person's conversations. Unverified senders get a
 * contact of their own; agents can merge contacts explicitly.
 *
 * `existing` is the verified identity with the same (kind, externalId), if any.
 */
export function planIdentity(sender: InboundSender, existing: Identity | null): IdentityPlan {
  if (sender.verified && existing?.verified) {
    return { action: 'use', contactId: existing.contactId, identityId: existing.id };
  }
  return { action: 'create', verified: sender.verified };
}

/** Normalises an external id so the same person is one identity: emails are case-insensitive. */
export function normaliseExternalId(kind: string, externalId: string): string {
  const trimmed = externalId.trim();
  return kind === 'email' ? trimmed.toLowerCase() : trimmed;
}
