import { type ChannelAdapter, countCodePoints, defineCapabilities, SendError, splitText } from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount } from '@centralita/db';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, useServer } from './harness.ts';

/**
 * A push channel whose sends follow a script, so these tests can make a channel rate-limit a
 * reply or split it into parts, as X does, without a network.
 */
type Outcome = { limitedForMs: number } | 'ok';
const script: Outcome[] = [];
const attempts: { messageId: string; at: Date }[] = [];

const scripted: ChannelAdapter<Record<string, never>> = {
  kind: 'scripted',
  displayName: 'Scripted (test)',
  capabilities: defineCapabilities({
    inbound: { push: true, pull: false },
    threading: 'reply_to',
    verifiedSenders: true,
    maxTextLength: 20,
    splitLongText: true,
  }),
  config: { parse: () => ({}), secretKeys: [] },
  measureText: countCodePoints,
  connect(_account, ctx) {
    return {
      async start() {},
      async stop() {},
      async send(message) {
        attempts.push({ messageId: message.messageId, at: new Date() });
        const outcome = script.shift() ?? 'ok';
        if (outcome !== 'ok') {
          throw new SendError('rate_limited', 'Too many posts; the window resets soon.', {
            retryable: true,
            retryAfterMs: outcome.limitedForMs,
          });
        }
        const parts = splitText(message.text, 20);
        return { state: 'sent', externalIds: parts.map((_, i) => `out-${message.messageId}-${i}`) };
      },
      async handleWebhook(req) {
        const body = JSON.parse(req.rawBody.toString('utf8')) as {
          id: string;
          from?: string;
          text?: string;
          replyTo?: string;
          receiptFor?: string;
        };
        if (body.receiptFor) {
          await ctx.emit({ type: 'delivery.updated', externalMessageId: body.receiptFor, occurredAt: ctx.now(), state: 'delivered' });
        } else {
          await ctx.emit({
            type: 'message.received',
            externalMessageId: body.id,
            occurredAt: ctx.now(),
            sender: { kind: 'scripted', externalId: body.from ?? 'someone', verified: true },
            text: body.text ?? '',
            visibility: 'public',
            thread: body.replyTo ? { inReplyTo: [body.replyTo] } : {},
          });
        }
        return { status: 200, body: { ok: true } };
      },
    };
  },
};

const t = useServer({ adapters: [scripted] });
let f: Fixture;
let accountId = '';

beforeAll(async () => {
  f = await createFixture(t);
  const account = await createChannelAccount(t.db.current.db.kysely, {
    workspaceId: f.workspaceId,
    kind: 'scripted',
    name: 'Scripted',
    settings: {},
    secretsEncrypted: null,
  });
  accountId = account.id;
});

async function conversationFrom(from: string, text: string): Promise<string> {
  const res = await call(t.url, 'POST', `/webhooks/${accountId}`, { body: { id: `in-${from}`, from, text } });
  expect(res.status).toBe(200);
  const row = await t.db.current.db.kysely
    .selectFrom('messages')
    .select('conversation_id')
    .where('external_id', '=', `in-${from}`)
    .executeTakeFirstOrThrow();
  return row.conversation_id;
}

async function reply(conversationId: string, body: Record<string, unknown>) {
  const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { token: f.adminToken, body });
  expect(res.status).toBe(201);
  return res.json.message as { id: string };
}

async function messageState(conversationId: string, id: string) {
  const msgs = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, { token: f.adminToken });
  return msgs.json.items.find((m: { id: string }) => m.id === id) as { deliveryState: string; externalId: string | null };
}

describe('a reply the channel asks to send later', () => {
  it('waits as long as the channel said, then sends it once', async () => {
    const conversationId = await conversationFrom('@limited', 'hello?');
    script.push({ limitedForMs: 600 });
    const sent = await reply(conversationId, { text: 'on our way' });
    await waitFor(() => attempts.some((a) => a.messageId === sent.id), { what: 'the first attempt' });
    const first = attempts.find((a) => a.messageId === sent.id)?.at as Date;

    // The next attempt is scheduled for when the channel said (0.6 s), not by the queue's own
    // backoff (e^1 s, about 2.7 s, after a first failure).
    const next = await waitFor(
      async () => {
        const { rows } = await sql<{ run_at: Date }>`
          SELECT run_at FROM graphile_worker.jobs WHERE key = ${`send:${sent.id}`} AND attempts = 0`.execute(t.db.current.db.kysely);
        return rows[0];
      },
      { what: 'the rescheduled send' },
    );
    const delay = next.run_at.getTime() - first.getTime();
    expect(delay).toBeGreaterThanOrEqual(550);
    expect(delay).toBeLessThan(2_000);

    await waitFor(async () => (await messageState(conversationId, sent.id)).deliveryState === 'sent', {
      what: 'the reply to be sent',
      timeoutMs: 15_000,
    });
    expect(attempts.filter((a) => a.messageId === sent.id)).toHaveLength(2);
  });
});

describe('a reply split into several posts', () => {
  it('keeps every part’s id, so an answer to any part threads and a receipt for any part counts', async () => {
    const conversationId = await conversationFrom('@split', 'what happened?');
    const long = 'The fibre was cut near Atocha; engineers are on site and expect to finish by 18:00.';
    const sent = await reply(conversationId, { text: long, allowSplit: true });
    await waitFor(async () => (await messageState(conversationId, sent.id)).deliveryState === 'sent', {
      what: 'the split reply to be sent',
    });
    const parts = splitText(long, 20).length;
    expect(parts).toBeGreaterThan(2);
    expect((await messageState(conversationId, sent.id)).externalId).toBe(`out-${sent.id}-0`);

    // Someone answers the last part, from an account the conversation has never seen.
    const lastPart = `out-${sent.id}-${parts - 1}`;
    const answer = await call(t.url, 'POST', `/webhooks/${accountId}`, {
      body: { id: 'answer-to-last', from: '@bystander', text: 'same here', replyTo: lastPart },
    });
    expect(answer.status).toBe(200);
    const threaded = await t.db.current.db.kysely
      .selectFrom('messages')
      .select(['conversation_id', 'thread_rule'])
      .where('external_id', '=', 'answer-to-last')
      .executeTakeFirstOrThrow();
    expect(threaded).toEqual({ conversation_id: conversationId, thread_rule: 'in_reply_to' });

    const receipt = await call(t.url, 'POST', `/webhooks/${accountId}`, { body: { id: 'r1', receiptFor: `out-${sent.id}-1` } });
    expect(receipt.status).toBe(200);
    expect((await messageState(conversationId, sent.id)).deliveryState).toBe('delivered');
  });
});
