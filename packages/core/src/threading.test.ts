import { describe, expect, it } from 'vitest';
import { planThreading } from './threading.ts';

const now = new Date('2026-11-24T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe('planThreading', () => {
  it('starts a new conversation when nothing matches', () => {
    expect(planThreading([], now, 60)).toEqual({ action: 'new', previousConversationId: null, rule: null });
  });

  it('joins an open conversation without changing it', () => {
    const plan = planThreading([{ rule: 'in_reply_to', conversation: { id: 'c1', status: 'open', resolvedAt: null } }], now, 60);
    expect(plan).toEqual({ action: 'join', conversationId: 'c1', rule: 'in_reply_to', reopen: false, wake: false });
  });

  it('wakes a snoozed or pending conversation when the customer writes', () => {
    for (const status of ['snoozed', 'pending'] as const) {
      const plan = planThreading([{ rule: 'contact_thread', conversation: { id: 'c1', status, resolvedAt: null } }], now, 60);
      expect(plan).toMatchObject({ action: 'join', wake: true, reopen: false });
    }
  });

  it('reopens a conversation resolved within the window, at the window edge too', () => {
    const plan = planThreading(
      [{ rule: 'external_thread', conversation: { id: 'c1', status: 'resolved', resolvedAt: minutesAgo(60) } }],
      now,
      60,
    );
    expect(plan).toMatchObject({ action: 'join', conversationId: 'c1', reopen: true });
  });

  it('starts a new conversation linked to one resolved before the window', () => {
    const plan = planThreading(
      [{ rule: 'external_thread', conversation: { id: 'c1', status: 'resolved', resolvedAt: minutesAgo(61) } }],
      now,
      60,
    );
    expect(plan).toEqual({ action: 'new', previousConversationId: 'c1', rule: 'external_thread' });
  });

  it('lets the first rule win over later ones', () => {
    const plan = planThreading(
      [
        { rule: 'in_reply_to', conversation: { id: 'a', status: 'open', resolvedAt: null } },
        { rule: 'contact_thread', conversation: { id: 'b', status: 'open', resolvedAt: null } },
      ],
      now,
      60,
    );
    expect(plan).toMatchObject({ conversationId: 'a' });
  });
});

describe('planThreading on the customer page', () => {
  it('reopens however long ago the conversation was resolved', () => {
    const long = new Date(now.getTime() - 90 * 24 * 60 * 60_000);
    const plan = planThreading([{ rule: 'portal', conversation: { id: 'c1', status: 'resolved', resolvedAt: long } }], now, 60);
    expect(plan).toMatchObject({ action: 'join', conversationId: 'c1', reopen: true });
  });
});

describe('automated messages', () => {
  it('join a resolved conversation long after the reopen window without reopening it', () => {
    const plan = planThreading(
      [{ rule: 'in_reply_to', conversation: { id: 'c1', status: 'resolved', resolvedAt: new Date('2026-01-01T00:00:00Z') } }],
      now,
      60,
      { automated: true },
    );
    expect(plan).toEqual({ action: 'join', conversationId: 'c1', rule: 'in_reply_to', reopen: false, wake: false });
  });
  it('never wake a snoozed conversation', () => {
    const plan = planThreading([{ rule: 'subject', conversation: { id: 'c2', status: 'snoozed', resolvedAt: null } }], now, 60, {
      automated: true,
    });
    expect(plan).toMatchObject({ action: 'join', wake: false, reopen: false });
  });
});
