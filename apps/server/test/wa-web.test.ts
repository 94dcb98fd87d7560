import type { ChannelAdapter } from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createWhatsAppAdapter } from '@centralita/channel-whatsapp';
import { createFakeWebClient, type FakeWebClient } from '@centralita/channel-whatsapp/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, useServer } from './harness.ts';
import { accountReaches, deliveryOf, storedMessage } from './x-kit.ts';

// A phone linked through WhatsApp Web, on the real host: the account runs on the node holding its
// lock, shows its QR code through the API, and becomes a conversation channel once linked.
// whatsapp-web.js's place is taken by the fake client (WhatsApp Web cannot be reached from here).
let fake: FakeWebClient = createFakeWebClient();
const adapter = createWhatsAppAdapter({ createWebClient: () => fake }) as ChannelAdapter;
const t = useServer({ worker: true, pullLockRetryMs: 200, adapters: [adapter] });
let f: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
});

describe('WhatsApp Web on the host', () => {
  let accountId = '';

  // Waits of 30 s: under a loaded CI machine the session's start has taken over ten.
  it('shows the QR code to scan, then is ready once the phone links it', async () => {
    fake = createFakeWebClient();
    const res = await call(t.url, 'POST', '/api/v1/channel-accounts', {
      token: f.adminToken,
      body: { kind: 'whatsapp', name: 'La tienda', config: { mode: 'web' } },
    });
    expect(res.status, res.text).toBe(201);
    accountId = res.json.channelAccount.id;
    expect(res.json.channelAccount.capabilities.inbound).toEqual({ push: false, pull: true });
    await waitFor(async () => ((await fake.getState()) !== null || fake.listenerCount('qr') > 0 ? true : undefined), {
      what: 'the session to start',
      timeoutMs: 30_000,
    });
    fake.showQr();
    const linking = await waitFor(
      async () => {
        const list = await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken });
        const account = (list.json.items as { id: string; state: { state: string; data: Record<string, unknown> } | null }[]).find(
          (a) => a.id === accountId,
        );
        return account?.state?.state === 'linking' ? account.state : undefined;
      },
      { what: 'the account to show its QR code', timeoutMs: 30_000 },
    );
    expect(String(linking.data.image)).toMatch(/^data:image\/png;base64,/);
    fake.authenticate();
    fake.becomeReady({ wid: '34910000000@c.us' });
    await accountReaches(t, f.adminToken, accountId, 'ready', 30_000);
  });

  it('stores what customers write, by phone or by privacy id, and answers from the linked phone', async () => {
    const byPhone = fake.receive({ from: '34600111222@c.us', body: '¿Tenéis la talla M?', notifyName: 'Rosa' });
    const stored = await storedMessage(t, byPhone.id._serialized);
    const hidden = fake.receive({ from: '107543621120034@lid', body: 'Hola, sin número', notifyName: 'Iker' });
    const other = await storedMessage(t, hidden.id._serialized);
    expect(other.conversation_id).not.toBe(stored.conversation_id);
    const identities = await t.db.current.db.kysely
      .selectFrom('conversations as c')
      .innerJoin('identities as i', 'i.contact_id', 'c.contact_id')
      .select(['c.id', 'i.kind', 'i.external_id'])
      .where('c.id', 'in', [stored.conversation_id, other.conversation_id])
      .execute();
    expect(identities.map((i) => `${i.id === stored.conversation_id ? 'rosa' : 'iker'} ${i.kind}:${i.external_id}`).sort()).toEqual([
      'iker whatsapp_lid:107543621120034@lid',
      'rosa phone:+34600111222',
    ]);

    const reply = await call(t.url, 'POST', `/api/v1/conversations/${stored.conversation_id}/messages`, {
      token: f.adminToken,
      body: { text: 'Sí, nos queda una' },
    });
    expect(reply.status, reply.text).toBe(201);
    const sent = await deliveryOf(t, reply.json.message.id, 'sent');
    expect(fake.sent.find((s) => s.id === sent.external_id)).toMatchObject({ chatId: '34600111222@c.us', content: 'Sí, nos queda una' });
    fake.ack(sent.external_id as string, 3);
    await deliveryOf(t, reply.json.message.id, 'read');
  });

  it('shows a phone that logged the device out as logged out', async () => {
    fake.phoneLogsOut();
    await accountReaches(t, f.adminToken, accountId, 'logged_out');
  });
});
