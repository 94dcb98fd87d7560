import {
  type ChannelContext,
  claimThenCommit,
  errorBody,
  hmacSha256,
  readJsonBody,
  verifySignature,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import type { MessageReceivedEvent } from '@centralita/core';
import type { TwitterConfig } from './config.ts';
import { type Brand, detectDeliveryShape, PayloadError, parseAccountActivity, parseActivityDelivery } from './parse/index.ts';

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';
/** X retries deliveries for a while; an `event_uuid` is remembered as done for longer than that. */
const DONE_TTL_MS = 3 * 24 * 60 * 60_000;
/** X gives a delivery 10 s; past 8 s it is answered 503 and stored anyway, so X's retry finds it done. */
const ANSWER_WITHIN_MS = 8_000;

/** `response_token` for X's CRC check: `sha256=` + base64 HMAC-SHA256 of the token with the consumer secret. */
export function crcResponse(consumerSecret: string, crcToken: string): string {
  return `sha256=${hmacSha256(consumerSecret, crcToken, 'base64')}`;
}

/**
 * Answers X: the CRC challenge (GET with `crc_token`), and deliveries (POST) only when their
 * signature proves X sent them. Both the X Activity API envelope and the Account Activity API's
 * payloads are taken. A message's external id is its post or DM event id, so a post the webhook
 * and the polling both bring is stored once; `event_uuid` only stops a repeated delivery.
 */
export async function handleWebhook(
  config: TwitterConfig,
  ctx: ChannelContext,
  brand: Brand | null,
  req: WebhookRequest,
): Promise<WebhookResponse> {
  if (!config.webhook) {
    return { status: 404, body: errorBody('not_found', 'This X account reads by polling; its webhook is off in the account settings.') };
  }
  if (req.method === 'GET') {
    const token = req.query.crc_token;
    if (!token || token.length > 1_000) {
      return { status: 400, body: errorBody('bad_request', 'A CRC check needs one crc_token query parameter.') };
    }
    return { status: 200, body: { response_token: crcResponse(config.consumerSecret, token) } };
  }
  if (req.method !== 'POST')
    return {
      status: 405,
      headers: { allow: 'GET, POST' },
      body: errorBody('method_not_allowed', 'X posts deliveries and gets CRC checks.'),
    };
  const expected = hmacSha256(config.consumerSecret, req.rawBody, 'base64');
  if (!verifySignature(req.headers[SIGNATURE_HEADER], expected, 'sha256=')) {
    return {
      status: 401,
      body: errorBody('unauthorized', `The delivery's ${SIGNATURE_HEADER} header is missing or does not match the app's consumer secret.`),
    };
  }
  const read = readJsonBody(req.rawBody);
  if (!read.ok) return { status: read.status, body: errorBody(read.code, read.message, read.details) };
  if (!brand) {
    return {
      status: 503,
      headers: { 'retry-after': '5' },
      body: errorBody('unavailable', 'The account is still looking up its X user; deliver again.'),
    };
  }
  let parsed: { key: string | null; events: MessageReceivedEvent[]; posts: number; dms: number };
  try {
    parsed = parse(read.value, brand);
  } catch (err) {
    // Whatever is wrong with the body, X (or whoever sent it) hears it in a 400 and nothing is stored.
    const message = err instanceof PayloadError ? err.message : 'The delivery could not be read as an X payload.';
    return { status: 400, body: errorBody('bad_request', message) };
  }
  if (parsed.events.length === 0) return { status: 200, body: { ok: true, stored: 0 } };
  const store = async () => {
    const results = await ctx.emitMany(parsed.events);
    const failed = results.find((r) => r instanceof Error);
    if (failed) throw failed;
    if (parsed.posts) await ctx.usage.record('post_read', parsed.posts);
    if (parsed.dms) await ctx.usage.record('dm_event_read', parsed.dms);
    return results.length;
  };
  try {
    const work = parsed.key
      ? claimThenCommit(ctx.store, `event:${parsed.key}`, store, { doneTtlMs: DONE_TTL_MS })
      : store().then((n) => ({ status: 'ran' as const, value: n }));
    const outcome = await Promise.race([
      work,
      new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ANSWER_WITHIN_MS).unref()),
    ]);
    if (outcome === 'late' || outcome.status === 'in_progress') {
      return {
        status: 503,
        headers: { 'retry-after': '5' },
        body: errorBody('unavailable', 'The delivery is still being stored; deliver it again.'),
      };
    }
    return { status: 200, body: { ok: true, stored: outcome.status === 'ran' ? parsed.events.length : 0 } };
  } catch (err) {
    ctx.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'an X delivery was not stored; X delivers it again');
    return {
      status: 503,
      headers: { 'retry-after': '5' },
      body: errorBody('unavailable', 'Could not store the delivery; deliver it again.'),
    };
  }
}

function parse(body: unknown, brand: Brand): { key: string | null; events: MessageReceivedEvent[]; posts: number; dms: number } {
  const shape = detectDeliveryShape(body);
  if (shape === 'activity') {
    const delivery = parseActivityDelivery(body, brand);
    const dms = delivery.eventType.startsWith('dm.') || delivery.eventType.startsWith('chat.');
    const events = delivery.events;
    return { key: delivery.eventUuid, events, posts: dms ? 0 : events.length, dms: dms ? events.length : 0 };
  }
  if (shape === 'account_activity') {
    const delivery = parseAccountActivity(body, brand);
    const events = delivery.events;
    const dms = events.filter((e) => e.visibility === 'private').length;
    return { key: null, events, posts: events.length - dms, dms };
  }
  throw new PayloadError('The body is neither an X Activity API delivery (data.event_type) nor an Account Activity API one (for_user_id).');
}
