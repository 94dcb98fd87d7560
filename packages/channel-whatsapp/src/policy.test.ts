import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { replyPolicy, WINDOW_MS } from './policy.ts';

const cloud = parseConfig({ phoneNumberId: '1', accessToken: 't', appSecret: 's', verifyToken: 'v' });
const web = parseConfig({ mode: 'web' });
const now = new Date('2026-12-01T12:00:00Z');
const target = (receivedAt: Date, sentAt?: Date) => ({
  externalId: 'wamid.1',
  visibility: 'private' as const,
  metadata: sentAt ? { sentAt: sentAt.toISOString() } : {},
  receivedAt,
});
const template = { name: 'order_update', language: 'es', parameters: { 'body.1': 'A-1' } };

describe('the 24-hour window', () => {
  it('allows free text until 24 hours after the customer’s last message', () => {
    const justInside = target(new Date(now.getTime() - WINDOW_MS + 60_000));
    expect(replyPolicy({ config: cloud, visibility: 'private', target: justInside, now })).toEqual({ allowed: true });
  });

  it('refuses free text after it, saying when the window closed, and offers a template', () => {
    const decision = replyPolicy({ config: cloud, visibility: 'private', target: target(new Date('2026-11-30T09:15:00Z')), now });
    expect(decision).toMatchObject({ allowed: false, code: 'window_closed' });
    if (decision.allowed) return;
    expect(decision.reason).toContain('1 Dec 2026, 09:15 UTC');
    expect(decision.alternatives.map((a) => a.kind)).toEqual(['template', 'handoff']);
  });

  it('opens the window when the customer sent the message, not when a late webhook brought it', () => {
    const late = target(new Date(now.getTime() - 60_000), new Date(now.getTime() - WINDOW_MS - 60_000));
    expect(replyPolicy({ config: cloud, visibility: 'private', target: late, now })).toMatchObject({
      allowed: false,
      code: 'window_closed',
    });
  });

  it('allows a template at any time, and only a template before the customer ever wrote', () => {
    const closed = target(new Date('2026-11-01T00:00:00Z'));
    expect(replyPolicy({ config: cloud, visibility: 'private', target: closed, now, template })).toEqual({ allowed: true });
    expect(replyPolicy({ config: cloud, visibility: 'private', target: null, now })).toMatchObject({ allowed: false, code: 'no_window' });
  });

  it('does not apply to a linked phone, which has no templates', () => {
    const closed = target(new Date('2026-11-01T00:00:00Z'));
    expect(replyPolicy({ config: web, visibility: 'private', target: closed, now })).toEqual({ allowed: true });
    expect(replyPolicy({ config: web, visibility: 'private', target: closed, now, template })).toMatchObject({
      allowed: false,
      code: 'no_templates',
    });
  });
});

describe('the configuration', () => {
  it('names every Cloud API setting a cloud account lacks', () => {
    expect(() => parseConfig({ mode: 'cloud', phoneNumberId: '1' })).toThrow(
      /accessToken: required for the Cloud API.*appSecret.*verifyToken/,
    );
  });
});
