import { type ChannelAdapter, countCodePoints, defineCapabilities } from '@centralita/channel-kit';
import { postedMessage } from './test-channel.ts';

/** What the test-only file channel "delivered": each reply's text and files. */
export const fileSent: { text: string; files: { filename: string; contentType: string; content: Buffer }[] }[] = [];

/**
 * A test-only push channel that takes attachments, so the composer's files can be checked end
 * to end (upload, send, delivery) without a mail server.
 */
export function createFileChannel(): ChannelAdapter<Record<string, never>> {
  return {
    kind: 'filesx',
    displayName: 'Files (test)',
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect x="5" y="3" width="14" height="18" fill="currentColor"/></svg>',
      fields: {},
      visibilities: { private: 'Direct message' },
    },
    capabilities: defineCapabilities({ inbound: { push: true, pull: false }, threading: 'contact', attachments: true }),
    config: { parse: () => ({}), secretKeys: [] },
    measureText: countCodePoints,
    connect(_account, ctx) {
      return {
        async start() {},
        async stop() {},
        handleWebhook: postedMessage(ctx, { kind: 'filesx', visibility: 'private', verified: false }),
        async send(message) {
          fileSent.push({
            text: message.text,
            files: (message.attachments ?? []).map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              content: Buffer.from(a.content),
            })),
          });
          return { externalIds: [message.messageId], state: 'sent' };
        },
      };
    },
  };
}
