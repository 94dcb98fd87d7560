import { type ChannelAdapter, countCodePoints, defineCapabilities, SendError, splitText } from '@centralita/channel-kit';
import { postedMessage } from './test-channel.ts';

/** What the test-only short channel "delivered", part by part. */
export const shortSent: { text: string; messageId: string }[] = [];

/**
 * A test-only push channel that declares X's limit (280 characters, splitting allowed), so the
 * console's composer can be checked against a channel limit without X itself.
 */
export function createShortChannel(): ChannelAdapter<Record<string, never>> {
  const limit = 280;
  return {
    kind: 'shortx',
    displayName: 'Short (test)',
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="currentColor"/></svg>',
      fields: {},
      visibilities: { public: 'Public post', private: 'Direct message' },
    },
    capabilities: defineCapabilities({
      inbound: { push: true, pull: false },
      visibilities: ['public', 'private'],
      maxTextLength: limit,
      splitLongText: true,
      threading: 'contact',
      verifiedSenders: true,
    }),
    config: { parse: () => ({}), secretKeys: [] },
    measureText: countCodePoints,
    connect(_account, ctx) {
      return {
        async start() {},
        async stop() {},
        handleWebhook: postedMessage(ctx, { kind: 'shortx', visibility: 'public', verified: true }),
        async send(message) {
          const parts =
            countCodePoints(message.text) <= limit ? [message.text] : message.allowSplit ? splitText(message.text, limit) : null;
          if (!parts) throw new SendError('text_too_long', `over ${limit}`, { retryable: false });
          for (const text of parts) shortSent.push({ text, messageId: message.messageId });
          return { externalIds: parts.map((_, i) => `${message.messageId}:${i}`), state: 'sent' };
        },
      };
    },
  };
}
