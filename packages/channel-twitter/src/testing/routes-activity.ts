import { ACTIVITY_EVENT_TYPES, isPrivateEvent, type XSubscription } from './activity.ts';
import { type Answer, objectBody, ok, type RequestContext, type RouteDef } from './core.ts';
import { problems } from './problems.ts';

/**
 * `/2/webhooks` and `/2/activity/subscriptions`, with the request and answer shapes of X's OpenAPI
 * spec (docs snapshot 2026-08-22). Note the create answer nests the subscription:
 * `{ data: { subscription: {...} } }`, while the list answer is a flat `data` array.
 */
function webhookFailure(reason: string): Answer {
  return problems.invalidRequest(reason, 'url');
}

async function createWebhook(ctx: RequestContext): Promise<Answer> {
  const url = objectBody(ctx.body)?.url;
  if (typeof url !== 'string' || !url) return problems.invalidRequest('The `url` field is required', 'url');
  if (url.length > 200) return webhookFailure('UrlValidationFailed: The URL is longer than 200 characters');
  const result = await ctx.core.activity.register(url);
  return 'reason' in result ? webhookFailure(result.reason) : ok({ data: result });
}

function subscriptionTotal(ctx: RequestContext): { total_subscriptions: number } {
  return { total_subscriptions: ctx.core.activity.subscriptions.size };
}

function createSubscription(ctx: RequestContext): Answer {
  const body = objectBody(ctx.body);
  const eventType = body?.event_type;
  const userId = objectBody(body?.filter)?.user_id;
  const tag = body?.tag;
  const webhookId = body?.webhook_id;
  const { activity, state, brand } = ctx.core;
  if (typeof eventType !== 'string' || !ACTIVITY_EVENT_TYPES.has(eventType)) {
    return problems.invalidRequest(
      `The \`event_type\` value [${String(eventType)}] is not a supported event type`,
      'event_type',
      String(eventType),
    );
  }
  if (typeof userId !== 'string' || !state.users.has(userId)) {
    return problems.invalidRequest(`The \`filter.user_id\` value [${String(userId)}] is not a known user`, 'filter', String(userId));
  }
  if (tag !== undefined && (typeof tag !== 'string' || !tag || tag.length > 200))
    return problems.invalidRequest('The `tag` must be 1 to 200 characters', 'tag');
  if (webhookId !== undefined && (typeof webhookId !== 'string' || !activity.webhooks.has(webhookId))) {
    return problems.invalidRequest(
      `The \`webhook_id\` value [${String(webhookId)}] is not one of this app's webhooks`,
      'webhook_id',
      String(webhookId),
    );
  }
  // Private events need the filtered user's own authorisation: the brand's user context, not the app's token.
  if (isPrivateEvent(eventType) && (ctx.auth !== 'user' || userId !== brand.id)) return problems.privateEventNeedsUserContext(eventType);
  const duplicate = [...activity.subscriptions.values()].some(
    (s) => s.event_type === eventType && s.filter.user_id === userId && s.webhook_id === webhookId,
  );
  if (duplicate)
    return problems.invalidRequest(
      'DuplicateSubscription: A subscription with this event type, filter and webhook already exists',
      'event_type',
      eventType,
    );
  const at = ctx.core.now().toISOString();
  const sub: XSubscription = {
    subscription_id: state.nextId(),
    event_type: eventType,
    filter: { user_id: userId },
    ...(typeof tag === 'string' ? { tag } : {}),
    ...(typeof webhookId === 'string' ? { webhook_id: webhookId } : {}),
    created_at: at,
    updated_at: at,
  };
  activity.subscriptions.set(sub.subscription_id, sub);
  return ok({ data: { subscription: sub }, meta: subscriptionTotal(ctx) });
}

export const activityRoutes: RouteDef[] = [
  {
    route: 'GET /2/webhooks',
    auth: 'app',
    query: ['webhook_config.fields'],
    handle: (ctx) => {
      const data = [...ctx.core.activity.webhooks.values()].map((w) => ({ ...w }));
      return ok({ data, meta: { result_count: data.length } });
    },
  },
  { route: 'POST /2/webhooks', auth: 'either', query: [], handle: createWebhook },
  {
    route: 'PUT /2/webhooks/:webhook_id',
    auth: 'either',
    query: [],
    handle: async (ctx) => {
      const id = ctx.params.webhook_id ?? '';
      if (!ctx.core.activity.webhooks.has(id))
        return problems.invalidRequest('WebhookIdInvalid: The webhook id was not found for this application', 'webhook_id', id);
      // X's docs: the answer's `valid` is the state after the check, so a failed CRC is a 200 too.
      const result = await ctx.core.activity.revalidate(id);
      return ok({ data: { valid: result.ok } });
    },
  },
  {
    route: 'DELETE /2/webhooks/:webhook_id',
    auth: 'either',
    query: [],
    handle: (ctx) => {
      const id = ctx.params.webhook_id ?? '';
      if (!ctx.core.activity.webhooks.delete(id))
        return problems.invalidRequest('WebhookIdInvalid: The webhook id was not found for this application', 'webhook_id', id);
      return ok({ data: { deleted: true } });
    },
  },
  {
    route: 'GET /2/activity/subscriptions',
    auth: 'either',
    query: ['max_results', 'pagination_token'],
    handle: (ctx) => ok({ data: ctx.core.activity.listSubscriptions(), meta: subscriptionTotal(ctx) }),
  },
  { route: 'POST /2/activity/subscriptions', auth: 'either', query: [], handle: createSubscription },
  {
    route: 'DELETE /2/activity/subscriptions/:subscription_id',
    auth: 'app',
    query: [],
    handle: (ctx) => {
      const id = ctx.params.subscription_id ?? '';
      if (!ctx.core.activity.subscriptions.delete(id))
        return problems.invalidRequest(`The subscription [${id}] was not found for this application`, 'subscription_id', id);
      return ok({ data: { deleted: true }, meta: subscriptionTotal(ctx) });
    },
  },
];
