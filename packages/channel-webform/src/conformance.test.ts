import { runConformanceSuite } from '@centralita/channel-kit/conformance';
import { createWebformAdapter } from './adapter.ts';
import { parseWebformConfig } from './config.ts';

function post(fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    query: {},
    rawBody: Buffer.from(JSON.stringify(fields)),
    clientIp: '198.51.100.7',
  };
}

runConformanceSuite({
  adapter: createWebformAdapter(),
  async setup() {
    return {
      config: parseWebformConfig({}),
      peer: {
        async inbound({ from, text }) {
          return post({ name: 'Ana', email: from, message: text }, { 'idempotency-key': `k-${from}-${text}` });
        },
        malformed: () => ({ ...post({}), rawBody: Buffer.from('{"name": "Ana", ') }),
        recipient: () => null,
      },
    };
  },
});
