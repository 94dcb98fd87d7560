import type { OutboundMessage } from '@centralita/channel-kit';
import { SendError } from '@centralita/channel-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebAccount, type WebAccountHarness } from '../testing/fake-web-client-harness.ts';
import { WEB_TEXT_LIMIT } from './send.ts';

// What reaches the customer when an agent replies on a web-mode account, and what the agent is
// told when it cannot.
const running: WebAccountHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

async function ready(): Promise<WebAccountHarness> {
  const h = await startWebAccount({ fake: { autoReady: true } });
  running.push(h);
  await h.waitForState('ready');
  return h;
}

function reply(fields: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    messageId: crypto.randomUUID(),
    conversationId: crypto.randomUUID(),
    text: 'Hola, ya lo miramos',
    visibility: 'private',
    recipient: { kind: 'phone', externalId: '+34600111222' },
    inReplyTo: [],
    allowSplit: false,
    ...fields,
  };
}

const target = (externalId: string, chatId: string) => ({
  externalId,
  visibility: 'private' as const,
  metadata: { mode: 'web', chatId },
  receivedAt: new Date(),
});

describe('sending a reply', () => {
  it('writes to the phone the host chose, or to the lid, or else to the chat the customer wrote from', async () => {
    const h = await ready();
    const byPhone = await h.connection.send(reply());
    await h.connection.send(reply({ recipient: { kind: 'whatsapp_lid', externalId: '204785112233445@lid' }, text: 'por lid' }));
    await h.connection.send(reply({ recipient: null, target: target('false_777@lid_AB', '777@lid'), text: 'por el chat' }));
    expect(h.fake.sent.map((s) => [s.chatId, s.content])).toEqual([
      ['34600111222@c.us', 'Hola, ya lo miramos'],
      ['204785112233445@lid', 'por lid'],
      ['777@lid', 'por el chat'],
    ]);
    expect(byPhone).toEqual({ externalIds: [h.fake.sent[0]?.id], state: 'sent' });
  });

  it('quotes the customer message the agent quoted, and only then', async () => {
    const h = await ready();
    const incoming = h.fake.receive({ from: '34600111222@c.us', body: '¿abrís el sábado?' });
    const answering = target(incoming.id._serialized, '34600111222@c.us');
    await h.connection.send(reply({ target: answering, text: 'Sí, de 10 a 14', quotedExternalId: incoming.id._serialized }));
    expect(h.fake.sent[0]).toMatchObject({ content: 'Sí, de 10 a 14', quotedMessageId: incoming.id._serialized });
    await h.connection.send(reply({ target: answering, text: 'Y el domingo cerramos' }));
    expect(h.fake.sent[1]?.quotedMessageId).toBeUndefined();
    // A Cloud API id (a wamid) is not a WhatsApp Web message: nothing to quote.
    await h.connection.send(reply({ target: answering, quotedExternalId: 'wamid.HBgLMzQ2MDA=' }));
    expect(h.fake.sent[2]?.quotedMessageId).toBeUndefined();
  });

  it('sends attachments as media, the text as the first one’s caption', async () => {
    const h = await ready();
    const pdf = new TextEncoder().encode('%PDF-1.7 factura');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const result = await h.connection.send(
      reply({
        text: 'Aquí tienes la factura y el plano',
        attachments: [
          { filename: 'factura.pdf', contentType: 'application/pdf', content: pdf },
          { filename: 'plano.png', contentType: 'image/png', content: png },
        ],
      }),
    );
    expect(result.externalIds).toHaveLength(2);
    expect(h.fake.sent.map((s) => [s.content, s.media?.filename, s.media?.mimetype])).toEqual([
      ['Aquí tienes la factura y el plano', 'factura.pdf', 'application/pdf'],
      ['', 'plano.png', 'image/png'],
    ]);
    expect(Buffer.from(h.fake.sent[0]?.media?.data ?? '', 'base64').toString()).toBe('%PDF-1.7 factura');
  });

  it('sends a template as its rendered text: WhatsApp Web has no templates', async () => {
    const h = await ready();
    await h.connection.send(
      reply({ text: 'Su pedido 1234 está listo', template: { name: 'pedido_listo', language: 'es', parameters: { 'body.1': '1234' } } }),
    );
    expect(h.fake.sent.map((s) => s.content)).toEqual(['Su pedido 1234 está listo']);
  });

  it('refuses a text over WhatsApp’s limit unless splitting is allowed, and resumes a split reply', async () => {
    const h = await ready();
    const long = 'palabra '.repeat(Math.ceil((WEB_TEXT_LIMIT * 2) / 8)).trim();
    const refused = await h.connection.send(reply({ text: long })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SendError);
    expect(refused).toMatchObject({ code: 'text_too_long', retryable: false });
    const split = await h.connection.send(reply({ text: long, allowSplit: true, sentParts: ['earlier-part'] }));
    expect(split.externalIds[0]).toBe('earlier-part');
    expect(split.externalIds.length).toBeGreaterThanOrEqual(3);
    expect(h.fake.sent).toHaveLength(split.externalIds.length - 1);
  });
});

describe('when it cannot be sent', () => {
  it('holds the reply while no session is ready on this node', async () => {
    const h = await ready();
    h.fake.disconnect('NAVIGATION');
    const held = await h.connection.send(reply()).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(SendError);
    expect(held).toMatchObject({
      code: 'web_not_ready',
      retryable: true,
      retryAfterMs: 3_000,
      hold: 'Waiting for the WhatsApp Web session on the node that runs this account',
    });
  });

  it('waits a moment for a session that is starting, rather than holding the reply', async () => {
    const h = await startWebAccount({ fake: { autoReady: true }, connection: { sendWaitMs: 2_000 } });
    running.push(h);
    // Sent right after start, while Chromium is still coming up.
    const result = await h.connection.send(reply({ text: 'en cuanto arranque' }));
    expect(h.fake.sent.map((s) => s.content)).toEqual(['en cuanto arranque']);
    expect(result.externalIds).toEqual([h.fake.sent[0]?.id]);
  });

  it('retries when the page went away mid-send, and not when WhatsApp refuses the recipient', async () => {
    const h = await ready();
    h.fake.failNextSend(new Error('Protocol error (Runtime.callFunctionOn): Target closed'));
    const gone = await h.connection.send(reply()).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'web_page_gone', retryable: true });
    expect((gone as Error).message).toMatch(/WhatsApp Web closed while sending/);

    h.fake.failNextSend(new Error('Evaluation failed: Error: wid error: invalid wid'));
    const refused = await h.connection.send(reply()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'web_bad_recipient', retryable: false });
    expect((refused as Error).message).toMatch(/^WhatsApp refused the recipient \(Evaluation failed: Error: wid error: invalid wid\)/);

    const none = await h.connection.send(reply({ recipient: { kind: 'email', externalId: 'ana@example.com' } })).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'no_recipient', retryable: false });
    expect(h.fake.sent).toHaveLength(0);
  });
});
