import { describe, expect, it } from 'vitest';
import { ana, business, contact, delivery, messagesChange, NOW, onlyStatus, SENT_AT, status } from './fixtures.ts';
import { MAX_REASON_LENGTH, parseDelivery } from './index.ts';

const ours = 'wamid.HBgLMzQ2MDAxMjM0NTYVAgARGBI1RkE3NjM0QkQ4RjI3RjBCQjIA';
const perMessage = { billable: true, pricing_model: 'PMP', category: 'UTILITY', type: 'regular' };

function statusDelivery(entry: Record<string, unknown>, contacts: unknown[] = []): Record<string, unknown> {
  return delivery(messagesChange({ ...(contacts.length > 0 ? { contacts } : {}), statuses: [entry] }));
}

describe('statuses of our messages', () => {
  it('report a sent message with what Meta charges for it', () => {
    const item = onlyStatus(statusDelivery(status(ours, 'sent', ana, { pricing: perMessage }), [contact(ana)]));
    expect(item).toEqual({
      kind: 'status',
      phoneNumberId: business.phoneNumberId,
      event: { type: 'delivery.updated', externalMessageId: ours, occurredAt: SENT_AT, state: 'sent' },
      pricing: { category: 'utility', billable: true },
      recipient: { bsuid: ana.bsuid, phone: ana.e164 },
    });
  });

  it('report delivered and read, and a played voice note as read', () => {
    expect(onlyStatus(statusDelivery(status(ours, 'delivered'))).event.state).toBe('delivered');
    expect(onlyStatus(statusDelivery(status(ours, 'read'))).event.state).toBe('read');
    expect(onlyStatus(statusDelivery(status(ours, 'played'))).event.state).toBe('read');
    expect(onlyStatus(statusDelivery(status(ours, 'READ'))).event.state).toBe('read');
  });

  it('say why a message failed, in one line with the code first', () => {
    const errors = [
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: {
          details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ];
    const item = onlyStatus(statusDelivery(status(ours, 'failed', { bsuid: ana.bsuid }, { errors })));
    expect(item.event).toEqual({
      type: 'delivery.updated',
      externalMessageId: ours,
      occurredAt: SENT_AT,
      state: 'failed',
      reason:
        '131047 Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
    expect(item.errorCode).toBe(131047);
    expect(item.recipient).toEqual({ bsuid: ana.bsuid, phone: null });
  });

  it('fall back to the message, the title or a plain sentence when an error says less', () => {
    const reason = (errors: unknown) => onlyStatus(statusDelivery(status(ours, 'failed', ana, { errors }))).event.reason;
    expect(reason([{ code: '131026', title: 'Message undeliverable', message: 'Receiver is incapable of receiving this message' }])).toBe(
      '131026 Message undeliverable: Receiver is incapable of receiving this message',
    );
    expect(reason([{ title: 'Something went wrong' }])).toBe('Something went wrong');
    expect(reason(undefined)).toBe('WhatsApp reported the message as failed without saying why');
    const long = reason([{ code: 368, title: 'Temporarily blocked', error_data: { details: 'x'.repeat(5_000) } }]);
    expect(long?.length).toBeLessThanOrEqual(MAX_REASON_LENGTH + 1);
    expect(long?.startsWith('368 Temporarily blocked: xxx')).toBe(true);
  });

  it('keep the category of the older per-conversation pricing, and free tiers as not billable', () => {
    const conversation = { id: 'a75d17ad06104c51166f948319b03c6a', expiration_timestamp: '1750943820', origin: { type: 'service' } };
    const item = onlyStatus(
      statusDelivery(status(ours, 'sent', ana, { conversation, pricing: { billable: false, pricing_model: 'CBP', category: 'service' } })),
    );
    expect(item.conversationCategory).toBe('service');
    expect(item.pricing).toEqual({ category: 'service', billable: false });
    const free = onlyStatus(
      statusDelivery(status(ours, 'delivered', ana, { pricing: { category: 'service', type: 'free_customer_service' } })),
    );
    expect(free.pricing).toEqual({ category: 'service', billable: false });
    const unsaid = onlyStatus(statusDelivery(status(ours, 'delivered', ana, { pricing: { category: 'marketing', billable: 'true' } })));
    expect(unsaid.pricing).toEqual({ category: 'marketing', billable: true });
    expect(onlyStatus(statusDelivery(status(ours, 'read'))).pricing).toBeNull();
  });

  it('find the recipient BSUID on the contact when the status names only the phone', () => {
    const item = onlyStatus(statusDelivery(status(ours, 'delivered', { phone: ana.phone }), [contact(ana)]));
    expect(item.recipient).toEqual({ bsuid: ana.bsuid, phone: ana.e164 });
    const group = onlyStatus(statusDelivery({ ...status(ours, 'sent', {}), recipient_id: '120363025246125486', recipient_type: 'group' }));
    expect(group.recipient).toEqual({ bsuid: null, phone: null });
  });

  it('ignore a deleted message quietly and name a status no one knows', () => {
    expect(parseDelivery(statusDelivery(status(ours, 'deleted')), { now: NOW })).toEqual({ items: [], problems: [] });
    expect(parseDelivery(statusDelivery(status(ours, 'warning')), { now: NOW })).toEqual({
      items: [],
      problems: [
        'entry[0].changes[0].value.statuses[0].status: "warning" is not a status Centralita knows (sent, delivered, read, failed)',
      ],
    });
    expect(parseDelivery(statusDelivery({ ...status(ours, 'sent'), id: undefined }), { now: NOW }).problems).toEqual([
      'entry[0].changes[0].value.statuses[0]: no id',
    ]);
    expect(parseDelivery(statusDelivery({ ...status(ours, 'sent'), status: 7 }), { now: NOW }).problems).toEqual([
      'entry[0].changes[0].value.statuses[0].status: "7" is not a status Centralita knows (sent, delivered, read, failed)',
    ]);
  });

  it('date a status by its timestamp, or now', () => {
    expect(onlyStatus(statusDelivery({ ...status(ours, 'read'), timestamp: 'soon' })).event.occurredAt).toEqual(NOW);
  });
});
