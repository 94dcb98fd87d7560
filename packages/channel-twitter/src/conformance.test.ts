import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { createTwitterAdapter } from './adapter.ts';
import { peerAccount } from './testing/account.ts';
import { startXPeer } from './testing/index.ts';

// The X channel in both of its ways in, against the local X peer with the real twitter-api-v2
// client: polling (mentions and DMs read on a fast schedule) and the X Activity API's webhook
// (registered with the peer, which checks its CRC answer before it delivers).
const adapter = createTwitterAdapter();

runConformanceSuite({
  adapter,
  modes: {
    polling: async () => {
      const peer = await startXPeer();
      const account = await peerAccount(peer, { mode: 'polling' });
      return { config: adapter.config.parse(account.config), peer: account.conformancePeer, teardown: account.close };
    },
    webhook: async () => {
      const peer = await startXPeer();
      const account = await peerAccount(peer, { mode: 'webhook' });
      return {
        config: adapter.config.parse(account.config),
        peer: account.conformancePeer,
        webhookUrl: account.webhookUrl,
        teardown: account.close,
      };
    },
  },
});
