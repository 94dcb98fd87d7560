import {
  type ChannelAdapter,
  countCodePoints,
  defineCapabilities,
  errorBody,
  parseWithSchema,
  readJsonBody,
} from '@centralita/channel-kit';
import { z } from 'zod';

/**
 * A bench-only push channel: a webhook whose JSON body `{ id, from, thread, text }` is one
 * message from a verified sender, threaded by the channel's thread id, like a chat platform's
 * callback. It exists so the realtime figure can send messages into conversations that already
 * have a team (the web form starts a new conversation with every post, which every console in the
 * workspace hears). It does no signature check, so it is slightly cheaper than a real channel.
 */
export function createBenchHookAdapter(): ChannelAdapter<Record<string, never>> {
  return {
    kind: 'benchhook',
    displayName: 'Bench webhook',
    capabilities: defineCapabilities({ inbound: { push: true, pull: false }, threading: 'external_thread', verifiedSenders: true }),
    config: { parse: (raw) => parseWithSchema(z.strictObject({}), raw), secretKeys: [] },
    measureText: countCodePoints,
    connect(_account, ctx) {
      return {
        async start() {},
        async stop() {},
        async send() {
          return { externalIds: [], state: 'sent' };
        },
        async handleWebhook(req) {
          const read = readJsonBody(req.rawBody);
          const body = read.ok ? (read.value as { id?: unknown; from?: unknown; thread?: unknown; text?: unknown }) : null;
          if (!body || typeof body.id !== 'string' || typeof body.from !== 'string' || typeof body.text !== 'string') {
            return { status: 400, body: errorBody('bad_request', 'Send { id, from, thread, text }.') };
          }
          const result = await ctx.emit(
            {
              type: 'message.received',
              externalMessageId: body.id,
              occurredAt: ctx.now(),
              sender: { kind: 'benchhook', externalId: body.from, verified: true },
              text: body.text,
              visibility: 'private',
              thread: typeof body.thread === 'string' ? { externalThreadId: body.thread } : {},
            },
            {},
          );
          return { status: result.duplicate ? 200 : 201, body: { conversationId: result.conversationId, duplicate: result.duplicate } };
        },
      };
    },
  };
}
