import { describe, expect, it } from 'vitest';
import { ana, business, inbound, onlyMessage, SENT_AT, textOf } from './fixtures.ts';

const jpeg = { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'NOw6GfAEyrdpHPdc4ObmLVxvzrUS4AWBBY63sNNnpQ8=' };

describe('text and media messages', () => {
  it('turn a text into a private message in the contact thread, with what a reply needs', () => {
    const body = inbound(ana, 'text', { body: 'Hola, ¿tenéis la talla M?' });
    const item = onlyMessage(body);
    const raw = (body.entry as { changes: { value: { messages: { id: string }[] } }[] }[])[0]?.changes[0]?.value.messages[0];
    expect(item).toEqual({
      kind: 'message',
      phoneNumberId: business.phoneNumberId,
      displayPhoneNumber: business.displayPhoneNumber,
      media: null,
      event: {
        type: 'message.received',
        externalMessageId: raw?.id,
        occurredAt: SENT_AT,
        sender: {
          kind: 'whatsapp_bsuid',
          externalId: ana.bsuid,
          verified: true,
          displayName: 'Ana Ruiz',
          country: 'ES',
          otherIdentities: [{ kind: 'phone', externalId: '+34600123456', verified: true }],
        },
        text: 'Hola, ¿tenéis la talla M?',
        visibility: 'private',
        thread: { contactThread: true },
        metadata: {
          phoneNumberId: business.phoneNumberId,
          displayPhoneNumber: business.displayPhoneNumber,
          type: 'text',
          waId: ana.phone,
          bsuid: ana.bsuid,
          parentBsuid: ana.parentBsuid,
        },
      },
    });
  });

  it('never shows an empty text', () => {
    expect(textOf(inbound(ana, 'text', { body: '   ' }))).toBe('[Empty message]');
    expect(textOf(inbound(ana, 'text', undefined))).toBe('[Empty message]');
  });

  it('show an image by its caption, or as [Image], and name the media to download', () => {
    const captioned = onlyMessage(inbound(ana, 'image', { ...jpeg, caption: 'The stain on the sleeve' }));
    expect(captioned.event.text).toBe('The stain on the sleeve');
    expect(captioned.media).toEqual({ id: jpeg.id, mimeType: 'image/jpeg', sha256: jpeg.sha256, filename: null, kind: 'image' });
    expect(textOf(inbound(ana, 'image', jpeg))).toBe('[Image]');
  });

  it('show a video, a sticker and audio by kind, voice notes apart', () => {
    expect(textOf(inbound(ana, 'video', { id: '2', mime_type: 'video/mp4' }))).toBe('[Video]');
    const sticker = onlyMessage(inbound(ana, 'sticker', { id: '3', mime_type: 'image/webp', animated: true }));
    expect(sticker.event.text).toBe('[Sticker]');
    expect(sticker.event.metadata).toMatchObject({ animated: true });
    expect(sticker.media?.kind).toBe('sticker');
    const voice = onlyMessage(inbound(ana, 'audio', { id: '4', mime_type: 'audio/ogg; codecs=opus', voice: true }));
    expect(voice.event.text).toBe('[Voice message]');
    expect(voice.media).toEqual({ id: '4', mimeType: 'audio/ogg; codecs=opus', sha256: null, filename: null, kind: 'audio', voice: true });
    const song = onlyMessage(inbound(ana, 'audio', { id: '5', mime_type: 'audio/mpeg' }));
    expect(song.event.text).toBe('[Audio]');
    expect(song.media?.voice).toBe(false);
  });

  it('show a document by its name, with a file name safe to store', () => {
    const doc = onlyMessage(inbound(ana, 'document', { id: '6', mime_type: 'application/pdf', filename: 'factura-0042.pdf' }));
    expect(doc.event.text).toBe('[Document: factura-0042.pdf]');
    expect(doc.media).toMatchObject({ kind: 'document', filename: 'factura-0042.pdf', mimeType: 'application/pdf' });
    const hostile = onlyMessage(
      inbound(ana, 'document', { id: '7', mime_type: 'application/pdf', filename: '../../etc/pass"wd\u0000.pdf' }),
    );
    expect(hostile.media?.filename).toBe('pass_wd_.pdf');
    expect(textOf(inbound(ana, 'document', { id: '8', mime_type: 'application/pdf' }))).toBe('[Document]');
    expect(textOf(inbound(ana, 'document', { id: '9', filename: 'a.pdf', caption: 'Here it is' }))).toBe('Here it is');
  });

  it('declare an unknown or missing mime type as bytes', () => {
    expect(onlyMessage(inbound(ana, 'image', { id: '10' })).media?.mimeType).toBe('application/octet-stream');
    expect(onlyMessage(inbound(ana, 'image', { id: '11', mime_type: 'not a type' })).media?.mimeType).toBe('application/octet-stream');
    expect(onlyMessage(inbound(ana, 'image', { id: '12', mime_type: 'IMAGE/PNG' })).media?.mimeType).toBe('image/png');
  });
});
