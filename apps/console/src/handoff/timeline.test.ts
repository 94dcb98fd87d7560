import { describe, expect, it } from 'vitest';
import type { Handoff, Message } from '../api/types.ts';
import { buildTimeline } from './timeline.ts';

// Only the fields the timeline reads; the rest of a message or handoff does not matter here.
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 10, minute)).toISOString();
const message = (id: string, minute: number, account: string, direction: Message['direction'] = 'inbound') =>
  ({ id, createdAt: at(minute), channelAccountId: account, direction }) as Message;
const handoff = (id: string, minute: number, account: string, joined?: { minute: number; messageId: string }) =>
  ({
    id,
    createdAt: at(minute),
    channelAccountId: account,
    code: `REF-${id}`,
    joinedAt: joined ? at(joined.minute) : null,
    joinedMessageId: joined?.messageId ?? null,
  }) as Handoff;

const shape = (entries: ReturnType<typeof buildTimeline>) =>
  entries.map((e) =>
    e.kind === 'message'
      ? e.message.id
      : e.kind === 'switch'
        ? `switch→${e.channelAccountId}:${e.handoff?.id ?? '-'}`
        : `${e.kind}:${e.handoff.id}`,
  );

describe('the timeline across channels', () => {
  it('puts a divider where the channel changes, naming the handoff that led there, and no join marker beside it', () => {
    const messages = [
      message('post', 0, 'x'),
      message('invite', 2, 'x', 'outbound'),
      message('wa1', 5, 'wa'),
      message('reply', 6, 'wa', 'outbound'),
    ];
    const h = handoff('h1', 1, 'wa', { minute: 5, messageId: 'wa1' });
    expect(shape(buildTimeline(messages, [h]))).toEqual(['post', 'handed_off:h1', 'invite', 'switch→wa:h1', 'wa1', 'reply']);
  });

  it('keeps the join marker when the customer came back on the same account (an X DM after a post)', () => {
    const messages = [message('post', 0, 'x'), message('dm', 5, 'x')];
    const h = handoff('h1', 1, 'x', { minute: 5, messageId: 'dm' });
    expect(shape(buildTimeline(messages, [h]))).toEqual(['post', 'handed_off:h1', 'joined:h1', 'dm']);
  });

  it('ignores notes when telling whether the channel changed, and names no handoff for a switch nobody asked for', () => {
    const messages = [message('a', 0, 'x'), message('note', 1, 'form', 'note'), message('b', 2, 'x'), message('c', 3, 'mail')];
    expect(shape(buildTimeline(messages, []))).toEqual(['a', 'note', 'b', 'switch→mail:-', 'c']);
  });

  it('shows a handoff sent after the last message at the end, and hides markers older than the first message shown', () => {
    const messages = [message('b', 10, 'x'), message('c', 11, 'x')];
    const old = handoff('old', 1, 'mail');
    const fresh = handoff('new', 12, 'mail');
    expect(shape(buildTimeline(messages, [old, fresh], true))).toEqual(['b', 'c', 'handed_off:new']);
    expect(shape(buildTimeline(messages, [old, fresh], false))).toEqual(['handed_off:old', 'b', 'c', 'handed_off:new']);
  });
});
