import type { WhatsAppConfigInput } from '@centralita/channel-whatsapp';
import { type GraphPeer, type GraphPeerOptions, startGraphPeer } from '@centralita/channel-whatsapp/testing';
import { afterAll, beforeAll } from 'vitest';
import { call, createFixture, type Fixture, login, type TestNode } from './harness.ts';

/** One Graph API peer and a workspace for a test file; the peer closes afterwards. */
export function useGraphPeer(t: TestNode & { db: { current: { db: import('@centralita/db').Db } } }, options: GraphPeerOptions = {}) {
  const holder = {} as { peer: GraphPeer; f: Fixture; cookie: string };
  beforeAll(async () => {
    holder.peer = await startGraphPeer(options);
    holder.f = await createFixture(t);
    holder.cookie = await login(t.url, holder.f.users.admin.email);
  });
  afterAll(async () => {
    await holder.peer?.close();
  });
  return holder;
}

/** A Cloud API account's settings on the peer. */
export function cloudConfig(peer: GraphPeer, overrides: Partial<WhatsAppConfigInput> = {}): WhatsAppConfigInput {
  return {
    mode: 'cloud',
    phoneNumberId: peer.phoneNumberId,
    businessAccountId: peer.wabaId,
    accessToken: peer.accessToken,
    appSecret: peer.appSecret,
    graphUrl: peer.url,
    graphVersion: peer.version,
    subscribeWebhook: false,
    pairSpacingMs: 300,
    ...overrides,
  };
}

/** Adds a WhatsApp Cloud API account through the API (as an admin would); returns its id and webhook URL. */
export async function createCloudAccount(
  t: TestNode,
  token: string,
  peer: GraphPeer,
  overrides: Partial<WhatsAppConfigInput> = {},
): Promise<{ id: string; webhook: string }> {
  const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
    token,
    body: { kind: 'whatsapp', name: 'WhatsApp Acme', config: cloudConfig(peer, overrides) },
  });
  if (res.status !== 201) throw new Error(`creating the WhatsApp account answered ${res.status}: ${res.text}`);
  const id = res.json.channelAccount.id as string;
  return { id, webhook: `${t.url}/webhooks/${id}` };
}
