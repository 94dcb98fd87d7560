import { type ChannelAdapter, countCodePoints, defineCapabilities, SendError, sendParts, splitText } from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount } from '@centralita/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, useServer } from './harness.ts';

/**
 * A channel without idempotency keys, as X and WhatsApp are: every part posted reaches the
 * customer, so a repeated part is a repeated message. Its link fails once, right after part 2.
 */
const delivered: { messageId: string; text: string }[] = [];
let failAfterPart: number | null = null;
let attempts = 0;

const LIMIT = 40;
const noKeys: ChannelAdapter<Record<string, never>> = {
  kind: 'nokeys',
  displayName: 'No idempotency keys (test)',
  capabilities: defineCapabilities({
    inbound: { push: true, pull: false },
    verifiedSenders: true,
    maxTextLength: LIMIT,
    splitLongText: true,
  }),
  config: { parse: () => ({}), secretKeys: [] },
  measureText: countCodePoints,
  connect(_account, ctx) {
    return {
      async start() {},
      async stop() {},
      async send(message) {
        attempts += 1;
        const parts = message.allowSplit ? splitText(message.text, LIMIT) : [message.text];
        const externalIds = await sendParts(message, parts, async (text, i) => {
          if (failAfterPart !== null && i === failAfterPart) {
            failAfterPart = null;
            throw new SendError('timeout', 'The channel did not answer in time.', { retryable: true, retryAfterMs: 100 });
          }
          delivered.push({ messageId: message.messageId, text });
          return `post-${delivered.length}`;
        });
        return { externalIds, state: 'sent' };
      },
      async handleWebhook(req) {
        const body = JSON.parse(req.rawBody.toString('utf8')) as { id: string; from: string; text: string };
        await ctx.emit({
          type: 'message.received',
          externalMessageId: body.id,
          occurredAt: ctx.now(),
          sender: { kind: 'nokeys', externalId: body.from, verified: true },
          text: body.text,
          visibility: 'private',
          thread: { contactThread: true },
        });
        return { status: 200, body: { ok: true } };
      },
    };
  },
};

const t = useServer({ adapters: [noKeys] });
let f: Fixture;
let accountId = '';

beforeAll(async () => {
  f = await createFixture(t);
  const account = await createChannelAccount(t.db.current.db.kysely, {
    workspaceId: f.workspaceId,
    kind: 'nokeys',
    name: 'No keys',
    settings: {},
    secretsEncrypted: null,
  });
  accountId = account.id;
});

describe('a split reply whose sending fails part-way', () => {
  it('sends each part once: the retry starts after the parts that went out', async () => {
    const hook = await call(t.url, 'POST', `/webhooks/${accountId}`, { body: { id: 'in-1', from: '@ana', text: 'Any news?' } });
    expect(hook.status).toBe(200);
    const { conversation_id: conversationId } = await t.db.current.db.kysely
      .selectFrom('messages')
      .select('conversation_id')
      .where('external_id', '=', 'in-1')
      .executeTakeFirstOrThrow();

    const text = 'The engineers found the cut cable near the station and expect to restore service by six.';
    const parts = splitText(text, LIMIT);
    expect(parts).toHaveLength(3);
    failAfterPart = 2;
    const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: f.adminToken,
      body: { text, allowSplit: true },
    });
    expect(res.status, res.text).toBe(201);
    const id = res.json.message.id as string;

    const db = t.db.current.db.kysely;
    const sent = await waitFor(
      async () => {
        const row = await db
          .selectFrom('messages')
          .select(['delivery_state', 'external_id'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        return row.delivery_state === 'sent' && row;
      },
      { what: 'the reply to be sent after its retry', timeoutMs: 15_000 },
    );
    expect(attempts).toBe(2);
    // Parts 1 and 2 went out on the first attempt, part 3 on the retry: nothing twice.
    expect(delivered.filter((d) => d.messageId === id).map((d) => d.text)).toEqual(parts);
    expect(sent.external_id).toBe('post-1');
    const later = await db
      .selectFrom('message_parts')
      .select(['external_id', 'part'])
      .where('message_id', '=', id)
      .orderBy('part')
      .execute();
    expect(later).toEqual([
      { external_id: 'post-2', part: 1 },
      { external_id: 'post-3', part: 2 },
    ]);
    // The progress kept between attempts is gone once the reply is recorded.
    expect(await db.selectFrom('send_progress').selectAll().where('message_id', '=', id).execute()).toEqual([]);
  });
});
