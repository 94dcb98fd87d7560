import { waitFor } from '@centralita/channel-kit/conformance';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { call, useServer } from './harness.ts';
import { createCloudAccount, useGraphPeer } from './wa-kit.ts';
import { deliveryOf, storedMessage } from './x-kit.ts';

// WhatsApp out: replies go through the outbox to the Graph peer within the 24-hour window,
// templates outside it; Meta's limits are waited out and its refusals explained; each message
// sent is priced by category and market, per conversation and per account.
const t = useServer({ worker: true });
const wa = useGraphPeer(t, { pairRateMs: 250 });

async function reply(conversationId: string, body: Record<string, unknown>) {
  return call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { cookie: wa.cookie, body });
}

/** Makes the customer's latest message `hours` old, as if the conversation had waited that long. */
async function age(conversationId: string, hours: number) {
  const at = new Date(Date.now() - hours * 3_600_000);
  await sql`UPDATE messages SET created_at = ${at},
      metadata = jsonb_set(metadata, '{sentAt}', to_jsonb(${at.toISOString()}::text))
    WHERE conversation_id = ${conversationId} AND direction = 'inbound'`.execute(t.db.current.db.kysely);
}

describe('WhatsApp Cloud API out', () => {
  let webhook = '';
  let accountId = '';
  let conversationId = '';
  const ana = { bsuid: 'ES.3141592653', phone: '+34611222333', name: 'Ana' };

  it('answers inside the window from the number the customer wrote to, by phone', async () => {
    const account = await createCloudAccount(t, wa.f.adminToken, wa.peer);
    [webhook, accountId] = [account.webhook, account.id];
    const part = wa.peer.inbound.text({ from: ana, text: '¿Cuándo llega mi pedido?' });
    await wa.peer.deliver(webhook, wa.peer.delivery([part]));
    conversationId = (await storedMessage(t, (part.message as { id: string }).id)).conversation_id;
    const options = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/reply-options`, { cookie: wa.cookie });
    expect(options.json.templates).toBe(true);
    expect(new Date(options.json.windowClosesAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    // The account's own limit: the Cloud API takes 4,096 characters and does not split.
    const long = await reply(conversationId, { text: 'a'.repeat(4_097), allowSplit: true });
    expect([long.status, long.json.error?.message]).toEqual([422, 'WhatsApp takes 4096 characters; this reply has 4097. Shorten it.']);
    const res = await reply(conversationId, { text: 'Hola Ana, sale mañana' });
    expect(res.status, res.text).toBe(201);
    const sent = await deliveryOf(t, res.json.message.id, 'sent');
    const onPeer = wa.peer.sent.find((s) => s.messageId === sent.external_id);
    expect(onPeer?.phoneNumberId).toBe(wa.peer.phoneNumberId);
    expect([onPeer?.addressedBy, onPeer?.body.to, onPeer?.body.text]).toEqual(['phone', '34611222333', { body: 'Hola Ana, sale mañana' }]);
  });

  it('quotes the customer message the agent picked, and refuses to quote anything else', async () => {
    const question = wa.peer.inbound.text({ from: ana, text: '¿Y la factura?' });
    await wa.peer.deliver(webhook, wa.peer.delivery([question]));
    const wamid = (question.message as { id: string }).id;
    const stored = await storedMessage(t, wamid);
    const res = await reply(conversationId, { text: 'Te la mando ahora', quoteMessageId: stored.id });
    expect(res.status, res.text).toBe(201);
    const sent = await deliveryOf(t, res.json.message.id, 'sent');
    expect(wa.peer.sent.find((s) => s.messageId === sent.external_id)?.body.context).toEqual({ message_id: wamid });
    const own = await reply(conversationId, { text: 'Otra', quoteMessageId: res.json.message.id });
    expect(own.status).toBe(422);
    expect(own.json.error.message).toMatch(/quoteMessageId: a reply can quote only a customer message/);
  });

  it('applies Meta’s statuses to the reply, failures with their reason', async () => {
    const res = await reply(conversationId, { text: 'Te aviso con el seguimiento' });
    const sent = await deliveryOf(t, res.json.message.id, 'sent');
    const onPeer = wa.peer.sent.find((s) => s.messageId === sent.external_id);
    if (!onPeer) throw new Error('the reply did not reach the peer');
    await wa.peer.deliver(webhook, wa.peer.delivery([wa.peer.statuses.delivered(onPeer), wa.peer.statuses.read(onPeer)]));
    await deliveryOf(t, res.json.message.id, 'read');
    const later = await reply(conversationId, { text: 'Y otra cosa' });
    const other = await deliveryOf(t, later.json.message.id, 'sent');
    const failed = wa.peer.sent.find((s) => s.messageId === other.external_id);
    if (!failed) throw new Error('the second reply did not reach the peer');
    await wa.peer.deliver(webhook, wa.peer.delivery([wa.peer.statuses.failed(failed, 131026)]));
    const row = await deliveryOf(t, later.json.message.id, 'failed');
    expect(row.failure_reason).toMatch(/131026/);
  });

  it('spaces a reply Meta refused for the pair rate (131056) and delivers it once', async () => {
    wa.peer.failNext({ code: 131056 });
    const before = wa.peer.sent.length;
    const res = await reply(conversationId, { text: 'Perdona la insistencia' });
    await deliveryOf(t, res.json.message.id, 'sent', 20_000);
    expect(wa.peer.sent.slice(before).filter((s) => JSON.stringify(s.body).includes('Perdona la insistencia'))).toHaveLength(1);
  });

  it('refuses free text once the window closed, saying when, and sends a chosen template instead', async () => {
    await age(conversationId, 30);
    const refused = await reply(conversationId, { text: '¿Sigues ahí?' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toMatch(/24 hours.*window closed on \d+ \w+ \d{4}, \d\d:\d\d UTC/);
    expect(refused.json.error.details.reply.alternatives.map((a: { kind: string }) => a.kind)).toContain('template');

    const listed = await call(t.url, 'GET', `/api/v1/channel-accounts/${accountId}/templates`, { cookie: wa.cookie });
    expect(listed.status, listed.text).toBe(200);
    const template = (listed.json.templates as { name: string; language: string; status: string; parameters: { key: string }[] }[]).find(
      (x) => x.status === 'approved' && x.parameters.length > 0,
    );
    if (!template) throw new Error('the peer lists no approved template with parameters');
    const parameters = Object.fromEntries(template.parameters.map((p, i) => [p.key, `valor ${i + 1}`]));
    const empty = await reply(conversationId, { template: { name: template.name, language: template.language, parameters: {} } });
    expect(empty.status).toBe(422);
    expect(empty.json.error.message).toMatch(/is empty/);
    const res = await reply(conversationId, { template: { name: template.name, language: template.language, parameters } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.message.text).toContain('valor 1');
    const sent = await deliveryOf(t, res.json.message.id, 'sent');
    const onPeer = wa.peer.sent.find((s) => s.messageId === sent.external_id);
    expect(onPeer?.type).toBe('template');
    expect((onPeer?.body.template as { name: string } | undefined)?.name).toBe(template.name);
  });

  it('shows what the conversation cost, by category and market, and the account’s month', async () => {
    const cost = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/cost`, { cookie: wa.cookie });
    expect(cost.status, cost.text).toBe(200);
    const lines = cost.json.lines as { kind: string; label: string; units: number; cost: number }[];
    expect(lines.find((l) => l.kind === 'service@ES')).toMatchObject({ label: 'Service replies (ES)', units: 5 });
    expect(lines.some((l) => l.kind.startsWith('template_') && l.kind.endsWith('@ES'))).toBe(true);
    expect(cost.json.totals[0].currency).toBe('USD');
    const usage = await waitFor(
      async () => {
        const res = await call(t.url, 'GET', `/api/v1/channel-accounts/${accountId}/usage`, { token: wa.f.adminToken });
        return (res.json.kinds as { kind: string }[]).some((k) => k.kind === 'service@ES') ? res.json : undefined;
      },
      { what: 'the account’s usage to show the replies' },
    );
    expect(usage.total).toBeCloseTo(cost.json.totals[0].cost, 6);
  });
});
