import { ConfigError, type WebhookRequest } from '@centralita/channel-kit';
import { type Router, raw } from 'express';
import type { AppContext } from '../context.ts';
import { errorBody } from '../http/errors.ts';

/** The largest webhook body read; adapters apply their own, smaller limits. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/webhooks/:channelAccountId`: hands the raw request (method, headers, query, body bytes) to
 * that account's adapter, which verifies it, emits events and shapes its own answer.
 */
export function registerWebhookRoutes(router: Router, ctx: AppContext): void {
  router.all('/webhooks/:channelAccountId', raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const id = req.params.channelAccountId ?? '';
    let live: Awaited<ReturnType<typeof ctx.channels.connection>> = null;
    try {
      live = UUID.test(id) ? await ctx.channels.connection(id) : null;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // The sender can do nothing about it; say so without the settings' values, and log it.
      ctx.logger.error({ channelAccountId: id, issues: err.issues.map((i) => i.path) }, 'channel account configuration is invalid');
      res.status(503).json(errorBody('channel_misconfigured', 'This channel account is misconfigured; its administrators have been told.'));
      return;
    }
    if (!live?.connection.handleWebhook) {
      res.status(404).json(errorBody('not_found', `No active channel account ${id} takes webhooks here.`));
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const request: WebhookRequest = {
      method: req.method,
      headers,
      query: Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string')),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      clientIp: req.ip ?? 'unknown',
    };
    const answer = await live.connection.handleWebhook(request);
    const answerHeaders = answer.headers ?? {};
    // An adapter that sets its own framing policy (the embeddable form) must not be contradicted
    // by the global X-Frame-Options, which older browsers obey instead of frame-ancestors.
    if (Object.keys(answerHeaders).some((k) => k.toLowerCase() === 'content-security-policy')) res.removeHeader('x-frame-options');
    for (const [k, v] of Object.entries(answerHeaders)) res.setHeader(k, v);
    res.status(answer.status);
    if (answer.body === undefined || answer.body === '') res.end();
    else if (typeof answer.body === 'string') res.send(answer.body);
    else res.json(answer.body);
  });
}
