import { REPLY_ALLOWED, type ReplyAlternative, type ReplyDecision, type ReplyQuestion } from '@centralita/channel-kit';
import type { WhatsAppConfig } from './config.ts';

/** WhatsApp's customer service window: free-form messages for 24 hours after the customer's last one. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

const TEMPLATE: ReplyAlternative = { kind: 'template', label: 'Send an approved template' };
const HANDOFF: ReplyAlternative = { kind: 'handoff', label: 'Move the conversation to another channel' };

/**
 * When the customer's window opened: when they sent the message (WhatsApp's own clock, kept as
 * `sentAt`), else when Centralita received it. A webhook Meta delivered late does not stretch it.
 */
export function windowOpenedAt(target: { receivedAt: Date; metadata: Record<string, unknown> }): Date {
  const sent = typeof target.metadata.sentAt === 'string' ? new Date(target.metadata.sentAt) : null;
  return sent && !Number.isNaN(sent.getTime()) && sent < target.receivedAt ? sent : target.receivedAt;
}

/** "1 Dec 2026, 14:03 UTC": the instant a window closed, for the sentence an agent reads. */
function when(at: Date): string {
  const date = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${date}, ${time} UTC`;
}

/**
 * The Cloud API's 24-hour rule, per business number and customer: inside the window any reply;
 * outside it (or before the customer ever wrote) only an approved template, and the refusal says
 * when the window closed. The customer's latest message is what opened it, and the number it came
 * to is the one the reply goes from. A linked phone (`web`) has no window: it is a person's
 * WhatsApp, and it has no templates either.
 */
export function replyPolicy({ config, target, now, template }: ReplyQuestion<WhatsAppConfig>): ReplyDecision {
  if (config.mode === 'web') {
    return template
      ? {
          allowed: false,
          reason: 'Templates belong to the Cloud API; a WhatsApp Web account sends free text only.',
          code: 'no_templates',
          alternatives: [],
        }
      : REPLY_ALLOWED;
  }
  if (template) return REPLY_ALLOWED;
  if (!target) {
    return {
      allowed: false,
      reason: 'The customer has not written to this WhatsApp number yet: only an approved template can start the conversation.',
      code: 'no_window',
      alternatives: [TEMPLATE, HANDOFF],
    };
  }
  const closes = new Date(windowOpenedAt(target).getTime() + WINDOW_MS);
  if (now < closes) return REPLY_ALLOWED;
  return {
    allowed: false,
    reason: `WhatsApp allows free-form replies only within 24 hours of the customer's last message; this conversation's window closed on ${when(closes)}. Send an approved template instead.`,
    code: 'window_closed',
    alternatives: [TEMPLATE, HANDOFF],
  };
}
