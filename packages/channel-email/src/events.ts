import { type DeliveryUpdatedEvent, type InboundEvent, type MessageReceivedEvent, replaceUnsafeDeep } from '@centralita/core';
import type { EmailConfig } from './config.ts';
import type { ParsedEmail } from './parse.ts';
import { findReplyToken, normaliseSubject } from './thread-keys.ts';

/**
 * What one parsed email tells the host: a message for its thread, and for a bounce also a
 * delivery failure on the message of ours it reports about. Threading hints are given in the
 * host's order: In-Reply-To/References, then our reply token, then subject and sender.
 */
export function toEvents(mail: ParsedEmail, config: EmailConfig, receivedAt: Date): InboundEvent[] {
  const own = config.address.toLowerCase();
  const sender = mail.from;
  // Customers, not us: the CC list and the other recipients a reply-all would keep.
  const others = [...mail.to, ...mail.cc]
    .map((a) => a.address)
    .filter((a) => a !== own && !a.startsWith(`${own.split('@')[0]}+`) && a !== sender.address);
  const inReplyTo = [...new Set([...mail.inReplyTo, ...[...mail.references].reverse()])];
  if (mail.bounce?.originalMessageId) inReplyTo.unshift(mail.bounce.originalMessageId);
  const token = findReplyToken(
    mail.subject,
    [...mail.to, ...mail.cc].map((a) => a.address),
  );
  const subjectKey = normaliseSubject(mail.subject);
  const message: MessageReceivedEvent = {
    type: 'message.received',
    externalMessageId: mail.externalId,
    // The Date header is the sender's claim; it orders nothing, the host stamps arrival.
    occurredAt: mail.date ?? receivedAt,
    sender: {
      kind: 'email',
      externalId: sender.address,
      // The receiving server vouches for the address unless authentication said otherwise; an
      // unverified sender never joins anyone else's contact.
      verified: !mail.authenticationFailed,
      ...(sender.name ? { displayName: sender.name } : {}),
    },
    text: mail.text || (mail.attachments.length > 0 ? '(attachments only)' : '(empty message)'),
    fullText: mail.fullText,
    ...(mail.html ? { html: mail.html } : {}),
    ...(mail.subject ? { subject: mail.subject } : {}),
    visibility: 'private',
    thread: {
      ...(inReplyTo.length > 0 ? { inReplyTo } : {}),
      ...(token ? { replyToken: token } : {}),
      ...(subjectKey ? { subject: { key: subjectKey, windowMinutes: config.subjectWindowDays * 24 * 60 } } : {}),
    },
    ...(mail.automated ? { automated: mail.automated } : {}),
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      content: a.content,
      inline: a.inline,
      ...(a.contentId ? { contentId: a.contentId } : {}),
    })),
    metadata: {
      messageId: mail.messageId,
      from: sender,
      ...(mail.replyTo.length > 0 ? { replyTo: mail.replyTo.map((a) => a.address) } : {}),
      to: mail.to.map((a) => a.address),
      cc: others,
      ...(mail.remoteImages > 0 ? { remoteImages: mail.remoteImages } : {}),
      ...(mail.bounce ? { bounce: mail.bounce } : {}),
      ...(mail.authenticationFailed ? { authenticationFailed: true } : {}),
      ...(mail.fromSource !== 'from' ? { fromSource: mail.fromSource } : {}),
      ...(mail.repairs.length > 0 ? { repairs: mail.repairs } : {}),
      ...(mail.quarantine ? { quarantine: mail.quarantine } : {}),
    },
  };
  // The parser already replaced controls in what it read; this covers every other string too.
  const events: InboundEvent[] = [replaceUnsafeDeep(message)];
  if (mail.bounce?.originalMessageId && mail.bounce.permanent) {
    const failure: DeliveryUpdatedEvent = {
      type: 'delivery.updated',
      externalMessageId: mail.bounce.originalMessageId,
      occurredAt: receivedAt,
      state: 'failed',
      reason: `The recipient's mail server returned it: ${mail.bounce.reason}`,
    };
    events.push(replaceUnsafeDeep(failure));
  }
  return events;
}
