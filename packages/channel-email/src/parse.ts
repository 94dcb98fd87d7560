import { createHash } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { type BounceInfo, classify } from './classify.ts';
import { visibleReply } from './quotes.ts';
import { sanitiseEmailHtml } from './sanitize.ts';

export interface ParsedAddress {
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  inline: boolean;
  contentId: string | null;
}

/** One email as Centralita needs it: identity, threading headers, the visible text, the rest kept. */
export interface ParsedEmail {
  /** The Message-ID with its angle brackets, or a hash of the raw bytes when the mail has none. */
  externalId: string;
  messageId: string | null;
  from: ParsedAddress | null;
  replyTo: ParsedAddress[];
  to: ParsedAddress[];
  cc: ParsedAddress[];
  subject: string;
  date: Date | null;
  inReplyTo: string[];
  references: string[];
  /** The new text: quoted history and signature trimmed. */
  text: string;
  /** The full text as sent (from the HTML when there is no text part). */
  fullText: string;
  /** Sanitised HTML, or null for plain-text mail. */
  html: string | null;
  remoteImages: number;
  attachments: ParsedAttachment[];
  automated: 'auto_reply' | 'bounce' | null;
  bounce: BounceInfo | null;
  /** The sending domain's authentication failed (SPF, DKIM or DMARC, per Authentication-Results). */
  authenticationFailed: boolean;
  forwarded: boolean;
}

const ID = /<[^<>\s]+>/g;

function ids(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...new Set(all.match(ID) ?? [])];
}

function addresses(value: AddressObject | AddressObject[] | undefined): ParsedAddress[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: ParsedAddress[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ address: e.address.trim().toLowerCase(), name: (e.name ?? '').trim() });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

/** The Message-ID as the external id, or `sha256:<hash of the raw bytes>` when there is none. */
export function externalIdOf(messageId: string | null, raw: Buffer): string {
  return messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * Parses one raw email. Every charset and transfer encoding mailparser knows is decoded; broken
 * MIME yields what could be read rather than an error, so one bad message never stops a mailbox.
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const mail: ParsedMail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, keepCidLinks: true });
  const header = (name: string): string | null => {
    const v = mail.headers.get(name);
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
    return String(v);
  };
  const messageId = mail.messageId ? (mail.messageId.match(ID)?.[0] ?? null) : null;
  const from = addresses(mail.from)[0] ?? null;
  const subject = (mail.subject ?? '').trim();
  const fullText = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
  const sanitised = typeof mail.html === 'string' && mail.html.trim() ? sanitiseEmailHtml(mail.html) : null;
  const reportParts = mail.attachments
    .filter((a) => /^(message\/(delivery-status|rfc822|global-headers|global-delivery-status)|text\/rfc822-headers)$/i.test(a.contentType))
    .map((a) => a.content.toString('utf8'));
  // mailparser gives the Content-Type header as its value and its parameters.
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const kind = classify({
    header,
    from: from?.address ?? '',
    subject,
    deliveryReport: contentType?.value === 'multipart/report' && contentType.params?.['report-type']?.toLowerCase() === 'delivery-status',
    reportParts,
    text: fullText,
  });
  const forwarded = /^\s*(fwd?|rv|enc|tr|wg)\s*:/i.test(subject) || /^-{5,}\s*forwarded message/im.test(fullText);
  const authResults = header('authentication-results') ?? '';
  return {
    externalId: externalIdOf(messageId, raw),
    messageId,
    from,
    replyTo: addresses(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    inReplyTo: ids(mail.inReplyTo),
    references: ids(mail.references),
    text: kind.automated ? fullText : visibleReply(fullText, { forwarded }),
    fullText,
    html: sanitised?.html ?? null,
    remoteImages: sanitised?.remoteImages ?? 0,
    // Report parts are the bounce's machinery, not files the customer sent.
    attachments: mail.attachments
      .filter((a) => !(kind.bounce && reportParts.length > 0 && /^(message|text\/rfc822)/i.test(a.contentType)))
      .map((a) => ({
        filename: a.filename ?? (a.contentType === 'message/rfc822' ? 'forwarded-message.eml' : 'attachment'),
        contentType: a.contentType,
        size: a.size ?? a.content.length,
        content: a.content,
        inline: a.related === true || a.contentDisposition === 'inline',
        contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
      })),
    automated: kind.automated,
    bounce: kind.bounce,
    authenticationFailed: /\b(dmarc|spf|dkim)=(fail|softfail)\b/i.test(authResults),
    forwarded,
  };
}
