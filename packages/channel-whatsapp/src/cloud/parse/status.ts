import { toE164 } from '@centralita/channel-kit';
import type { DeliveryUpdatedEvent } from '@centralita/core';
import { bool, capText, id, isRecord, kindOf, list, num, obj, own, str, unixTime, waDigits } from './read.ts';
import type { ContactIndex } from './sender.ts';
import type { ParsedStatus } from './types.ts';

/** Longest failure reason kept on a message. */
export const MAX_REASON_LENGTH = 500;

const STATES: Record<string, DeliveryUpdatedEvent['state']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  // A voice note the customer played has been seen; WhatsApp reports it beside `read`.
  played: 'read',
};

/** "131047 Re-engagement message: Message failed to send because more than 24 hours have passed...". */
function failureReason(status: unknown): { reason: string; code?: number } {
  const error = list(status, 'errors').find(isRecord);
  if (!error) return { reason: 'WhatsApp reported the message as failed without saying why' };
  const code = num(error, 'code');
  const title = str(error, 'title', 300);
  const detail = str(obj(error, 'error_data'), 'details', 1_000) ?? str(error, 'message', 1_000);
  const head = [code !== undefined ? String(code) : undefined, title].filter(Boolean).join(' ');
  const reason = [head, detail].filter(Boolean).join(': ') || 'WhatsApp reported the message as failed without saying why';
  return { reason: capText(reason, MAX_REASON_LENGTH), ...(code !== undefined && Number.isInteger(code) ? { code } : {}) };
}

/**
 * One entry of `value.statuses` as a status item; `skip` for a status Centralita has no use for
 * (`deleted`), or the reason it is not one (`problem`).
 */
export function readStatus(
  raw: unknown,
  at: string,
  change: { phoneNumberId: string; contacts: ContactIndex; now: Date },
): { item?: ParsedStatus; problem?: string } {
  if (!isRecord(raw)) return { problem: `${at}: is ${kindOf(raw)}, not a status object` };
  const statusId = id(raw, 'id');
  if (!statusId) return { problem: own(raw, 'id') === undefined ? `${at}: no id` : `${at}.id: is not a usable message id` };
  const named = str(raw, 'status', 40)?.toLowerCase();
  if (!named) return { problem: `${at}: no status` };
  // The customer deleted our message on their phone: nothing for an agent to act on.
  if (named === 'deleted') return {};
  const state = Object.hasOwn(STATES, named) ? STATES[named] : undefined;
  if (!state) return { problem: `${at}.status: "${named}" is not a status Centralita knows (sent, delivered, read, failed)` };

  const event: DeliveryUpdatedEvent = {
    type: 'delivery.updated',
    externalMessageId: statusId,
    occurredAt: unixTime(raw, 'timestamp', change.now) ?? change.now,
    state,
  };
  let errorCode: number | undefined;
  if (state === 'failed') {
    const failure = failureReason(raw);
    event.reason = failure.reason;
    errorCode = failure.code;
  }

  // A group's id is no one's phone.
  const toGroup = str(raw, 'recipient_type', 20) === 'group';
  const userId = id(raw, 'recipient_user_id');
  const digits = toGroup ? undefined : waDigits(raw, 'recipient_id');
  const contact = change.contacts.find(userId, digits);
  const phoneDigits = digits ?? contact?.waId;

  const pricing = obj(raw, 'pricing');
  const category = str(pricing, 'category', 60)?.toLowerCase();
  // Meta always sends `billable` with a category; should it not, the free tiers say so by type.
  const billable = bool(pricing, 'billable') ?? !str(pricing, 'type', 60)?.toLowerCase().startsWith('free');
  const origin = str(obj(obj(raw, 'conversation'), 'origin'), 'type', 60)?.toLowerCase();

  const item: ParsedStatus = {
    kind: 'status',
    phoneNumberId: change.phoneNumberId,
    event,
    pricing: category ? { category, billable } : null,
    recipient: { bsuid: userId ?? contact?.userId ?? null, phone: phoneDigits ? toE164(phoneDigits) : null },
  };
  if (origin) item.conversationCategory = origin;
  if (errorCode !== undefined) item.errorCode = errorCode;
  return { item };
}
