import { webhookError } from './errors.ts';
import { type ChangePart, contactOf, digits, unixSeconds } from './payloads.ts';
import type { PeerState, PeerUser, PeerUserInput, SentMessage } from './state.ts';

/** Per-message pricing as statuses carry it since per-message pricing (PMP, July 2025). */
export interface StatusPricing {
  billable: boolean;
  pricing_model: 'PMP';
  category: string;
  /** `regular`, `free_customer_service` (a service reply inside the window) or `free_entry_point`. */
  type: string;
}

/** A status about a message: one of `peer.sent`, or any wamid and user. */
export type StatusTarget =
  | SentMessage
  | { messageId: string; to: PeerUserInput; phoneNumberId?: string; category?: SentMessage['category']; addressedBy?: 'phone' | 'bsuid' };

export interface StatusOptions {
  /** @default the peer's clock */
  at?: Date;
  /** Overrides the pricing worked out from the category; null leaves it out. */
  pricing?: Partial<StatusPricing> | null;
}

export type StatusBuilders = ReturnType<typeof statusBuilders>;

/**
 * Meta prices a template by its category and bills it; a free-form (service) reply inside the
 * window is free until Meta starts billing service messages (announced for October 2026).
 */
export function pricingFor(category: SentMessage['category']): StatusPricing {
  if (category === 'service') return { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
  return { billable: true, pricing_model: 'PMP', category, type: 'regular' };
}

/** Builders of the `statuses[]` Meta posts about our messages: sent, delivered, read, failed. */
export function statusBuilders(state: PeerState, defaultPhoneNumberId: string) {
  function resolve(target: StatusTarget): { user: PeerUser; phoneNumberId: string; category: SentMessage['category']; byPhone: boolean } {
    if ('body' in target)
      return {
        user: state.users.get(target.to.bsuid) ?? target.to,
        phoneNumberId: target.phoneNumberId,
        category: target.category,
        byPhone: target.addressedBy === 'phone',
      };
    const user = state.upsertUser(target.to);
    return {
      user,
      phoneNumberId: target.phoneNumberId ?? defaultPhoneNumberId,
      category: target.category ?? 'service',
      byPhone: (target.addressedBy ?? (target.to.phone ? 'phone' : 'bsuid')) === 'phone',
    };
  }

  function build(
    status: 'sent' | 'delivered' | 'read' | 'failed',
    target: StatusTarget,
    options: StatusOptions,
    error?: { code: number; details?: string },
  ): ChangePart {
    const { user, phoneNumberId, category, byPhone } = resolve(target);
    const s: Record<string, unknown> = { id: target.messageId, status, timestamp: unixSeconds(options.at ?? state.now()) };
    if (user.phone) s.recipient_id = digits(user.phone);
    // A failed message sent to a phone carries no BSUID: Meta never resolved the user.
    if (status !== 'failed' || !byPhone) s.recipient_user_id = user.bsuid;
    if (user.parentBsuid && s.recipient_user_id) s.recipient_parent_user_id = user.parentBsuid;
    if (status === 'failed') {
      s.errors = [webhookError(error?.code ?? 131000, error?.details)];
      // Failed statuses come without contacts and without pricing: nothing was delivered.
      return { phoneNumberId, status: s };
    }
    if (options.pricing !== null) s.pricing = { ...pricingFor(category), ...options.pricing };
    const contact = contactOf(user, false);
    // Meta adds the username to delivered and read statuses only.
    if (status === 'sent') delete contact.profile;
    return { phoneNumberId, contact, status: s };
  }

  return {
    sent: (target: StatusTarget, options: StatusOptions = {}) => build('sent', target, options),
    delivered: (target: StatusTarget, options: StatusOptions = {}) => build('delivered', target, options),
    read: (target: StatusTarget, options: StatusOptions = {}) => build('read', target, options),
    /** `code` is one of Meta's (131047, 131026, ...); `details` overrides its sentence. */
    failed: (target: StatusTarget, code: number, options: StatusOptions & { details?: string } = {}) =>
      build('failed', target, options, options.details === undefined ? { code } : { code, details: options.details }),
  };
}
