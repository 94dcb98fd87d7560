import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { createRelayAdapter } from './relay-adapter.ts';
import { RelayPeer } from './relay-peer.ts';

// The relay is a test-only channel whose accounts either read a stream (pull) or take signed
// webhooks (push): passing the suite in both modes proves both halves of the contract.
const adapter = createRelayAdapter();

async function relayAccount(mode: 'pull' | 'push') {
  const token = adapter.config.generate?.().token ?? '';
  const relay = await new RelayPeer({ token }).listen();
  return {
    config: adapter.config.parse({ host: '127.0.0.1', port: relay.port, mode, token }),
    peer: {
      async inbound({ from, text, replyTo }: { from: string; text: string; replyTo?: { externalMessageId: string } }) {
        const m = relay.push(from, text, replyTo?.externalMessageId);
        return mode === 'push' ? relay.webhookRequest(m) : null;
      },
      received: async () => relay.sent.map((s) => s.text),
      dropConnections: async () => relay.dropAll(),
      recipient: (from: string) => ({ kind: 'relay', externalId: from }),
      ...(mode === 'push'
        ? {
            forge: (req: import('@centralita/channel-kit').WebhookRequest) => ({
              ...req,
              headers: { ...req.headers, 'x-relay-signature': `sha256=${'0'.repeat(64)}` },
            }),
            malformed: () => relay.sign({ ...relay.webhookRequest(relay.push('x', 'y')), rawBody: Buffer.from('{"seq": ') }),
            sign: (req: import('@centralita/channel-kit').WebhookRequest) => relay.sign(req),
            registeredWebhooks: async () => relay.webhooks.map((w) => w.url),
          }
        : {}),
    },
    teardown: () => relay.close(),
  };
}

runConformanceSuite({
  adapter,
  modes: { pull: () => relayAccount('pull'), push: () => relayAccount('push') },
});
