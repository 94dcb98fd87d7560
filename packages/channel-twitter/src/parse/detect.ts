import { isRecord } from './users.ts';

/** Which of X's webhook products sent a body. */
export type DeliveryShape = 'activity' | 'account_activity' | 'unknown';

/** The outline of an X Activity API delivery; `parseActivityDelivery` checks the rest. */
export interface ActivityEnvelope {
  data: { event_uuid: string; event_type: string; filter?: unknown; payload?: unknown; includes?: unknown };
}

/** Whether a parsed body looks like an X Activity API delivery (`data.event_uuid`, `data.event_type`). */
export function isActivityEnvelope(body: unknown): body is ActivityEnvelope {
  return isRecord(body) && isRecord(body.data) && typeof body.data.event_uuid === 'string' && typeof body.data.event_type === 'string';
}

/** Account Activity API keys that are not `*_events` lists. */
const ACCOUNT_ACTIVITY_KEYS = ['for_user_id', 'user_event', 'replay_job_status'];

/**
 * Which parser a webhook body is for: the X Activity API envelope, the Account Activity API's
 * `for_user_id` + `*_events` body, or neither (a Filtered Stream webhook post, junk).
 */
export function detectDeliveryShape(body: unknown): DeliveryShape {
  if (isActivityEnvelope(body)) return 'activity';
  if (!isRecord(body)) return 'unknown';
  if (ACCOUNT_ACTIVITY_KEYS.some((k) => k in body)) return 'account_activity';
  return Object.keys(body).some((k) => k.endsWith('_events') && Array.isArray(body[k])) ? 'account_activity' : 'unknown';
}

/**
 * The X user a delivery is for, so a webhook shared by several accounts (pay-per-use allows one
 * per app) can pick the account before parsing: `data.filter.user_id`, the revoking user of an
 * `oauth.revoke`, or `for_user_id`. Null when the body names none.
 */
export function deliveryUserId(body: unknown): string | null {
  const id = (v: unknown) => (typeof v === 'string' && /^\d{1,20}$/.test(v) ? v : null);
  if (isActivityEnvelope(body)) {
    const { filter, payload, event_type: type } = body.data;
    const filtered = isRecord(filter) ? id(filter.user_id) : null;
    if (filtered) return filtered;
    return type === 'oauth.revoke' && isRecord(payload) ? id(payload.user_id) : null;
  }
  if (!isRecord(body)) return null;
  const forUser = id(body.for_user_id);
  if (forUser) return forUser;
  const revoke = isRecord(body.user_event) && isRecord(body.user_event.revoke) ? body.user_event.revoke : null;
  return revoke && isRecord(revoke.source) ? id(revoke.source.user_id) : null;
}
