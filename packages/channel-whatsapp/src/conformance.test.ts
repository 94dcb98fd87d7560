import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { createWhatsAppAdapter } from './adapter.ts';
import { createFakeWebClient, type FakeWebClient, fakeWebAccount, peerAccount, startGraphPeer } from './testing/index.ts';

// The WhatsApp channel in both of its modes. `cloud`: the Cloud API against the local Graph peer
// with the adapter's real HTTP client; `start` subscribes the app with the context's webhook URL,
// which the peer verifies against a local receiver before it answers. `web`: whatsapp-web.js's
// place taken by the fake client (WhatsApp Web cannot be reached from a test), one per account.
let fake: FakeWebClient = createFakeWebClient({ autoReady: true });
const adapter = createWhatsAppAdapter({ createWebClient: () => fake });

runConformanceSuite({
  adapter,
  // Senders are `whatsapp_bsuid` (cloud) or `phone` / `whatsapp_lid` (web), all in the adapter's
  // addressKinds, which is where the suite looks.
  modes: {
    cloud: async () => {
      const account = await peerAccount(await startGraphPeer());
      return {
        config: adapter.config.parse(account.config),
        peer: account.conformancePeer,
        webhookUrl: account.webhookUrl,
        teardown: account.close,
      };
    },
    web: async () => {
      fake = createFakeWebClient({ autoReady: true });
      const account = fakeWebAccount(fake);
      return { config: adapter.config.parse(account.config), peer: account.conformancePeer };
    },
  },
});
