import { waitFor } from '@centralita/channel-kit/conformance';
import { describe, expect, it } from 'vitest';
import { useServer } from './harness.ts';
import { createCloudAccount, useGraphPeer } from './wa-kit.ts';
import { copiesOf, storedMessage } from './x-kit.ts';

// WhatsApp in, end to end: Meta's signed deliveries (played by the Graph peer) reach the server's
// webhook, and what a user notices is checked in the database the console reads.
const t = useServer({ worker: true });
const wa = useGraphPeer(t);

async function identitiesOfConversation(conversationId: string): Promise<string[]> {
  const rows = await t.db.current.db.kysely
    .selectFrom('conversations as c')
    .innerJoin('identities as i', 'i.contact_id', 'c.contact_id')
    .select(['i.kind', 'i.external_id'])
    .where('c.id', '=', conversationId)
    .orderBy('i.kind')
    .execute();
  return rows.map((r) => `${r.kind}:${r.external_id}`);
}

describe('WhatsApp Cloud API in', () => {
  let webhook = '';

  it('answers Meta’s verification with the challenge only for the account’s verify token', async () => {
    const account = await createCloudAccount(t, wa.f.adminToken, wa.peer, { verifyToken: 'mi-token-de-verificacion' });
    webhook = account.webhook;
    const good = await wa.peer.verifyWebhook(webhook, 'mi-token-de-verificacion', '1158201444');
    expect([good.status, good.body]).toEqual([200, '1158201444']);
    const bad = await wa.peer.verifyWebhook(webhook, 'otro-token', '1158201444');
    expect(bad.status).toBe(403);
  });

  it('stores a customer known only by business-scoped id, and joins the phone a later message brings to the same contact', async () => {
    const lucia = { bsuid: 'ES.1449802271', name: 'Lucía' };
    const first = wa.peer.inbound.text({ from: lucia, text: 'Hola, no me funciona la fibra' });
    expect((await wa.peer.deliver(webhook, wa.peer.delivery([first]))).status).toBe(200);
    const firstId = (first.message as { id: string }).id;
    const stored = await storedMessage(t, firstId);
    expect(stored.text).toBe('Hola, no me funciona la fibra');
    expect(await identitiesOfConversation(stored.conversation_id)).toEqual(['whatsapp_bsuid:ES.1449802271']);

    const later = wa.peer.inbound.text({ from: { ...lucia, phone: '+34612345678' }, text: 'Os paso mi número' });
    await wa.peer.deliver(webhook, wa.peer.delivery([later]));
    const second = await storedMessage(t, (later.message as { id: string }).id);
    expect(second.conversation_id).toBe(stored.conversation_id);
    expect(await identitiesOfConversation(stored.conversation_id)).toEqual(['phone:+34612345678', 'whatsapp_bsuid:ES.1449802271']);
  });

  it('stores every message of a delivery once, however often Meta delivers it, and refuses an unsigned one', async () => {
    const pablo = { bsuid: 'ES.5522001133', phone: '+34699000111', name: 'Pablo' };
    const parts = [
      wa.peer.inbound.text({ from: pablo, text: 'Primero' }),
      wa.peer.inbound.location({ from: pablo, latitude: 40.4168, longitude: -3.7038, name: 'Puerta del Sol' }),
      wa.peer.inbound.text({ from: pablo, text: 'Tercero' }),
    ];
    const payload = wa.peer.delivery(parts, { grouping: 'value' });
    const ids = parts.map((p) => (p.message as { id: string }).id);
    const forged = await wa.peer.deliver(webhook, payload, { signature: 'bad' });
    expect(forged.status).toBe(401);
    const unsigned = await wa.peer.deliver(webhook, payload, { signature: 'none' });
    expect(unsigned.status).toBe(401);
    expect(await copiesOf(t, ids[0] as string)).toBe(0);
    const answers = await Promise.all([wa.peer.deliver(webhook, payload), wa.peer.deliver(webhook, payload)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await wa.peer.deliver(webhook, payload);
    for (const id of ids) expect(await copiesOf(t, id)).toBe(1);
    const location = await storedMessage(t, ids[1] as string);
    expect(location.text).toContain('Puerta del Sol');
    const third = await storedMessage(t, ids[2] as string);
    expect(third.conversation_id).toBe(location.conversation_id);
  });

  it('downloads a photo into the message’s attachments', async () => {
    const bytes = new Uint8Array(40_000).map((_, i) => (i * 31) % 256);
    const media = wa.peer.addMedia(bytes, 'image/jpeg');
    const photo = wa.peer.inbound.image({ from: { bsuid: 'ES.7700112233', name: 'Marta' }, media, caption: 'El router parpadea así' });
    await wa.peer.deliver(webhook, wa.peer.delivery([photo]));
    const stored = await storedMessage(t, (photo.message as { id: string }).id);
    expect(stored.text).toBe('El router parpadea así');
    const files = await waitFor(
      async () => {
        const rows = await t.db.current.db.kysely
          .selectFrom('attachments')
          .select(['filename', 'content_type', 'size'])
          .where('message_id', '=', stored.id)
          .execute();
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the photo to be stored' },
    );
    expect(files).toEqual([{ filename: 'image.jpg', content_type: 'image/jpeg', size: 40_000 }]);
  });
});
