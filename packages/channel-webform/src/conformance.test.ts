import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { createWebformAdapter } from './adapter.ts';
import { parseWebformConfig } from './config.ts';
import { webformPeer } from './testing.ts';

runConformanceSuite({
  adapter: createWebformAdapter(),
  senderKind: {
    kind: 'email',
    because: 'the form reports the typed-in address as an email sender, and answers on the customer page (no recipient needed)',
  },
  async setup() {
    return { config: parseWebformConfig({}), peer: webformPeer() };
  },
});
