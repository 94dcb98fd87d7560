import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { createRelayAdapter } from './relay-adapter.ts';
import { RelayPeer } from './relay-peer.ts';

// The relay is a test-only pull channel; passing the suite proves the pull half of the contract.
runConformanceSuite({
  adapter: createRelayAdapter(),
  async setup() {
    const relay = await new RelayPeer().listen();
    return {
      config: { host: '127.0.0.1', port: relay.port },
      peer: {
        async inbound({ from, text, replyTo }) {
          relay.push(from, text, replyTo?.externalMessageId);
          return null;
        },
        received: async () => relay.sent.map((s) => s.text),
        dropConnections: async () => relay.dropAll(),
        recipient: (from) => ({ kind: 'relay', externalId: from }),
      },
      teardown: () => relay.close(),
    };
  },
});
