import { digits } from './payloads.ts';
import { type Answer, error, json, type RouteContext, type Routed, unknownObject } from './route-kit.ts';
import { type SentMessage, wamid } from './state.ts';
import { checkSend } from './validate.ts';

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(ctx: RouteContext, phoneNumberId: string, raw: Buffer): Answer {
  const { state } = ctx;
  if (!state.phoneNumber(phoneNumberId)) return unknownObject('POST', phoneNumberId);
  const body = parseJson(raw);
  if (body === undefined) return error({ code: 100, details: 'The request body is not valid JSON' });
  const check = checkSend(state, body);
  if (check.kind === 'error') return error(check.error);
  const at = state.now();
  if (check.kind === 'read') {
    state.readReceipts.push({ phoneNumberId, messageId: check.messageId, at });
    return json(200, { success: true });
  }
  const refused = ctx.limits.take(phoneNumberId, check.user.bsuid);
  if (refused !== null) return error({ code: refused });
  const fields = body as Record<string, unknown>;
  const sent: SentMessage = {
    messageId: wamid(),
    phoneNumberId,
    to: { ...check.user },
    addressedBy: check.addressedBy,
    field: check.field,
    type: check.type,
    body: fields,
    category: check.category,
    at,
  };
  state.sent.push(sent);
  ctx.onSent(sent);
  const input = String(fields[check.field]);
  // A send by phone answers the phone's digits; a send by BSUID answers the BSUID and no phone.
  const contact =
    check.addressedBy === 'phone' ? { input, wa_id: digits(check.user.phone ?? input) } : { input, user_id: check.user.bsuid };
  const message = check.type === 'template' ? { id: sent.messageId, message_status: 'accepted' } : { id: sent.messageId };
  return json(200, { messaging_product: 'whatsapp', contacts: [contact], messages: [message] });
}

/** `POST /{phone-number-id}/messages`: messages and read receipts. */
export function messageRoutes(ctx: RouteContext, method: string, rest: string[]): Routed | null {
  const [id, edge] = rest;
  if (rest.length === 2 && id && edge === 'messages' && method === 'POST')
    return { route: 'messages', handle: (body) => send(ctx, id, body) };
  return null;
}
