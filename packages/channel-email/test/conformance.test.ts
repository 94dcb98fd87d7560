import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { openMailPeer } from '@centralita/testing';
import { createEmailAdapter, type EmailConfig } from '../src/index.ts';

// Against a real Dovecot (IMAP with STARTTLS and IDLE, mail delivered over LMTP) and a real SMTP
// listener; dropped connections are cut by a TCP proxy in front of Dovecot.
runConformanceSuite({
  adapter: createEmailAdapter({ reconnect: { minDelayMs: 50, maxDelayMs: 500 } }),
  timeoutMs: 15_000,
  async setup() {
    const peer = await openMailPeer();
    return {
      config: peer.config satisfies EmailConfig,
      peer: {
        async inbound({ from, text, replyTo }) {
          await peer.send({ from, text, ...(replyTo ? { inReplyTo: replyTo.externalMessageId } : {}) });
          return null;
        },
        received: () => peer.sentTexts(),
        dropConnections: async () => peer.proxy.dropAll(),
        recipient: (from) => ({ kind: 'email', externalId: from }),
      },
      teardown: () => peer.close(),
    };
  },
});
