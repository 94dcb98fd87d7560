import type { ChannelContext, WebhookRequest, WebhookResponse } from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount } from '@centralita/db';
import { call } from '@centralita/server/test-harness';
import type { ConsoleTest } from './browser.ts';

/**
 * The webhook of the test-only channels: a JSON `{ id, from, text }` becomes one customer
 * message from that sender, threaded by contact.
 */
export function postedMessage(ctx: ChannelContext, options: { kind: string; visibility: 'public' | 'private'; verified: boolean }) {
  return async (req: WebhookRequest): Promise<WebhookResponse> => {
    const body = JSON.parse(req.rawBody.toString('utf8')) as { id: string; from: string; text: string };
    await ctx.emit({
      type: 'message.received',
      externalMessageId: body.id,
      occurredAt: new Date(),
      sender: { kind: options.kind, externalId: body.from, verified: options.verified },
      text: body.text,
      visibility: options.visibility,
      thread: { contactThread: true },
    });
    return { status: 200, body: { ok: true } };
  };
}

/** An account of a test channel, a customer message on it, and the conversation it started. */
export async function conversationOn(c: ConsoleTest, kind: string, message: { id: string; from: string; text: string }) {
  const db = c.server.db.current.db.kysely;
  const account = await createChannelAccount(db, { workspaceId: c.f.workspaceId, kind, name: kind, settings: {}, secretsEncrypted: null });
  const res = await call(c.url, 'POST', `/webhooks/${account.id}`, { body: message });
  if (res.status !== 200) throw new Error(`the ${kind} webhook answered ${res.status}: ${res.text}`);
  const conv = await waitFor(() =>
    db.selectFrom('conversations').select('id').where('channel_account_id', '=', account.id).executeTakeFirst(),
  );
  return { accountId: account.id, conversationId: conv.id };
}
