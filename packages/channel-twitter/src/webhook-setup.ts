import type { ChannelContext } from '@centralita/channel-kit';
import type { TwitterApi } from 'twitter-api-v2';
import { callX } from './client.ts';
import type { Brand } from './parse/index.ts';

/**
 * The X Activity API events the channel subscribes the brand to. Encrypted DMs (`chat.received`)
 * cannot be read without X's chat keys; they are stored as a placeholder that sends the agent to X.
 */
export const ACTIVITY_EVENTS = ['post.mention.create', 'post.reply.create', 'post.quote.create', 'dm.received', 'chat.received'] as const;

interface Webhook {
  id: string;
  url: string;
  valid: boolean;
}

interface Subscription {
  subscription_id?: string;
  id?: string;
  event_type?: string;
  filter?: { user_id?: string };
  webhook_id?: string;
}

/**
 * Makes sure X delivers to `ctx.webhookUrl`: the app's webhook for that URL (created with the
 * app's bearer token, or re-validated when X marked it invalid) and one X Activity API
 * subscription per event for the brand. The events are private to the brand, so X wants its own
 * user context for them, not the app's token. Safe to run on every start and from several
 * nodes: it only adds what is missing.
 */
export async function ensureWebhook(app: TwitterApi, user: TwitterApi, ctx: ChannelContext, brand: Brand): Promise<Webhook> {
  const existing = (await listWebhooks(app)).find((w) => w.url === ctx.webhookUrl);
  let webhook: Webhook;
  if (!existing) {
    const created = await callX(() => app.v2.post<{ data: Webhook }>('webhooks', { url: ctx.webhookUrl }));
    webhook = created.data;
  } else if (!existing.valid) {
    webhook = { ...existing, valid: await revalidate(app, existing.id) };
  } else {
    webhook = existing;
  }
  await ctx.store.setCursor('webhook', webhook.id);
  const subscriptions = await callX(() => user.v2.get<{ data?: Subscription[] }>('activity/subscriptions'));
  const have = new Set(
    (subscriptions.data ?? [])
      .filter((s) => s.filter?.user_id === brand.id && (!s.webhook_id || s.webhook_id === webhook.id))
      .map((s) => s.event_type),
  );
  for (const eventType of ACTIVITY_EVENTS) {
    if (have.has(eventType)) continue;
    await callX(() =>
      user.v2.post('activity/subscriptions', {
        event_type: eventType,
        filter: { user_id: brand.id },
        webhook_id: webhook.id,
        tag: `centralita:${ctx.account.id}`,
      }),
    );
  }
  return webhook;
}

/** True when X has our webhook valid; an invalid one is re-validated (X re-runs the CRC check), a missing one registered. */
export async function checkWebhook(app: TwitterApi, user: TwitterApi, ctx: ChannelContext, brand: Brand): Promise<boolean> {
  const id = await ctx.store.getCursor('webhook');
  const webhook = (await listWebhooks(app)).find((w) => w.id === id || w.url === ctx.webhookUrl);
  if (webhook?.valid) return true;
  if (!webhook) {
    // Deleted at X (by hand, or after long invalidity): registered again, and the gap polled.
    await ensureWebhook(app, user, ctx, brand);
    return false;
  }
  try {
    if (!(await revalidate(app, webhook.id))) ctx.logger.warn({ webhookId: webhook.id }, 'X found the webhook still invalid');
  } catch (err) {
    // Still invalid (X's CRC call could not reach us): polling covers the gap until it works.
    ctx.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'X did not re-validate the webhook');
  }
  return false;
}

async function listWebhooks(app: TwitterApi): Promise<Webhook[]> {
  const answer = await callX(() => app.v2.get<{ data?: Webhook[] }>('webhooks'));
  return answer.data ?? [];
}

/** Asks X to run its CRC check again; X answers whether the webhook is valid now. */
async function revalidate(app: TwitterApi, id: string): Promise<boolean> {
  const answer = await callX(() => app.v2.put<{ data?: { valid?: boolean } }>(`webhooks/${encodeURIComponent(id)}`));
  return answer.data?.valid === true;
}
